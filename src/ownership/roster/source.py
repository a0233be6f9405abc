"""What a roster source is: the `RosterSource` protocol every entry of `ownership.roster.SOURCES` follows.

A source is a module (as a pre-commit language is): its module-level names are the protocol's members, and
its module docstring is its documentation in docs/extending.md. `roster.load` does everything else, for
every source alike: the shrink guard (roster/guard.py), the recall cache, the identity settings and the notes.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from ownership.model import Person
    from ownership.roster.settings import RosterSettings


class SourceSection(NamedTuple):
    """A source's own top-level section of ownership.yaml (`scim:`; `okta:` for an Okta source), declared by
    the source and added to config.py's table of sections (and its protected settings) from `SOURCES`.

    `check` and `schema` are "module:function" names, imported on use like every config section's:
    `check(value) -> list[SettingProblem]` (key paths below the section) and `schema() -> dict` (its JSON
    Schema for `ownership schema config`). `what` is the one line of docs and hints; `protected` says why a
    pull request must not change it (docs/security.md; `validate --base` reports a change)."""

    key: str
    check: str
    what: str
    schema: str
    protected: str


class RosterSource(Protocol):
    """Where the HR roster is read from: a file export, a SCIM server, a directory (Okta, Entra ID, LDAP).

    To add one, write one module in `src/ownership/roster/` whose module-level names are the members below,
    and add it to `SOURCES` in `roster/__init__.py`, before `files`: the first source whose `accepts` says
    yes reads the source string, and `files` takes every string without a URL scheme, so a new source claims
    its own scheme (`okta://acme.okta.com`). `name` is one word for messages and docs; `section` declares
    its own ownership.yaml section (`SourceSection`: its check, schema, one-line description and why a pull
    request must not change it), or None; `read` finds its checked value as `settings.section(key)`. The
    module docstring says what it reads and how: it is the source's line below.

    What every source gets from `roster.load` without writing it: the shrink guard against a partial pull
    (`roster_shrink_limit`, `--allow-roster-shrink`), the recall of an unchanged source's people when
    `fingerprint` can tell, the identity settings (`aliases`, `team_map`, `mailmap`), contact values left out
    shown as warnings, and a RosterError becoming one clear line and exit 2. Contact values go through
    `ownership.reach.check`; HTTP goes through `ownership.net.netpolicy` (one deadline, a body cap, no redirect to
    another origin, the token from an `OWNERSHIP_*` variable). Test it against a real server on 127.0.0.1,
    as tests/roster/test_scim_server.py does.
    """

    name: str
    section: SourceSection | None

    def accepts(self, source: str) -> bool:
        """Whether this source reads `source`, the `--roster` value or `roster:` in ownership.yaml (a file path
        there is already made relative to ownership.yaml): a URL scheme it owns, or a file path."""
        ...

    def read(self, source: str, settings: RosterSettings, notes: list[str]) -> list[Person]:
        """Every person of `source`, or RosterError (one line: where, and the cause; never a secret). All or
        nothing: a partial list would make the people missing from it look gone. A contact value that is left
        out is appended to `notes` (`where: why; it is not used`), never an error."""
        ...

    def key(self, source: str) -> str:
        """What identifies `source` from run to run, without secrets: the shrink guard's previous snapshot
        and the recall entry are kept per key (a file's absolute path; a URL without credentials)."""
        ...

    def shown(self, source: str) -> str:
        """`source` as messages, reports and snapshots name it: with every credential redacted."""
        ...

    def fingerprint(self, source: str, settings: RosterSettings) -> str | None:
        """A digest of everything this source's people depend on (a file's bytes and the settings that read
        it), when it can be known without reading the people; else None. When it equals the last good load's,
        `roster.load` recalls that load's people instead of reading them. A network source returns None
        (always asked)."""
        ...

