"""Who PagerDuty says is on call: REST API v2 `GET /oncalls`, with timeouts, retries and paging; and which
escalation policy a service uses, `GET /services/{id}` (for Backstage's `pagerduty.com/service-id`).

The token comes from an environment variable (`pagerduty.token_env`, default OWNERSHIP_PAGERDUTY_TOKEN) and
goes only into the Authorization header: no message, log or exception text ever contains it. Any failure is a
`PagerDutyError` whose one-line message the page list shows before falling back to the catalog rotation, so an
outage of PagerDuty never leaves the person at 3 a.m. with nothing. Nor does a slow one: `page`, `incident` and
`drill` wait at most `pagerduty.wait` seconds for the whole look-up (inputs.ask_oncall). Every request
goes through the network policy (ownership.net.netpolicy): the token only to the origin of `pagerduty.base_url`,
same-origin redirects only, and one deadline (`pagerduty.deadline`) for a whole request and its retries.

`PROVIDER` is PagerDuty behind the on-call seam (oncall/provider.py): the catalog's targets are
`service:ID` (its escalation policy is asked first), `policy:ID` and `integration_key:KEY` (shown masked, never
asked: an Events API routing key does not say who is on call).
"""
from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ownership.support import redact
from ownership.errors import OwnershipError
from ownership.net.httpsettings import check_client
from ownership.model import SettingProblem
from ownership.oncall.provider import OnCallAnswer, OnCallEntry, TargetAnswer, split

if TYPE_CHECKING:  # requests is imported only when PagerDuty is asked (it costs ~70 ms at start-up)
    from ownership.net import netpolicy

DEFAULT_BASE_URL = "https://api.pagerduty.com"
DEFAULT_TOKEN_ENV = "OWNERSHIP_PAGERDUTY_TOKEN"
ACCEPT = "application/vnd.pagerduty+json;version=2"
PAGE_LIMIT = 100  # PagerDuty's maximum page size for /oncalls
MAX_PAGES = 200  # a server that always answers `more: true` must not keep us paging forever
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY = 8 << 20  # one page of at most 100 on-call entries is a few hundred KB

# key -> (accepted types, what it must be) for the `pagerduty:` mapping in ownership.yaml
FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "token_env": (str, "the name of an OWNERSHIP_* environment variable"),
    "base_url": (str, "an http(s) URL"),
    "timeout": ((int, float), "seconds, more than 0"),
    "deadline": ((int, float), "seconds, more than 0"),
    "retries": (int, "a whole number from 0 to 10"),
    "backoff": ((int, float), "seconds, 0 or more"),
    "wait": ((int, float), "seconds, more than 0"),
}


class PagerDutyError(OwnershipError):
    """PagerDuty could not answer. One line, never containing the token."""


class NotFound(PagerDutyError):
    """PagerDuty answered 404: it has no such object (a service id that is wrong or was deleted)."""


@dataclass(frozen=True, slots=True)
class Lookup:
    """One look-up for page and incident: who is on call, and which policy each asked service uses."""

    entries: tuple[OnCallRow, ...] = ()
    services: Mapping[str, str] = field(default_factory=dict)  # service id -> escalation policy id
    unknown_services: Mapping[str, str] = field(default_factory=dict)  # service id -> why it is unknown


@dataclass(frozen=True, slots=True)
class PagerDutySettings:
    token_env: str = DEFAULT_TOKEN_ENV
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 5.0  # seconds to connect and for each read: at 3 a.m. a slow answer is a wrong answer
    deadline: float | None = None  # seconds for a whole request and its retries; None: 4 x timeout
    retries: int = 2  # further attempts after the first, on 429, 5xx, timeouts and connection errors
    backoff: float = 0.5  # first wait; doubles per attempt; a Retry-After header is honoured up to 10 s
    wait: float = 2.0  # seconds page and incident wait for the whole look-up before using the catalog rotation

    @classmethod
    def from_values(cls, value: Any, relative: Callable[[str], str] | None = None,
                    base_url: str | None = None, wait: float | None = None) -> PagerDutySettings:
        """Settings from an already checked `pagerduty` value; `base_url` (--pagerduty-url) and `wait`
        (--pagerduty-wait) win."""
        values = dict(value or {})
        if base_url:
            values["base_url"] = base_url
        if wait is not None:
            values["wait"] = wait
        return cls(**{k: v for k, v in values.items() if k in FIELDS})


