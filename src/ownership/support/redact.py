"""The one redaction every output, cache and snapshot goes through (issue 12, hole 6).

Three kinds of secret are removed from any text before it is printed, written or cached:

- the user information of a URL (`https://user:token@host/` becomes `https://***@host/`);
- the value of a query parameter that carries a credential (`?access_token=...`, `token`, `api_key`,
  `apikey`, `key`, `secret`, `password`, `sig`, `signature`, `X-Amz-*`, and any name containing `token`,
  `secret`, `passw`, `signature` or `credential`; names are matched in any letter case) becomes `***`;
- the exact value, in any letter case (and percent-encoded), of every secret the process reads from the
  environment: the variables named `OWNERSHIP_*` that contain `TOKEN`, `SECRET`, `PASSWORD` or `KEY`.

`text()` does all three to any string; `url()` is `text()` for one URL, with the query dropped on request;
`data()` does it to every string (and key) of a JSON-like value. `masked()` shows a secret-like value read
from a catalog (a PagerDuty integration key) so a person can tell which one it is, never in full.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

MASK = "***"
MIN_SECRET = 4  # a shorter environment value would mask ordinary words; such a token is no secret anyway
_SECRET_NAME = re.compile(r"^OWNERSHIP_\w*(TOKEN|SECRET|PASSWORD|KEY)", re.IGNORECASE)

# scheme://userinfo@ : userinfo stops at the first / ? # blank, quote or angle bracket, so neither `?mail=a@b`
# nor `href="https://h.test">bob@h.test` is mistaken for it (the literal `://` first: re finds it fast)
_USERINFO = re.compile(r"://[^/?#@\s\"'<>`]+@")
_EXACT = "access_token|token|api_key|apikey|api-key|key|secret|password|passwd|pwd|sig|signature|auth"
_CREDENTIAL_PARAM = re.compile(
    r"(?P<name>[?&;](?:" + _EXACT + r"|x-amz-[\w-]*|[\w.-]*(?:token|secret|passw|signature|credential)[\w.-]*)"
    r"=)[^&#;\s\"'<>`)\]]*", re.IGNORECASE)


def secret_values(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The values of the secret environment variables this process may read (see the module docstring)."""
    env = os.environ if environ is None else environ
    return tuple(sorted({v for k, v in env.items() if _SECRET_NAME.match(k) and len(v.strip()) >= MIN_SECRET},
                        key=lambda v: (-len(v), v)))


@lru_cache(maxsize=8)
def _secrets_pattern(values: tuple[str, ...]) -> re.Pattern[str] | None:
    forms = {f for v in values for f in (v, v.strip(), quote(v, safe=""), quote_plus(v)) if len(f) >= MIN_SECRET}
    if not forms:
        return None
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))), re.IGNORECASE)


def text(value: str, secrets: Iterable[str] | None = None) -> str:
    """`value` with URL credentials, credential query parameters and secret values masked."""
    if not value:
        return value
    out = _USERINFO.sub("://" + MASK + "@", value)
    out = _CREDENTIAL_PARAM.sub(r"\g<name>" + MASK, out)
    pattern = _secrets_pattern(secret_values() if secrets is None else tuple(secrets))
    return pattern.sub(MASK, out) if pattern is not None else out


def masked(value: str, keep: int = 4) -> str:
    """`***` and the last `keep` characters of `value`; only `***` when it is shorter than 4 × `keep`, so at
    least three quarters of it always stay hidden."""
    value = value.strip()
    return MASK + value[-keep:] if keep > 0 and len(value) >= 4 * keep else MASK


def url(value: str, *, keep_query: bool = True, keep_userinfo_mask: bool = True) -> str:
    """One URL, redacted as text() does; without its query and fragment when `keep_query` is false, and
    without any `***@` where user information was when `keep_userinfo_mask` is false."""
    if keep_query and keep_userinfo_mask:
        return text(value)
    parts = urlsplit(value)
    if not keep_userinfo_mask and (parts.username is not None or parts.password is not None):
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:
            port = None
        parts = parts._replace(netloc=f"{host}:{port}" if port else host)
    if not keep_query:
        parts = parts._replace(query="", fragment="")
    return text(urlunsplit(parts))


def data(value: Any) -> Any:
    """A JSON-like value (dicts, lists, tuples, strings, numbers) with text() applied to every string."""
    secrets = secret_values()
    return _data(value, secrets)


def _data(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return text(value, secrets)
    if isinstance(value, Mapping):
        return {(text(k, secrets) if isinstance(k, str) else k): _data(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_data(v, secrets) for v in value]
    return value
