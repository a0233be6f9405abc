"""SCIM 2.0 client (RFC 7643/7644): `GET {base}/Users`, paged with startIndex/count in a stable order.

The source for every `http://` or `https://` `--roster` value: the SCIM base URL, the part before `/Users`
(`https://hr.acme.test/scim/v2`). Its settings are the `scim:` section (token_env, page_size, timeouts,
retries, contact attributes); the bearer token comes from the environment variable `scim.token_env` names.

All or nothing: a pull that ends before `totalResults`, changes size while paging, repeats someone, sends
more users or takes more pages than `totalResults` promised, or has a page that still fails after the retries
raises RosterError; a partial roster would make the people missing from it look gone. Each request has one
deadline (`scim.deadline`) for its whole answer, every retry and the waits between them included, and a
body cap, and a redirect to another origin is an error (the network policy, ownership.net.netpolicy). 429, 5xx,
timeouts and connection errors are retried with exponential backoff (honouring Retry-After, capped) while the
deadline allows; 401/403 stop at once. The bearer token comes from an environment variable and never appears
in a message: messages are built from status codes and URLs only, and server text is redacted.

Contacts (model.Reach): the phone is the `phoneNumbers` entry marked primary, else the first of type work,
else of type mobile; Slack and PagerDuty come from the attributes named in `scim.slack_attribute` and
`scim.pagerduty_attribute` (usually extension attributes) when set. A value ownership/reach.py refuses is
left out with a note (`link`'s `notes`), never an error.
"""
from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ownership import __version__, reach
from ownership.support import redact
from ownership.model import Location, Person, Reach
from ownership.roster.errors import RosterError
from ownership.roster.settings import RosterSettings, ScimSettings, is_url
from ownership.roster.source import SourceSection

if TYPE_CHECKING:  # requests is imported only when a SCIM server is asked (~70 ms at start-up)
    import requests

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_BODY = 32 << 20  # 32 MiB, one page; 1000 users of a few KB each fit many times over
MAX_PAGES = 10_000  # whatever totalResults says: 1,000,000 users at 100 a page
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

# --------------------------------------------------------------------------- the roster source (source.py)
name = "scim"
section: SourceSection | None = SourceSection(
    "scim", "ownership.roster.settings:check_scim",
    "SCIM client: token_env, page_size, timeout, deadline, retries, backoff, max_retry_after, sort_by, "
    "allow_http, slack_attribute, pagerduty_attribute", "ownership.configschema:scim",
    "where the SCIM token goes, which variable holds it, plain http")


def accepts(source: str) -> bool:
    """An http:// or https:// URL: a SCIM base URL."""
    return is_url(source)


def read(source: str, settings: RosterSettings, notes: list[str]) -> list[Person]:
    """Every user of the SCIM server at `source` (pull), with the `scim:` settings."""
    return pull(source, settings.scim, notes=notes)


def key(source: str) -> str:
    """The URL without credentials and trailing slash: the same server, however written, is one source."""
    return redact.url(source.rstrip("/"), keep_userinfo_mask=False)


def shown(source: str) -> str:
    return redact.url(source, keep_userinfo_mask=False)


def fingerprint(source: str, settings: RosterSettings) -> str | None:
    """None: a server is asked every time (its answer cannot be known without asking)."""
    return None


# --------------------------------------------------------------------------- pulling


def pull(base: str, settings: ScimSettings, *, env: Mapping[str, str] | None = None,
         sleep: Callable[[float], None] = time.sleep, notes: list[str] | None = None) -> list[Person]:
    """Every user of the SCIM server at `base` as a Person. Raises RosterError; never returns a partial list.
    Contact values left out are appended to `notes`."""
    env = os.environ if env is None else env
    shown = key(base)
    parts = urlsplit(base)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK and not settings.allow_http:
        raise RosterError(f"{shown}: refusing to send the SCIM token over plain http; use https "
                          "(or set scim.allow_http: true in ownership.yaml)")
    token = env.get(settings.token_env, "").strip()
    if not token:
        raise RosterError(f"reading the roster from {shown} needs a SCIM bearer token in the environment "
                          f"variable {settings.token_env} (scim.token_env in ownership.yaml)")
    with _Client(base.rstrip("/"), shown, token, settings, sleep) as client:
        return link(client.users(), shown, settings=settings, notes=notes)


