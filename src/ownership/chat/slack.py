"""Posting an incident to Slack through the Web API (slack_sdk's WebClient): optionally create the incident
channel (`conversations.create`; `name_taken` means it exists, and `conversations.list` finds its id), invite
the responders by member id (`conversations.invite`), post the room to the incident channel and the
declaration to the status channel (`chat.postMessage`).

The token comes from an environment variable (`slack.token_env`, default OWNERSHIP_SLACK_TOKEN) and goes only
into the Authorization header, and only over https or to this machine. Every request goes through the network
policy (ownership.net.netpolicy), proxies or not: the token only to the origin of `slack.base_url`, same-origin
redirects only, one deadline (`slack.deadline`) for a whole answer, headers included. Messages are built from
method names, channels and Slack's error codes, never from the token or the request. A step that fails becomes one line
naming the method, the channel, Slack's error and what to do; the steps that need the same channel are then
not done, the others still are (an error of the token or the connection stops them all). `PostResult` says what
was posted, with channel and ts, and what was not. slack_sdk is imported only here, only when posting.
"""
from __future__ import annotations

import http.client
import logging
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ownership.errors import OwnershipError
from ownership.model import SettingProblem
from ownership.net.httpsettings import check_client
from ownership.support.words import plural

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from ownership.net import netpolicy

DEFAULT_BASE_URL = "https://slack.com/api/"
DEFAULT_TOKEN_ENV = "OWNERSHIP_SLACK_TOKEN"
LIST_LIMIT = 200  # conversations.list page size (Slack recommends no more than 200)
MAX_BODY = 8 << 20  # one answer; 200 channels of conversations.list are a few hundred KB
MAX_PAGES = 100  # 20,000 channels; a server that always sends a next_cursor must not keep us paging
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_ERROR_CODE = re.compile(r"^[a-z][a-z0-9_]{0,60}$")
_NOT_JSON = "Received a response in a non-JSON format"  # slack_sdk's `error` for a body it cannot parse

# key -> (accepted types, what it must be) for the `slack:` mapping in ownership.yaml
FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "token_env": (str, "the name of an OWNERSHIP_* environment variable"),
    "base_url": (str, "an http(s) URL"),
    "timeout": ((int, float), "seconds, more than 0"),
    "deadline": ((int, float), "seconds, more than 0"),
    "retries": (int, "a whole number from 0 to 10"),
    "max_retry_after": ((int, float), "seconds, 0 or more"),
}

# Slack's error code -> what to do (the method and channel are named before it)
ADVICE: dict[str, str] = {
    "channel_not_found": "Slack has no such channel that the app can see; check the channel in the catalog "
                         "(channels.incident / channels.status) or pass --create-channel",
    "not_in_channel": "the app is not a member of the channel; invite it there (/invite @your-app) or give it "
                      "the chat:write.public scope",
    "is_archived": "the channel is archived; unarchive it or name another channel in the catalog",
    "invalid_auth": "Slack refused the token; check the bot token (xoxb-...) in {env}",
    "not_authed": "Slack received no token; set {env}",
    "account_inactive": "the token belongs to a deactivated app or user; install the app again and update {env}",
    "token_revoked": "the token was revoked; install the app again and update {env}",
    "missing_scope": "the token lacks the scope {needed}; add it to the Slack app and reinstall it",
    "restricted_action": "a workspace setting stops the app from doing this; ask a Slack admin",
    "ratelimited": "Slack kept answering rate-limited; try again in a minute",
}
FATAL = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked"})  # no later step can work


class SlackError(OwnershipError):
    """Slack could not be asked at all (no token, a URL the token may not go to). One line, without the token."""


@dataclass(frozen=True, slots=True)
class SlackSettings:
    token_env: str = DEFAULT_TOKEN_ENV
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 10.0  # seconds to connect and for each read
    deadline: float | None = None  # seconds for a whole answer, headers included; None: 4 x timeout
    retries: int = 2  # further attempts after a rate-limited answer
    max_retry_after: float = 30.0  # a longer Retry-After is not waited for: the step fails and says so

    @classmethod
    def from_values(cls, value: Any, base_url: str | None = None) -> SlackSettings:
        """Settings from an already checked `slack` value; `base_url` (--slack-url) wins."""
        values = dict(value or {})
        if base_url:
            values["base_url"] = base_url
        return cls(**{k: v for k, v in values.items() if k in FIELDS})


