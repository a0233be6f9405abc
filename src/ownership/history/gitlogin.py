"""How git logs in to the remote of one of our clones: only with what the operator gave (issue 24).

Everything here reaches git through its environment (GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n),
never through its command line, which every local user can read in /proc/PID/cmdline:

- The credential helpers and the askpass program come from the operator only: a reset of
  `credential.helper` (which empties the list, URL-scoped helpers included) followed by the helpers of the
  operator's system and global configuration (`gh auth setup-git` writes `credential.<url>.helper`), and
  `core.askPass` set to the operator's own (or SSH_ASKPASS, as git would fall back to), else to nothing.
  Environment configuration is read after every configuration file, so a clone's config cannot add one.
- The user information of a catalog URL (`https://user:token@host/x`) becomes an `Authorization: Basic`
  header scoped to the URL's origin (`http.<origin>/.extraHeader`), with redirects off for that origin: git
  is given the URL without it, so the token is in no command line (`git clone`, `git remote-https`) and in no
  clone's config.
"""
from __future__ import annotations

import base64
import functools
import os
import subprocess
from collections.abc import Mapping, Sequence
from urllib.parse import unquote, urlsplit, urlunsplit

Setting = tuple[str, str]

# the operator's settings that log in to a remote (keys as `git config` prints them: section and name in lower
# case, a URL subsection as written)
_LOGIN_KEYS = r"^(credential\..*helper|core\.askpass)$"


def plain_url(url: str) -> str:
    """The URL git is given: an http(s) URL without its user information (it reaches git as a header), any
    other without a password (ssh needs its user name, never a password from a URL)."""
    parts = urlsplit(url) if "://" in url else None
    if parts is None or (parts.username is None and parts.password is None):
        return url
    host = parts.netloc.rpartition("@")[2]
    if parts.scheme.lower() in ("http", "https") or parts.username is None:
        return urlunsplit(parts._replace(netloc=host))
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}"))


def url_login(url: str | None) -> list[Setting]:
    """Settings that send the user information of an http(s) `url` to its origin only, or none."""
    if not url or "://" not in url:
        return []
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or (parts.username is None and parts.password is None):
        return []
    pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    origin = f"http.{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2]}/"
    # an empty extraHeader first: the URL's credentials replace every header a configuration file adds (two
    # Authorization headers would be sent otherwise)
    return [(f"{origin}.extraHeader", ""),
            (f"{origin}.extraHeader", "Authorization: Basic " + base64.b64encode(pair.encode()).decode()),
            # git keeps the headers of its first URL after a redirect: a token never follows one
            (f"{origin}.followRedirects", "false")]


def operator_login(env: Mapping[str, str]) -> list[Setting]:
    """The reset of every login setting a repository may hold, then the operator's own ones."""
    helpers, askpass = _ask_git(tuple(sorted(env.items())))
    if not askpass:
        askpass = env.get("SSH_ASKPASS", "")
    return [("credential.helper", ""), *helpers, ("core.askPass", askpass)]


@functools.lru_cache(maxsize=8)
def _ask_git(env: tuple[Setting, ...]) -> tuple[tuple[Setting, ...], str]:
    """(credential helper settings in the order git reads them, the last core.askPass) of the system and global
    configuration, asked of git once per environment (HOME, XDG_CONFIG_HOME... are part of it)."""
    try:
        proc = subprocess.run(["git", "config", "-z", "--show-scope", "--get-regexp", _LOGIN_KEYS],
                              cwd=os.path.abspath(os.sep), env=dict(env), capture_output=True, check=False,
                              timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return (), ""
    parts = proc.stdout.decode("utf-8", "surrogateescape").split("\0")  # scope NUL key LF value NUL, each
    helpers: list[Setting] = []
    askpass = ""
    for scope, entry in zip(parts[::2], parts[1::2]):
        if scope not in ("system", "global"):
            continue
        name, _, value = entry.partition("\n")
        if name == "core.askpass":
            askpass = value
        else:
            helpers.append((name, value))
    return tuple(helpers), askpass


def config_env(settings: Sequence[Setting]) -> dict[str, str]:
    """GIT_CONFIG_COUNT and its KEY_n/VALUE_n variables for `settings` (empty: none)."""
    if not settings:
        return {}
    env = {"GIT_CONFIG_COUNT": str(len(settings))}
    for n, (key, value) in enumerate(settings):
        env[f"GIT_CONFIG_KEY_{n}"] = key
        env[f"GIT_CONFIG_VALUE_{n}"] = value
    return env
