"""The command-line flags that set an on-call provider's settings for one run (`--pagerduty-url`,
`--pagerduty-wait`: CLI spellings are a contract), as `inputs.ask_oncall` takes them: provider -> setting ->
value. The one place a command's flags meet a provider's name."""
from __future__ import annotations

from collections.abc import Mapping


def provider_flags(pagerduty_url: str | None = None,
                   pagerduty_wait: float | None = None) -> Mapping[str, Mapping[str, object]]:
    """{"pagerduty": {"base_url": ..., "wait": ...}} with the flags that were given."""
    given = {k: v for k, v in (("base_url", pagerduty_url), ("wait", pagerduty_wait)) if v is not None}
    return {"pagerduty": given} if given else {}


def provider_webs(webs: Mapping[str, str], pagerduty_web: str | None = None) -> dict[str, str]:
    """Each provider's web address (inputs.oncall_webs), `--pagerduty-web` (`ownership site`) winning."""
    return {**webs, **({"pagerduty": pagerduty_web} if pagerduty_web else {})}