def check(value: Any) -> list[SettingProblem]:
    """Every problem of the `slack:` setting of ownership.yaml (checked when config loads)."""
    out = check_client("slack", value, FIELDS)
    if not isinstance(value, dict) or any(p.path != ("base_url",) for p in out):
        return out  # a wrong type: the ranges below cannot be compared
    if value.get("timeout", 1) <= 0 or not 0 <= value.get("retries", 0) <= 10 or value.get("max_retry_after", 0) < 0:
        out.append(SettingProblem((), "slack.timeout must be > 0, retries 0-10 and max_retry_after >= 0"))
    return out


# --------------------------------------------------------------------------- the plan and its outcome


@dataclass(frozen=True, slots=True)
class Invitee:
    label: str  # how the output names the person
    member_id: str | None  # Slack member id (Reach.slack_id); None: cannot be invited


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do in Slack for one incident. Messages are Block Kit payloads: {"text": ..., "blocks": [...]}."""

    incident_channel: str | None  # "#inc-payments", "inc-payments" or a channel id
    status_channel: str | None
    room: Mapping[str, Any]
    declaration: Mapping[str, Any] | None = None
    invitees: tuple[Invitee, ...] = ()
    create_channel: bool = False


@dataclass(frozen=True, slots=True)
class Posted:
    what: str  # "room" | "declaration"
    channel: str  # as the plan names it
    channel_id: str
    ts: str


@dataclass
class PostResult:
    """What was done, in order, and what was not (each with why). `errors` are the failed steps' lines;
    `not_invited` names the people without a Slack member id (listed, not a failure)."""

    done: list[str] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    not_invited: list[str] = field(default_factory=list)
    posted: list[Posted] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.not_done


class _StepFailed(Exception):
    def __init__(self, line: str, fatal: bool = False) -> None:
        super().__init__(line)
        self.line, self.fatal = line, fatal


def post(plan: Plan, settings: SlackSettings, env: Mapping[str, str] | None = None,
         sleep: Callable[[float], None] = time.sleep) -> PostResult:
    """Carry out `plan`. Raises SlackError only before anything is sent (no token, a URL the token may not go
    to); every Slack answer after that is in the PostResult."""
    from ownership.net import httpget

    token = (env if env is not None else os.environ).get(settings.token_env, "").strip()
    if not token:
        raise SlackError(f"nothing was posted: no Slack token; set the environment variable {settings.token_env}")
    base = settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
    if not httpget.token_may_go(base):
        raise SlackError(f"nothing was posted: {httpget.redact_url(base, keep_query=False)}: refusing to send the "
                         "Slack token over a non-https URL")
    from ownership.net import netpolicy

    deadline = netpolicy.default_deadline(settings.timeout, settings.deadline)
    with netpolicy.Session(base, timeout=settings.timeout, deadline=deadline, max_bytes=MAX_BODY,
                           credentials={"Authorization": f"Bearer {token}"}) as session:
        return _Run(_client(session, base), settings, sleep).run(plan)


def _client(session: netpolicy.Session, base: str) -> WebClient:
    """slack_sdk's WebClient, its every HTTP request sent through `session` (the network policy) instead of urllib:
    with HTTP(S)_PROXY set, slack_sdk would build its own urllib opener, which follows a redirect to any host with
    the Authorization header and bounds each read only, never the whole answer. WebClient gets no token: the
    session adds it, only to its own origin. `_perform_urllib_http_request_internal(url, req)` is the one
    method of slack_sdk that opens a URL (slack_sdk 3.x); it returns {status, headers, body} for a 2xx answer
    and raises urllib's HTTPError for any other, as urllib would."""
    import io
    import urllib.error
    import urllib.request

    from slack_sdk import WebClient

    if not callable(getattr(WebClient, "_perform_urllib_http_request_internal", None)):
        raise SlackError("nothing was posted: this slack_sdk has no _perform_urllib_http_request_internal; "
                         "install slack-sdk 3.x (see pyproject.toml)")

    class PolicyClient(WebClient):
        def _perform_urllib_http_request_internal(self, url: str, req: urllib.request.Request) -> dict[str, Any]:
            headers = {k: str(v) for k, v in req.header_items()}
            data = req.data if isinstance(req.data, bytes) else None
            resp = session.post(url, data=data, headers=headers)
            message = http.client.HTTPMessage()
            for k, v in resp.headers.items():
                message[k] = v
            if not 200 <= resp.status_code < 300:
                raise urllib.error.HTTPError(url, resp.status_code, resp.reason or "", message,
                                             io.BytesIO(resp.content))
            charset = message.get_content_charset() or "utf-8"
            return {"status": resp.status_code, "headers": message,
                    "body": resp.content.decode(charset, errors="replace")}

    quiet = logging.getLogger("ownership.slack_sdk")  # slack_sdk logs failures itself; we report them once
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    quiet.setLevel(logging.CRITICAL)
    return PolicyClient(token=None, base_url=base, logger=quiet, retry_handlers=[])


