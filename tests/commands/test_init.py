"""`ownership init [DIR]`: a starter catalog that validates with 0 findings, files valid against their JSON
Schemas, a workflow zizmor passes, asked on a terminal (a real pty), never overwriting (issue 17)."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from ownership.cli import cli
from ownership.config import SECTIONS
from ownership.config import load as load_config
from tests.conftest import ROOT

FILES = ["catalog/teams.yaml", "catalog/systems/payments-api.yaml", "catalog/catalog.schema.json",
         "ownership.yaml", "ownership-config.schema.json", ".github/workflows/catalog-check.yml",
         ".pre-commit-config.yaml"]
TIMEOUT = 60


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}


def _init(tmp_path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["init", str(tmp_path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _validate(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ownership", "validate", "--format", "json"], cwd=folder,
                          env=_env(), capture_output=True, text=True, timeout=TIMEOUT)


def test_init_with_flags_writes_every_file_and_the_catalog_validates_with_no_findings(tmp_path: Path) -> None:
    out = _init(tmp_path, "--team", "payments", "--system", "payments-api", "--yes")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == sorted(FILES)
    assert [line.split()[1] for line in out.splitlines() if line.startswith("wrote ")] == \
        [str(tmp_path / f) for f in FILES]
    proc = _validate(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["findings"] == []
    system = yaml.safe_load((tmp_path / "catalog/systems/payments-api.yaml").read_text())
    assert system["systems"][0]["owner"] == "payments"
    assert load_config(tmp_path / "ownership.yaml").get("catalog") == "catalog/"


def test_every_catalog_file_and_ownership_yaml_starts_with_a_modeline_naming_a_written_schema_it_passes(
        tmp_path: Path) -> None:
    _init(tmp_path, "--team", "payments", "--system", "payments-api")
    for rel in ("catalog/teams.yaml", "catalog/systems/payments-api.yaml", "ownership.yaml"):
        path = tmp_path / rel
        first = path.read_text().splitlines()[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, f"{rel}: {first}"
        schema = json.loads((path.parent / m.group(1)).read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(path.read_text())))
        assert errors == [], rel
    assert json.loads((tmp_path / "ownership-config.schema.json").read_text())["title"].startswith("ownership.yaml")


def test_ownership_yaml_mentions_every_setting_and_its_commented_examples_are_valid_when_uncommented(
        tmp_path: Path) -> None:
    _init(tmp_path, "--yes")
    text = (tmp_path / "ownership.yaml").read_text()
    for key in SECTIONS:
        assert re.search(rf"^(# )?{key}:", text, re.M), f"ownership.yaml does not explain {key}"
    uncommented = "\n".join(re.sub(r"^# (?=[a-z_]+:|  )", "", line) for line in text.splitlines())
    values = yaml.safe_load(uncommented)
    assert set(values) == set(SECTIONS)
    (tmp_path / "ownership.yaml").write_text(uncommented)
    load_config(tmp_path / "ownership.yaml")  # raises ConfigError on any problem
    schema = json.loads((tmp_path / "ownership-config.schema.json").read_text())
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(values)) == []


def test_an_existing_file_is_never_overwritten_and_is_listed_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "ownership.yaml").write_text("fail_on: warning\n")
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "teams.yaml").write_text("teams: []\n")
    os.symlink(tmp_path / "elsewhere", tmp_path / ".pre-commit-config.yaml")  # a dangling link stays one too
    out = _init(tmp_path, "--team", "payments", "--system", "payments-api")
    assert (tmp_path / "ownership.yaml").read_text() == "fail_on: warning\n"
    assert (tmp_path / "catalog" / "teams.yaml").read_text() == "teams: []\n"
    assert not (tmp_path / "elsewhere").exists()
    # the system is written only with its team's file: alone it would name a team that is not there
    assert not (tmp_path / "catalog" / "systems").exists()
    assert f"skipped {tmp_path / 'ownership.yaml'} (exists; nothing replaced)" in out
    assert (f"skipped {tmp_path / 'catalog/systems/payments-api.yaml'} (written only with catalog/teams.yaml, "
            "which exists; nothing replaced)") in out
    assert f"wrote {tmp_path / '.github/workflows/catalog-check.yml'}" in out
    again = _init(tmp_path, "--team", "payments", "--system", "payments-api")
    assert "wrote " not in again and "nothing written: every file already exists" in again


@pytest.mark.parametrize(("args", "message"), [
    (["--team", "Payments Team"], "team 'Payments Team' is not a catalog name"),
    (["--system", "-x"], "system '-x' is not a catalog name"),
    (["--catalog", "../outside"], "catalog folder '../outside' must be a folder inside the target"),
    (["--catalog", "/abs"], "catalog folder '/abs' must be a folder inside the target"),
])
def test_a_bad_flag_is_one_line_and_exit_2_and_nothing_is_written(tmp_path: Path, args: list[str],
                                                                 message: str) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "new"), *args])
    assert result.exit_code == 2
    assert result.output.startswith(f"ownership: error: {message}"), result.output
    assert not (tmp_path / "new").exists()
    assert "Traceback" not in result.output


def test_a_catalog_in_another_folder_validates_and_its_hook_and_workflow_look_there(tmp_path: Path) -> None:
    _init(tmp_path, "--catalog", "ops/catalog", "--team", "infra", "--system", "dns")
    proc = _validate(tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"] == [], proc.stdout + proc.stderr
    hook = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"][0]
    files = re.compile(hook["files"])
    assert files.search("ops/catalog/systems/dns.yaml") and files.search("ownership.yaml")
    assert not files.search("catalog/teams.yaml") and not files.search("ops/catalog/schema.json")
    flow = yaml.safe_load((tmp_path / ".github/workflows/catalog-check.yml").read_text())
    assert flow[True]["pull_request"]["paths"] == ["ops/catalog/**", "ownership.yaml"]  # `on:` loads as True


def test_the_generated_workflow_passes_zizmor_and_pins_every_action(tmp_path: Path) -> None:
    _init(tmp_path, "--yes")
    workflow = (tmp_path / ".github/workflows/catalog-check.yml").read_text()
    uses = re.findall(r"uses: (\S+)( # v\d+\.\d+\.\d+)?", workflow)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u) and v for u, v in uses), uses
    assert "${{" not in "".join(s.get("run", "") for s in yaml.safe_load(workflow)["jobs"]["validate"]["steps"])
    exe = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    if not os.access(exe, os.X_OK):
        pytest.skip("zizmor is not installed (pip install -e '.[test]' installs it)")
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")}
    proc = subprocess.run([exe, "--offline", "--no-config", "--min-severity", "medium", "--format", "json",
                           str(tmp_path / ".github/workflows")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert json.loads(proc.stdout or "[]") == [] and proc.returncode == 0, proc.stdout + proc.stderr


def _converse(cmd: list[str], cwd: Path, answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run `cmd` on a pty; each time the output shows the next prompt, type its answer. (exit code, output)"""
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    seen, deadline = "", time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096).decode(errors="replace")
                except OSError:  # the child closed the pty
                    break
                if not chunk:
                    break
                seen += chunk
            if answers and answers[0][0] in seen:
                prompt, answer = answers.pop(0)
                seen = seen.replace(prompt, f"<{prompt}>", 1)  # answered: the next match is a new prompt
                os.write(master, (answer + "\n").encode())
            elif proc.poll() is not None and not ready:
                break
        assert not answers, f"never asked {answers}; output:\n{seen}"
        return proc.wait(timeout=TIMEOUT), seen
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()


