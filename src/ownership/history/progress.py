"""A progress bar for scans: on a terminal only, never in CI or when standard error is redirected."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "BUILD_NUMBER", "GITLAB_CI")


def wanted(total: int) -> bool:
    if total < 2 or any(os.environ.get(v) for v in CI_VARIABLES):
        return False
    return sys.stderr.isatty()


@contextmanager
def bar(total: int) -> Iterator[Callable[[Any], None] | None]:
    """A callback that advances the bar by one repository, or None when no bar is shown."""
    if not wanted(total):
        yield None
        return
    with click.progressbar(length=total, label="scanning repositories", file=sys.stderr) as progress:
        yield lambda _scanned: progress.update(1)
