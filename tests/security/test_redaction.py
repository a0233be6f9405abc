"""Issue 12, hole 6: secrets in URLs are never published.

A roster URL carrying `?access_token=SeCrEt123`, repository URLs carrying `deploy:tok3n@`, and the SCIM token
of the environment: every command that writes text or files runs against a real SCIM server on 127.0.0.1 and
real git repositories, then every byte written (stdout, stderr, output folders, the step summary and
XDG_CACHE_HOME) is searched for each secret in any letter case.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownership.net import httpget
from ownership.support import redact
from tests.gitrepo import GitRepo
from tests.security.scim_recorder import ScimRecorder

SRC = Path(__file__).resolve().parents[2] / "src"
QUERY_SECRET = "SeCrEt123"
USERINFO_SECRET = "tok3n"
ENV_SECRET = "EnvScimTokenValue77"
SECRETS = (QUERY_SECRET, USERINFO_SECRET, ENV_SECRET)
USERS = [
    {"id": "1", "userName": "alice", "active": True, "displayName": "Alice Nguyen",
     "emails": [{"value": "alice@acme.test", "primary": True}]},
    {"id": "2", "userName": "bob", "active": True, "displayName": "Bob Stone",
     "emails": [{"value": "bob@acme.test", "primary": True}]},
]


@pytest.fixture
def scim_base() -> Iterator[str]:
    """A SCIM server that answers every GET with the users above, page by page."""
    with ScimRecorder(USERS) as server:
        yield server.url


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _org(root: Path, scim_base: str) -> None:
    repo = GitRepo.init(root / "repos" / "payments")
    repo.commit({"src/api.py": "print(1)\n"}, author="Alice Nguyen <alice@acme.test>", date="2026-09-01")
    repo.commit({"src/api.py": "print(2)\n"}, author="Bob Stone <bob@acme.test>", date="2026-10-01")
    (root / "catalog").mkdir()
    (root / "catalog" / "org.yaml").write_text(f"""\
teams:
  - name: payments
    members: [alice@acme.test, bob@acme.test]
systems:
  - name: payments-api
    owner: payments
    tier: 1
    maintainers: [alice@acme.test]
    repos:
      - url: https://deploy:{USERINFO_SECRET}@git.acme.test/acme/payments.git
  - name: ledger
    owner: payments
    depends_on: [payments-api]
    repos:
      - url: https://deploy:{USERINFO_SECRET}@127.0.0.1:{_closed_port()}/acme/ledger.git
""", encoding="utf-8")
    (root / "ownership.yaml").write_text(f"""\
catalog: catalog
roster: {scim_base}?access_token={QUERY_SECRET}
history:
  rewrite:
    "https://deploy:{USERINFO_SECRET}@git.acme.test/acme/": "{(root / 'repos').as_posix()}/"