def test_on_a_terminal_init_asks_with_defaults_and_asks_again_after_a_bad_name(tmp_path: Path) -> None:
    target = tmp_path / "billing"
    code, out = _converse([sys.executable, "-m", "ownership", "init", str(target)], tmp_path, [
        ("Team that owns the first system [platform]:", "Billing Team"),
        ("is not a catalog name", "billing"),
        ("First system [billing]:", ""),  # the default: the folder's name
        ("Catalog folder [catalog]:", "services/catalog"),
    ])
    assert code == 0, out
    assert "Team that owns the first system [platform]:" in out.replace("<", "").replace(">", "")
    teams = yaml.safe_load((target / "services/catalog/teams.yaml").read_text())
    assert teams["teams"][0]["name"] == "billing"
    assert (target / "services/catalog/systems/billing.yaml").is_file()
    proc = _validate(target)
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"] == [], proc.stdout + proc.stderr


def test_on_a_terminal_flags_and_yes_ask_nothing(tmp_path: Path) -> None:
    code, out = _converse([sys.executable, "-m", "ownership", "init", str(tmp_path / "x"), "--yes"], tmp_path, [])
    assert code == 0, out
    assert "?" not in out and "[platform]" not in out
    assert (tmp_path / "x/catalog/systems/x.yaml").is_file()
