"""One built site of the hostile org, shared by the tests of this folder (building takes about a second)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from tests.conftest import isolate
from tests.site import org


@dataclass(frozen=True)
class Built:
    root: Path  # the org
    out: Path  # the site
    output: str  # what the command printed

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")


def build_site(root: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["site", "--catalog", str(root / "catalog"), "--out", str(out), "--at", org.AT,
                                      "--roster", str(root / "roster.csv"), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = tmp_path_factory.mktemp("org")
    with pytest.MonkeyPatch.context() as mp:  # the module-wide build is isolated like every test
        isolate(root / "home", mp)
        org.make(root)
        code, output = build_site(root, root / "site")
        assert code == 0, output
        yield Built(root, root / "site", output)