""", encoding="utf-8")


def _run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "ownership", *args], cwd=root, env=env, capture_output=True,
                          timeout=120, check=False)


def test_no_command_publishes_a_url_credential_or_the_token_in_any_letter_case(
        tmp_path: Path, scim_base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    _org(tmp_path, scim_base)
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PYTHONPATH": str(SRC), "OWNERSHIP_SCIM_TOKEN": ENV_SECRET,
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "GITHUB_STEP_SUMMARY": str(summary)}
    out = tmp_path / "out"
    commands = [
        ("validate", "--format", "text"), ("validate", "--format", "json"), ("validate", "--format", "sarif"),
        ("validate", "--format", "github"), ("validate", "--format", "markdown"),
        ("scan", "--format", "text"), ("scan", "--format", "json"),
        ("audit", "--format", "json"), ("audit", "--format", "sarif"), ("audit", "--format", "github"),
        ("audit", "--format", "text", "-o", str(out / "audit.txt")),
        ("report", "--out", str(out / "report"), "--today", "2026-11-30"),
        ("site", "--out", str(out / "site"), "--report", str(out / "report")),
        ("export", "backstage", "--out", str(out / "backstage")),
        ("roster", "pull", "--output", str(out / "roster.json")),
        ("roster", "show", "alice@acme.test", "--format", "json"),
        ("roster", "show", "nobody@acme.test"),
        ("page", "payments-api"), ("page", "payments-api", "--scan"),
        ("blast-radius", "payments-api"), ("incident", "payments-api", "--format", "markdown"),
        ("suggest", "payments-api"), ("suggest", "payments-api", "--format", "json"),
        ("offboard", "alice@acme.test"), ("offboard", "alice@acme.test", "--format", "json"),
    ]
    written = []
    for args in commands:
        proc = _run(tmp_path, env, *args)
        assert "Traceback" not in proc.stderr.decode(errors="replace"), (args, proc.stderr)
        written.append((" ".join(args), proc.stdout + proc.stderr))
    files = [p for base in (out, tmp_path / "cache") for p in base.rglob("*") if p.is_file()]
    files += [summary] if summary.exists() else []
    written += [(str(p), p.read_bytes()) for p in files]

    # the commands did their work and showed the sources, only without the secrets
    report = json.loads((out / "report" / "report.json").read_text())
    assert report["inputs"]["roster"] and "127.0.0.1" in json.dumps(report["inputs"])
    leaks = [(name, secret) for name, blob in written for secret in SECRETS
             if secret.lower().encode() in blob.lower()]
    assert leaks == [], "\n".join(map(str, leaks))
    assert (out / "roster.json").exists() and (out / "site" / "index.html").exists()
    assert any((out / "backstage").iterdir())
    scanned = next(b for name, b in written if name == "scan --format json").decode()
    assert "https://***@git.acme.test/acme/payments.git" in scanned
    everything = b"".join(blob for _, blob in written)
    assert b"access_token=***" in everything and b"https://***@127.0.0.1:" in everything
    assert len(json.loads((out / "roster.json").read_text())["people"]) == len(USERS)


@pytest.mark.parametrize("param", ["access_token", "token", "api_key", "APIKEY", "Key", "secret", "password",
                                   "sig", "Signature", "X-Amz-Signature", "x-amz-credential",
                                   "X-Amz-Security-Token", "client_secret", "refresh_token"])
def test_credential_query_parameters_are_masked_whatever_their_case(param: str) -> None:
    url = f"https://h.test/x?page=2&{param}=SeCrEt123&filter=a#top"
    assert redact.text(f"cannot read {url}: refused") == \
        f"cannot read https://h.test/x?page=2&{param}=***&filter=a#top: refused"


def test_ordinary_query_parameters_and_email_addresses_stay() -> None:
    text = "https://h.test/Users?filter=userName%20eq%20x&count=10 mail alice@acme.test"
    assert redact.text(text, secrets=()) == text
    page = '<a href="https://h.test">alice@acme.test</a> <a href=\'https://h.test\'>bob@acme.test</a>'
    assert redact.text(page, secrets=()) == page


def test_userinfo_is_masked_in_urls_of_any_scheme_but_ssh_scp_paths_stay() -> None:
    assert redact.text("ssh://git:pw@h.test/x.git and https://tok3n@h.test/y", secrets=()) == \
        "ssh://***@h.test/x.git and https://***@h.test/y"
    assert redact.text("git@github.com:acme/x.git", secrets=()) == "git@github.com:acme/x.git"
    assert httpget.redact_url("https://bot:s3cret@h.test:8443/v2?access_token=abc") == \
        "https://h.test:8443/v2?access_token=***"


def test_the_secret_values_of_the_environment_are_masked_in_any_letter_case(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", "Abc-Token-42")
    monkeypatch.setenv("OWNERSHIP_PAGERDUTY_TOKEN", "pd/TOKEN+1")
    monkeypatch.setenv("OWNERSHIP_TITLE", "not a secret")
    shown = redact.text("abc-token-42 ABC-TOKEN-42 pd%2FTOKEN%2B1 pd/token+1 not a secret")
    assert shown == "*** *** *** *** not a secret"
    assert redact.data({"k": ["ABC-token-42"], "abc-token-42": 1}) == {"k": ["***"], "***": 1}


def test_a_roster_snapshot_never_holds_the_source_credentials(tmp_path: Path) -> None:
    from ownership.model import Roster
    from ownership.roster import files

    roster = Roster((), source=f"https://bot:{USERINFO_SECRET}@hr.test/scim/v2?access_token={QUERY_SECRET}")
    files.write_snapshot(roster, tmp_path / "snap.json")
    saved = json.loads((tmp_path / "snap.json").read_text())
    assert saved["source"] == "https://***@hr.test/scim/v2?access_token=***"