def people(resources: Iterable[Any], source: str, settings: ScimSettings | None = None,
           notes: list[str] | None = None) -> list[Person]:
    """Users of a saved SCIM ListResponse as people."""
    return link(resources, source, url=False, settings=settings, notes=notes)


class _Client:
    def __init__(self, base: str, shown: str, token: str, settings: ScimSettings,
                 sleep: Callable[[float], None]) -> None:
        from ownership.net import httpget, netpolicy

        self.url = httpget.join(base, "Users")
        self.shown = httpget.redact_url(self.url)
        self.token = token
        self.settings = settings
        self.sleep = sleep
        self.session = netpolicy.Session(
            base, timeout=settings.timeout, deadline=netpolicy.default_deadline(settings.timeout, settings.deadline),
            max_bytes=MAX_BODY, credentials={"Authorization": f"Bearer {token}"}, plain_http=settings.allow_http,
            headers={"Accept": "application/scim+json, application/json", "User-Agent": f"ownership/{__version__}"})

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def users(self) -> list[dict[str, Any]]:
        size = self.settings.page_size
        start, total, pages, max_pages = 1, None, 0, MAX_PAGES
        users: list[dict[str, Any]] = []
        seen: set[str] = set()
        while total is None or len(users) < total:
            if pages == max_pages:
                raise RosterError(f"{self.shown}: {pages} pages gave {len(users)} of the {total} users "
                                  "totalResults promised (more pages than it allows); nothing was saved")
            pages += 1
            params: dict[str, Any] = {"startIndex": start, "count": size}
            if self.settings.sort_by:
                params.update(sortBy=self.settings.sort_by, sortOrder="ascending")
            page = self._get(params)
            page_total = page.get("totalResults")
            if not isinstance(page_total, int) or isinstance(page_total, bool) or page_total < 0:
                raise RosterError(f"{self.shown}: the answer is not a SCIM ListResponse (no totalResults)")
            if total is not None and page_total != total:
                raise RosterError(f"{self.shown}: the number of users changed from {total} to {page_total} "
                                  "during the pull; nothing was saved, try again")
            total = page_total
            resources = page.get("Resources") or []
            if not isinstance(resources, list):
                raise RosterError(f"{self.shown}: 'Resources' of the page at startIndex={start} is not a list")
            if not resources and len(users) < total:
                raise RosterError(f"{self.shown}: the pull stopped early: the page at startIndex={start} is "
                                  f"empty after {len(users)} of {total} users; nothing was saved")
            for sid in (u.get("id") for u in resources if isinstance(u, dict)):
                if isinstance(sid, str) and sid in seen:  # a repeated page: stop now, not at the page cap
                    raise RosterError(f"{self.shown}: user id '{sid}' appears twice (again on the page at "
                                      f"startIndex={start}; the server's paging is not stable, try scim.sort_by: "
                                      "id); nothing was saved")
                if isinstance(sid, str):
                    seen.add(sid)
            users.extend(resources)
            if len(users) > total:
                raise RosterError(f"{self.shown}: the server sent {len(users)} users, more than its totalResults "
                                  f"of {total}; nothing was saved")
            if pages == 1 and resources:  # the server's own page size (it may send fewer than asked)
                max_pages = min(MAX_PAGES, math.ceil(total / len(resources)) + 1)
            start += len(resources)
        return users

    def _get(self, params: Mapping[str, Any]) -> dict[str, Any]:
        import requests

        from ownership.net import httpget, netpolicy

        s = self.settings
        attempts = s.retries + 1
        where = f"{self.shown} (startIndex={params['startIndex']})"
        clock = self.session.clock()  # one deadline for the page, its retries and the waits between them
        attempt = 0
        for attempt in range(1, attempts + 1):
            wait = min(s.backoff * 2 ** (attempt - 1), s.max_retry_after)
            try:
                resp = self.session.get(self.url, params=params, clock=clock)
            except httpget.Deadline as exc:
                reason = f"{exc} (scim.deadline)"
                break
            except requests.Timeout:
                reason = f"no answer within {s.timeout:g} s"
            except requests.ConnectionError:
                reason = "cannot connect"
            except (httpget.TooLarge, httpget.CrossOrigin, netpolicy.Refused, requests.TooManyRedirects) as exc:
                raise RosterError(f"{where}: {exc}; nothing was saved") from None  # messages without secrets
            except requests.RequestException as exc:
                raise RosterError(f"{where}: request failed ({type(exc).__name__})") from None
            else:
                with resp:
                    if resp.status_code == 200:
                        return self._json(resp, where)
                    if resp.status_code == 401:
                        raise RosterError(f"{where}: HTTP 401: the SCIM server refused the bearer token; check "
                                          f"the environment variable {s.token_env}")
                    if resp.status_code == 403:
                        raise RosterError(f"{where}: HTTP 403: the token in {s.token_env} is not allowed to "
                                          "list users")
                    if resp.status_code not in RETRY_STATUS:
                        raise RosterError(f"{where}: HTTP {resp.status_code}{self._detail(resp)}")
                    reason = f"HTTP {resp.status_code}"
                    asked = httpget.retry_after(resp.headers.get("Retry-After"))
                    if asked is not None:
                        wait = min(asked, s.max_retry_after)
            if attempt < attempts:
                if wait >= clock.remaining():  # the next attempt could not finish in time
                    reason = f"{reason}; no time left for another attempt within {clock.seconds:g} s (scim.deadline)"
                    break
                self.sleep(wait)
        attempts = attempt
        raise RosterError(f"{where}: {reason} after {attempts} attempt{'s' if attempts > 1 else ''}; "
                          "nothing was saved")

    def _json(self, resp: requests.Response, where: str) -> dict[str, Any]:
        try:
            data = resp.json()
        except ValueError:
            raise RosterError(f"{where}: the answer is not JSON "
                              f"(Content-Type {resp.headers.get('Content-Type', 'unknown')})") from None
        if not isinstance(data, dict):
            raise RosterError(f"{where}: the answer is not a SCIM ListResponse")
        return data

    def _detail(self, resp: requests.Response) -> str:
        """The server's own explanation (SCIM error `detail`), short and with the token redacted."""
        try:
            detail = resp.json().get("detail")
        except (ValueError, AttributeError):
            return ""
        if not isinstance(detail, str) or not detail.strip():
            return ""
        return ": " + detail.replace(self.token, "[token]").strip()[:200]