def check(value: Any) -> list[SettingProblem]:
    """Every problem of the `pagerduty:` setting of ownership.yaml (checked when config loads)."""
    out = check_client("pagerduty", value, FIELDS)
    if not isinstance(value, dict) or any(p.path != ("base_url",) for p in out):
        return out  # a wrong type: the ranges below cannot be compared
    if value.get("timeout", 1) <= 0 or not 0 <= value.get("retries", 0) <= 10 or value.get("backoff", 0) < 0:
        out.append(SettingProblem((), "pagerduty.timeout must be > 0, retries 0-10 and backoff >= 0"))
    if value.get("wait", 1) <= 0:
        out.append(SettingProblem(("wait",), "pagerduty.wait must be > 0 (seconds page and incident wait for "
                                  "PagerDuty)"))
    return out


@dataclass(frozen=True, slots=True)
class OnCallRow:
    """One row of `GET /oncalls`: one person on call for one escalation policy at one escalation level."""

    policy: str
    level: int
    email: str | None
    name: str | None
    user_id: str | None
    schedule: str | None = None
    until: str | None = None
    start: str | None = None  # when this on-call began (ISO); None: always (on the policy itself)


def lookup(policies: Iterable[str], services: Iterable[str], at: dt.datetime | None, settings: PagerDutySettings,
           env: Mapping[str, str] | None = None, until: dt.datetime | None = None) -> Lookup:
    """The escalation policy of each of `services` (a 404 makes that one service unknown, with the reason),
    then everyone on call at `at` (or from `at` to `until`) for `policies` and those services' policies: one
    session for all of it. Any other failure raises PagerDutyError, as oncalls() does."""
    with _session(settings, env) as http:
        found, unknown = service_policies(services, settings, env, http)
        entries = oncalls([*policies, *found.values()], at, settings, env, http, until)
    return Lookup(tuple(entries), found, unknown)


