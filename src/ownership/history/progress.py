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
    return total >= 2 and on_terminal()


def on_terminal() -> bool:
    """Whether standard error is a person's terminal: a TTY, and not a CI job (some give their jobs one)."""
    return not any(os.environ.get(v) for v in CI_VARIABLES) and sys.stderr.isatty()


Tick = Callable[[Any, int], None]  # (a repository just scanned, how many the scan reads in all)


@contextmanager
def bar() -> Iterator[Tick | None]:
    """A callback that advances a bar by one repository, or None when no bar can be shown.

    The bar is drawn at the first repository, with the total the scan passes along, so nobody has to load
    the catalog a second time just to count its repositories beforehand.
    """
    if not wanted(2):
        yield None
        return
    drawn: list[Any] = []

    def tick(_scanned: Any, total: int) -> None:
        if not drawn:
            if not wanted(total):
                drawn.append(None)
            else:
                drawn.append(click.progressbar(length=total, label="scanning repositories", file=sys.stderr))
                drawn[0].__enter__()
        if drawn[0] is not None:
            drawn[0].update(1)

    try:
        yield tick
    finally:
        if drawn and drawn[0] is not None:
            drawn[0].__exit__(None, None, None)