class _Run:
    def __init__(self, client: WebClient, settings: SlackSettings, sleep: Callable[[float], None]) -> None:
        self.client, self.settings, self.sleep = client, settings, sleep
        self.out = PostResult()

    def run(self, plan: Plan) -> PostResult:
        steps: list[tuple[str, str | None, Callable[[], None]]] = []  # (description, channel, action)
        incident = _name(plan.incident_channel) if plan.incident_channel else None
        ids: dict[str, str] = {}  # channel -> id, as found

        def find_id() -> None:
            assert plan.incident_channel is not None
            ids[plan.incident_channel] = self.channel_id(plan.incident_channel, plan.create_channel)

        def invite() -> None:
            assert plan.incident_channel is not None
            self.invite(plan.incident_channel, ids[plan.incident_channel], plan.invitees)

        def send(what: str, channel: str, message: Mapping[str, Any]) -> Callable[[], None]:
            return lambda: self.post_message(what, channel, ids.get(channel), message)

        members = [i for i in plan.invitees if i.member_id]
        if plan.incident_channel is None:
            self._missing("room", "incident channel (channels.incident)")
        else:
            if plan.create_channel or (members and not CHANNEL_ID.match(incident or "")):
                what = f"create channel #{incident}" if plan.create_channel else f"find channel {plan.incident_channel}"
                steps.append((what, plan.incident_channel, find_id))
            elif CHANNEL_ID.match(incident or ""):
                ids[plan.incident_channel] = incident or ""
            if members:
                steps.append((f"invite {plural(len(members), 'responder')} to {plan.incident_channel}",
                              plan.incident_channel, invite))
            steps.append((f"room to {plan.incident_channel}", plan.incident_channel,
                          send("room", plan.incident_channel, plan.room)))
        self.out.not_invited = [f"{i.label}: not invited: no Slack member id" for i in plan.invitees
                                if not i.member_id]
        if plan.declaration is not None:
            if plan.status_channel is None:
                self._missing("declaration", "status channel (channels.status)")
            else:
                steps.append((f"declaration to {plan.status_channel}", plan.status_channel,
                              send("declaration", plan.status_channel, plan.declaration)))
        broken: set[str] = set()  # channels a step failed on: later steps there are not tried
        stop: str | None = None
        for what, channel, action in steps:
            if stop or channel in broken:
                self.out.not_done.append(f"{what}: skipped: {stop or 'an earlier step on this channel failed'}")
                continue
            try:
                action()
            except _StepFailed as exc:
                self.out.errors.append(exc.line)
                self.out.not_done.append(f"{what}: {exc.line}")
                if channel is not None:
                    broken.add(channel)
                if exc.fatal:
                    stop = "Slack refused the token or could not be reached"
        return self.out

    def _missing(self, what: str, channel: str) -> None:
        line = f"the catalog names no {channel} for these systems; the {what} has nowhere to go"
        self.out.errors.append(line)
        self.out.not_done.append(f"{what}: {line}")

    # ------------------------------------------------------------------- steps

    def channel_id(self, channel: str, create: bool) -> str:
        name = _name(channel)
        if CHANNEL_ID.match(name):
            return name
        if create:
            try:
                data = self.call("conversations.create", channel, name=name)
            except _SlackSays as exc:
                if exc.code != "name_taken":
                    raise self.failed("conversations.create", channel, exc) from None
            else:
                cid = str(_obj(data.get("channel")).get("id") or "")
                if not cid:
                    raise _StepFailed(f"conversations.create {channel}: the answer has no channel id")
                self.out.done.append(f"created channel #{name} ({cid})")
                return cid
        cid = self.find(channel, name)
        if create:
            self.out.done.append(f"channel #{name} exists already ({cid}): conversations.create said name_taken")
        return cid

    def find(self, channel: str, name: str) -> str:
        cursor = ""
        for _ in range(MAX_PAGES):
            try:
                data = self.call("conversations.list", channel, types="public_channel", exclude_archived=True,
                                 limit=LIST_LIMIT, **({"cursor": cursor} if cursor else {}))
            except _SlackSays as exc:
                raise self.failed("conversations.list", channel, exc) from None
            for c in data.get("channels") or ():
                c = _obj(c)
                if name in (c.get("name"), c.get("name_normalized")) and c.get("id"):
                    return str(c["id"])
            cursor = str(_obj(data.get("response_metadata")).get("next_cursor") or "")
            if not cursor:
                raise _StepFailed(f"conversations.list {channel}: channel_not_found: no public channel named "
                                  f"#{name} that the app can see; create it, pass --create-channel, or name "
                                  "its id (C...) in the catalog")
        raise _StepFailed(f"conversations.list {channel}: still paging after {MAX_PAGES} pages; name the channel's "
                          "id (C...) in the catalog")

    def invite(self, channel: str, cid: str, invitees: Sequence[Invitee]) -> None:
        users = list(dict.fromkeys(i.member_id for i in invitees if i.member_id))
        try:
            self.call("conversations.invite", channel, channel=cid, users=",".join(users))
        except _SlackSays as exc:
            if exc.code != "already_in_channel":
                raise self.failed("conversations.invite", channel, exc) from None
        self.out.done.append(f"invited to {channel} ({cid}): {', '.join(i.label for i in invitees if i.member_id)}")

    def post_message(self, what: str, channel: str, cid: str | None, message: Mapping[str, Any]) -> None:
        try:
            data = self.call("chat.postMessage", channel, channel=cid or _target(channel),
                             text=message.get("text", ""), blocks=message.get("blocks"),
                             unfurl_links=False, unfurl_media=False, link_names=False, parse="none")
        except _SlackSays as exc:
            raise self.failed("chat.postMessage", channel, exc) from None
        posted = Posted(what, channel, str(data.get("channel") or cid or ""), str(data.get("ts") or ""))
        self.out.posted.append(posted)
        self.out.done.append(f"{what}: posted to {channel} ({posted.channel_id}) ts={posted.ts}")

    # ------------------------------------------------------------------- one call

    def call(self, method: str, where: str, **args: Any) -> dict[str, Any]:
        """Slack's answer to `method`; raises _SlackSays (an error code from Slack) or _StepFailed (no answer
        that can be used). A rate-limited answer is retried after its Retry-After, up to the settings."""
        import requests
        from slack_sdk.errors import SlackApiError, SlackClientError

        from ownership.net import httpget

        fn = getattr(self.client, method.replace(".", "_"))
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return dict(fn(**args).data)
            except SlackApiError as exc:
                resp = exc.response
                data = resp.data if isinstance(resp.data, dict) else {}
                code = str(data.get("error") or "")
                if code.startswith(_NOT_JSON) or not data:
                    raise _StepFailed(f"{method} {where}: the answer is not JSON (HTTP {resp.status_code}); "
                                      f"check slack.base_url") from None
                if resp.status_code != 429 and code not in ("ratelimited", "rate_limited"):
                    raise _SlackSays(code, data, resp.status_code) from None
                wait = _retry_after(resp.headers)
                if wait > self.settings.max_retry_after:
                    raise _StepFailed(f"{method} {where}: ratelimited: Slack asks to wait {wait:g} s, more than "
                                      f"slack.max_retry_after ({self.settings.max_retry_after:g} s); try again "
                                      "later") from None
                if attempt == attempts - 1:
                    raise _StepFailed(f"{method} {where}: ratelimited: Slack was still rate-limiting after "
                                      f"{attempts} attempt{'s' if attempts != 1 else ''}; try again in a "
                                      "minute") from None
                self.sleep(wait)
            except SlackClientError as exc:
                raise _StepFailed(f"{method} {where}: slack_sdk refused the request "
                                  f"({type(exc).__name__})", fatal=True) from None
            except httpget.CrossOrigin as exc:
                raise _StepFailed(f"{method} {where}: unexpected_error: the answer was a redirect (HTTP "
                                  f"{exc.status}) to another host, which is not followed: the token goes only to "
                                  "slack.base_url; check slack.base_url / --slack-url") from None
            except httpget.Deadline as exc:
                raise _StepFailed(f"{method} {where}: {_shown(self.settings)}: {exc} (slack.deadline); try "
                                  "again", fatal=True) from None
            except (httpget.TooLarge, requests.TooManyRedirects) as exc:
                raise _StepFailed(f"{method} {where}: {_shown(self.settings)}: {exc}", fatal=True) from None
            except requests.RequestException as exc:  # before OSError: requests' errors are OSErrors too
                raise _StepFailed(f"{method} {where}: {_transport(exc, self.settings)}", fatal=True) from None
            except OSError as exc:
                raise _StepFailed(f"{method} {where}: {_transport(exc, self.settings)}", fatal=True) from None
            except http.client.HTTPException as exc:  # a broken HTTP answer
                raise _StepFailed(f"{method} {where}: Slack's answer was not valid HTTP ({type(exc).__name__}); "
                                  "check slack.base_url", fatal=True) from None
        raise AssertionError("unreachable")

    def failed(self, method: str, channel: str, exc: _SlackSays) -> _StepFailed:
        code = exc.code if _ERROR_CODE.match(exc.code) else "unexpected_error"
        advice = ADVICE.get(code, f"Slack answered HTTP {exc.status}; see Slack's documentation of {method}")
        if 300 <= (exc.status or 0) < 400 and code == "unexpected_error":
            advice = (f"the answer was a redirect (HTTP {exc.status}) to another host, which is not followed: the "
                      "token goes only to slack.base_url; check slack.base_url / --slack-url")
        needed = str(exc.data.get("needed") or "")
        advice = advice.format(env=self.settings.token_env,
                               needed=needed if _ERROR_CODE.match(needed.replace(":", "_")) else "the method needs")
        return _StepFailed(f"{method} {channel}: {code}: {advice}", fatal=code in FATAL)