# --------------------------------------------------------------------------- users -> people


def link(users: Iterable[Any], source: str, *, url: bool = True, settings: ScimSettings | None = None,
         notes: list[str] | None = None) -> list[Person]:
    """Users as people, with manager references turned from SCIM ids into person ids (an employeeNumber
    when the user has one). A user listed twice is an error: the server's paging order was not stable.
    Contact values left out are appended to `notes` (`SOURCE: user 'ID': why`)."""
    import dataclasses

    settings = settings or ScimSettings()
    dropped = notes if notes is not None else []
    pairs = [_person(u, source, i, url, settings, dropped) for i, u in enumerate(users, 1)]
    by_scim_id = {sid: p.id for sid, p in pairs}
    seen: set[str] = set()
    out = []
    for _, p in pairs:
        if p.id in seen:
            raise RosterError(f"{source}: user '{p.id}' appears twice (the server's paging order is not "
                              "stable; try scim.sort_by: id); nothing was saved")
        seen.add(p.id)
        out.append(dataclasses.replace(p, manager=by_scim_id.get(p.manager, p.manager)) if p.manager else p)
    return out


def _person(user: Any, source: str, position: int, url: bool, settings: ScimSettings,
            dropped: list[str]) -> tuple[str, Person]:
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        raise RosterError(f"{source}: user {position} has no 'id'; not a SCIM User resource")
    sid = user["id"]
    ext = _mapping(user.get(ENTERPRISE))
    emails = [e for e in (user.get("emails") or []) if isinstance(e, dict) and isinstance(e.get("value"), str)]
    emails.sort(key=lambda e: not e.get("primary"))  # stable: primary first, then as listed
    addresses = [e["value"].strip() for e in emails if e["value"].strip()]
    username = user.get("userName") if isinstance(user.get("userName"), str) else None
    if username and "@" in username and username.lower() not in {a.lower() for a in addresses}:
        addresses.append(username)  # a login that is an email address is one more address of theirs
    name = _mapping(user.get("name"))
    display = user.get("displayName") or name.get("formatted") or \
        " ".join(str(n) for n in (name.get("givenName"), name.get("familyName")) if n) or None
    active = user.get("active", True)
    if isinstance(active, str):
        active = active.strip().lower() != "false"
    manager = _mapping(ext.get("manager"))
    number = ext.get("employeeNumber")
    return sid, Person(
        id=str(number) if number not in (None, "") else sid,
        emails=tuple(addresses),
        usernames=(username,) if username else (),
        name=str(display) if display else None,
        active=bool(active),
        team=str(ext["department"]) if ext.get("department") else None,
        manager=str(manager["value"]) if manager.get("value") else None,
        title=str(user["title"]) if user.get("title") else None,
        location=Location(_user_url(source, sid) if url else source),
        reach=_reach(user, settings, f"{source}: user '{sid}'", dropped),
    )