def service_policies(services: Iterable[str], settings: PagerDutySettings, env: Mapping[str, str] | None = None,
                     session: netpolicy.Session | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(service id -> escalation policy id, service id -> why unknown) from `GET /services/{id}` each."""
    ids = sorted(set(services))
    if not ids:
        return {}, {}
    http = session or _session(settings, env)
    found: dict[str, str] = {}
    unknown: dict[str, str] = {}
    try:
        for sid in ids:
            # the id is catalog text: quoted whole, it stays one path segment (no `../`, no query)
            url = http.url("services/" + quote(sid, safe=""))
            try:
                body = _get(http, url, [], settings)
            except NotFound:
                unknown[sid] = f"PagerDuty has no service {sid} (HTTP 404)"
                continue
            policy = _obj(_obj(body.get("service")).get("escalation_policy")).get("id")
            if isinstance(policy, str) and policy.strip():
                found[sid] = policy.strip()
            else:
                unknown[sid] = f"{_redact(url)} answered without the service's escalation_policy id"
    finally:
        if session is None:
            http.close()
    return found, unknown


def oncalls(policies: Iterable[str], at: dt.datetime | None, settings: PagerDutySettings,
            env: Mapping[str, str] | None = None, session: netpolicy.Session | None = None,
            until: dt.datetime | None = None) -> list[OnCallRow]:
    """Everyone on call for `policies` at `at` (None: now), all pages, ordered by policy, level, email.
    With `until` (and `at`): every on-call between the two, each with its start and end (`ownership drill`)."""
    ids = sorted(set(policies))
    if not ids:
        return []
    http = session or _session(settings, env)
    params: list[tuple[str, str]] = [("escalation_policy_ids[]", i) for i in ids]
    params += [("include[]", "users"), ("limit", str(PAGE_LIMIT))]
    if at is not None:
        # a one-second window asks "who is on call at that moment"; without since/until PagerDuty says "now"
        params += [("since", _iso(at)), ("until", _iso(until or at + dt.timedelta(seconds=1)))]
    url = http.url("oncalls")
    found: list[OnCallRow] = []
    offset = 0
    try:
        for _ in range(MAX_PAGES):
            body = _get(http, url, params + [("offset", str(offset))], settings)
            page = body.get("oncalls")
            if not isinstance(page, list):
                raise PagerDutyError(f"{_redact(url)} answered without an 'oncalls' list")
            found += [e for e in (_entry(item) for item in page) if e is not None]
            if not body.get("more") or not page:
                break
            offset += len(page)
        else:
            raise PagerDutyError(f"{_redact(url)} kept answering more=true after {MAX_PAGES} pages")
    finally:
        if session is None:
            http.close()
    # over a window one person can be on call several times at one level: each stint is kept
    unique = {(e.policy, e.level, e.user_id or e.email, e.start if until else None): e for e in found}
    return sorted(unique.values(), key=lambda e: (e.policy, e.level, e.email or "", e.name or "", e.start or ""))


def _session(settings: PagerDutySettings, env: Mapping[str, str] | None) -> netpolicy.Session:
    """The session of the network policy for the base URL (https, or http to this machine), with the token.
    No token, or a URL it may not go to, is said before requests is imported (~70 ms)."""
    token = (env if env is not None else os.environ).get(settings.token_env, "").strip()
    if not token:
        raise PagerDutyError(f"no PagerDuty token: set the environment variable {settings.token_env}")
    base = settings.base_url.rstrip("/")
    _check_transport(base)
    from ownership.net import netpolicy

    return netpolicy.Session(base, timeout=settings.timeout, max_bytes=MAX_BODY,
                             deadline=netpolicy.default_deadline(settings.timeout, settings.deadline),
                             credentials={"Authorization": f"Token token={token}"}, headers={"Accept": ACCEPT})


def _get(http: netpolicy.Session, url: str, params: list[tuple[str, str]],
         settings: PagerDutySettings) -> dict[str, Any]:
    import requests

    from ownership.net import httpget, netpolicy

    where = _redact(url)
    wait = settings.backoff
    clock = http.clock()  # one deadline for the request, its retries and the waits between them
    tries = 0
    for attempt in range(settings.retries + 1):
        tries = attempt + 1
        last = attempt == settings.retries
        try:
            resp = http.get(url, params=params, clock=clock)
        except httpget.Deadline as exc:
            problem_text = f"{where}: {exc} (pagerduty.deadline)"
            break
        except requests.Timeout:
            problem_text = f"{where}: no answer within {settings.timeout:g} s"
        except requests.ConnectionError:
            problem_text = f"{where}: cannot connect"
        except (httpget.TooLarge, httpget.CrossOrigin, netpolicy.Refused, requests.TooManyRedirects) as exc:
            raise PagerDutyError(f"{where}: {exc}") from None  # messages without secrets; not retried
        except requests.RequestException as exc:
            raise PagerDutyError(f"{where}: request failed ({type(exc).__name__})") from None
        else:
            if resp.status_code == 200:
                try:
                    data = resp.json()
                except ValueError:
                    raise PagerDutyError(f"{where}: the answer is not JSON") from None
                if not isinstance(data, dict):
                    raise PagerDutyError(f"{where}: the answer is not a JSON object")
                return data
            if resp.status_code in (401, 403):
                raise PagerDutyError(f"{where}: PagerDuty refused the token (HTTP {resp.status_code}); check "
                                     f"{settings.token_env}")
            if resp.status_code == 404:
                raise NotFound(f"{where}: HTTP 404")
            if resp.status_code not in RETRY_STATUSES:
                raise PagerDutyError(f"{where}: HTTP {resp.status_code}")
            problem_text = f"{where}: HTTP {resp.status_code}"
            wait = max(wait, httpget.retry_after(resp.headers.get("Retry-After")) or 0.0)
        if last:
            break
        if min(wait, 10.0) >= clock.remaining():  # the next attempt could not finish in time
            problem_text += f"; no time left for another attempt within {clock.seconds:g} s (pagerduty.deadline)"
            break
        time.sleep(min(wait, 10.0))
        wait = wait * 2 if wait else 0.0
    raise PagerDutyError(f"{problem_text} (after {tries} attempt{'s' if tries != 1 else ''})")


def _entry(item: Any) -> OnCallRow | None:
    if not isinstance(item, dict):
        return None
    user, policy, schedule = (_obj(item.get(k)) for k in ("user", "escalation_policy", "schedule"))
    level = item.get("escalation_level")
    email = user.get("email")
    return OnCallRow(
        policy=str(policy.get("id") or ""),
        level=level if isinstance(level, int) and not isinstance(level, bool) else 1,
        email=email.strip() if isinstance(email, str) and email.strip() else None,
        name=str(user.get("name") or user.get("summary") or "") or None,
        user_id=str(user.get("id")) if user.get("id") else None,
        schedule=str(schedule.get("summary") or schedule.get("id") or "") or None,
        until=item.get("end") if isinstance(item.get("end"), str) else None,
        start=item.get("start") if isinstance(item.get("start"), str) else None,
    )


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_transport(base: str) -> None:
    from ownership.net import httpget

    if not httpget.token_may_go(base):
        raise PagerDutyError(f"{_redact(base)}: refusing to send the PagerDuty token over a non-https URL")


def _redact(url: str) -> str:
    """The URL without any user:password part and without its query."""
    from ownership.net import httpget

    return httpget.redact_url(url, keep_query=False)


# --------------------------------------------------------------------------- PagerDuty behind the on-call seam

ASKED = ("service", "policy")  # the kinds of target that say who is on call, in the order a page list tries them
DEFAULT_WEB = "https://app.pagerduty.com"


def answer(targets: Iterable[str], found: Lookup) -> OnCallAnswer:
    """The provider-neutral answer for the catalog's `targets` from one look-up: a service's on-call is its
    escalation policy's, named "service S (escalation policy P)"; a service PagerDuty does not know says why."""
    by_policy: dict[str, list[OnCallEntry]] = {}
    for r in found.entries:
        by_policy.setdefault(r.policy, []).append(OnCallEntry(r.email, r.name, r.level, r.user_id, r.schedule,
                                                              r.start, r.until, PROVIDER.name))
    out: dict[str, TargetAnswer] = {}
    for target in targets:
        kind, value = split(target)
        if kind == "policy":
            out[target] = TargetAnswer(f"escalation policy {value}", tuple(by_policy.get(value, ())))
        elif kind == "service":
            policy = found.services.get(value)
            out[target] = (TargetAnswer(f"service {value} (escalation policy {policy})",
                                        tuple(by_policy.get(policy, ()))) if policy else
                           TargetAnswer(f"service {value}", error=found.unknown_services.get(value) or "not asked"))
    return OnCallAnswer(PROVIDER.name, PROVIDER.title, out)


class PagerDuty:
    """PagerDuty as an on-call provider (ownership.oncall.provider.OnCallProvider)."""

    name = "pagerduty"
    title = "PagerDuty"

    def asks(self, targets: Collection[str]) -> tuple[str, ...]:
        return tuple(t for kind in ASKED for t in targets if split(t)[0] == kind)

    def notes(self, whose: str, targets: Collection[str]) -> list[str]:
        keys = [v for k, v in map(split, targets) if k == "integration_key"]
        has_service = any(split(t)[0] == "service" for t in targets)
        return [f"{whose} sends PagerDuty events with integration key {redact.masked(key)}"
                + ("" if has_service else " (a routing key does not say who is on call: add "
                   "pagerduty.com/service-id)") for key in keys]

    def settings(self, value: Any, overrides: Mapping[str, Any]) -> PagerDutySettings:
        return PagerDutySettings.from_values(value, None, overrides.get("base_url"), overrides.get("wait"))

    def wait(self, settings: Any) -> float:
        return float(settings.wait)

    def lookup(self, targets: Collection[str], at: dt.datetime | None, until: dt.datetime | None,
               settings: Any, env: Mapping[str, str]) -> OnCallAnswer:
        pairs = [split(t) for t in targets]
        try:
            found = lookup([v for k, v in pairs if k == "policy"], [v for k, v in pairs if k == "service"], at,
                           settings, env, until)
        except PagerDutyError as exc:
            return OnCallAnswer(self.name, self.title, error=str(exc))
        return answer(targets, found)

    def web(self, config_values: Mapping[str, Any]) -> str:
        site = config_values.get("site")
        web = site.get("pagerduty_web") if isinstance(site, dict) else None
        return web if isinstance(web, str) and web else DEFAULT_WEB

    def user_link(self, handle: str, web: str) -> str:
        """A PagerDuty user's web page: the value when it is already an https URL, else WEB/users/ID."""
        if handle.startswith("https://"):
            return handle
        return f"{web.rstrip('/')}/users/{quote(handle, safe='')}"

    def target_link(self, target: str, web: str) -> tuple[str, str] | None:
        kind, value = split(target)
        if kind != "policy":
            return None
        return "escalation policy", f"{web.rstrip('/')}/escalation_policies/{quote(value, safe='')}"


PROVIDER = PagerDuty()