class _SlackSays(Exception):
    def __init__(self, code: str, data: Mapping[str, Any], status: int) -> None:
        super().__init__(code)
        self.code, self.data, self.status = code, data, status


def _shown(settings: SlackSettings) -> str:
    from ownership.net import httpget

    return httpget.redact_url(settings.base_url, keep_query=False)


def _transport(exc: OSError, settings: SlackSettings) -> str:
    import requests

    where = _shown(settings)
    reason: BaseException = exc
    for _ in range(8):  # the socket's error, under urllib's URLError or requests' and urllib3's wrappers
        if isinstance(reason, (TimeoutError, ConnectionRefusedError)):
            break
        inner = getattr(reason, "reason", None) or reason.__cause__ or reason.__context__
        if not isinstance(inner, BaseException):
            break
        reason = inner
    if isinstance(exc, requests.Timeout) or isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return f"no answer from {where} within {settings.timeout:g} s; check slack.timeout or try again"
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {where} (connection refused); check slack.base_url / --slack-url"
    return f"cannot reach {where} ({type(reason).__name__}); check slack.base_url / --slack-url"


def _retry_after(headers: Mapping[str, Any]) -> float:
    from ownership.net import httpget

    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    found = httpget.retry_after(str(raw)) if raw is not None else None
    return 1.0 if found is None else found


def _name(channel: str) -> str:
    return channel.strip().lstrip("#")


def _target(channel: str) -> str:
    """What chat.postMessage takes: a channel id as it is, a name with its `#`."""
    name = _name(channel)
    return name if CHANNEL_ID.match(name) else "#" + name


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