def _user_url(base: str, sid: str) -> str:
    from ownership.net.httpget import join

    return join(base, f"Users/{sid}")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --------------------------------------------------------------------------- contacts

_PHONE_ORDER = ("work", "mobile")  # after the entry marked primary; other types (home, fax, pager) are not read


def _reach(user: dict[str, Any], settings: ScimSettings, label: str, dropped: list[str]) -> Reach | None:
    phone = None
    for which, entry in _phones(user):
        phone, why = reach.check("phone", entry.get("value"))
        if phone:
            break
        if why:
            dropped.append(f"{label}: phoneNumbers ({which}): {why}; it is not used")
    values: dict[str, str | None] = {"phone": phone}
    for kind, path in (("slack", settings.slack_attribute), ("pagerduty", settings.pagerduty_attribute)):
        values[kind], why = reach.check(kind, attribute(user, path)) if path else (None, None)
        if why:
            dropped.append(f"{label}: {path}: {why}; it is not used")
    return reach.of(values) or None


def _phones(user: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """`phoneNumbers` entries in the order they are tried, each with the word that says which it is: the one
    marked primary (of any type), then those of type work, then mobile."""
    listed = user.get("phoneNumbers")
    entries = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    out = [("primary", e) for e in entries if e.get("primary") is True]
    for kind in _PHONE_ORDER:
        out += [(kind, e) for e in entries if e.get("primary") is not True
                and isinstance(e.get("type"), str) and e["type"].strip().lower() == kind]
    return out


def attribute(user: dict[str, Any], path: str) -> Any:
    """The value of the attribute `path` of a SCIM user: `urn:SCHEMA:name` (an extension's attribute) or a
    core `name`, either with one `.sub`; names compare case-insensitively (RFC 7643 2.1). None when absent."""
    schema, name = (path.rsplit(":", 1) if path.lower().startswith("urn:") else (None, path))
    node: Any = _get(user, schema) if schema else user
    for part in name.split("."):
        node = _get(node, part)
    return node


def _get(node: Any, key: str) -> Any:
    if not isinstance(node, dict):
        return None
    if key in node:
        return node[key]
    folded = key.lower()
    return next((v for k, v in node.items() if isinstance(k, str) and k.lower() == folded), None)
