"""The CODEOWNERS matcher against a table of (pattern, path, expected) cases, GitHub semantics."""
from __future__ import annotations

import pytest

from ownership.codeowners.parse import PatternError, compile_pattern, parse

# (pattern, path, matches?) — grouped by the feature each block exercises
TABLE: list[tuple[str, str, bool]] = [
    # lone `*`: every file, at any depth
    ("*", "README.md", True),
    ("*", "src/app.py", True),
    ("*", "a/b/c/d.txt", True),
    ("*", ".github/CODEOWNERS", True),
    # `*.ext`: basename match at any depth
    ("*.js", "app.js", True),
    ("*.js", "src/app.js", True),
    ("*.js", "src/deep/er/app.js", True),
    ("*.js", "app.jsx", False),
    ("*.js", "app.ts", False),
    ("*.js", "src/js/app.ts", False),
    ("*.js", "lib.js/index.ts", True),  # a directory named like the pattern: everything inside
    ("*.md", "docs/guide.md", True),
    ("*.md", "docs/guide.mdx", False),
    # `*` inside a name never crosses `/`
    ("f*", "foo", True),
    ("f*", "bar/foo", True),
    ("f*", "foo/bar", True),
    ("f*", "bar/baz", False),
    ("f*", "xfoo", False),
    ("/f*", "foo", True),
    ("/f*", "foo/bar/baz", True),
    ("/f*", "bar/foo", False),
    ("docs/*.md", "docs/a.md", True),
    ("docs/*.md", "docs/sub/a.md", False),
    ("docs/*.md", "x/docs/a.md", False),
    # `?`: exactly one character, not `/`
    ("f?o", "foo", True),
    ("f?o", "fo", False),
    ("f?o", "fooo", False),
    ("f?o", "f/o", False),
    ("f?o", "dir/fxo", True),
    # escaped wildcards are literal
    ("f\\*o", "f*o", True),
    ("f\\*o", "foo", False),
    ("f\\?o", "f?o", True),
    ("f\\?o", "fxo", False),
    # a bare name (no slash) matches files and directories of that name at any depth
    ("logs", "logs", True),
    ("logs", "logs/today.txt", True),
    ("logs", "build/logs", True),
    ("logs", "build/logs/x/y.txt", True),
    ("logs", "logs.txt", False),
    ("logs", "build/catalogs", False),
    ("logs", "mylogs/x", False),
    # leading `/`: anchored at the repository root
    ("/logs", "logs", True),
    ("/logs", "logs/today.txt", True),
    ("/logs", "build/logs", False),
    ("/logs", "logsx", False),
    ("/README.md", "README.md", True),
    ("/README.md", "docs/README.md", False),
    ("/build/logs/", "build/logs/a.log", True),
    ("/build/logs/", "build/logs/deep/a.log", True),
    ("/build/logs/", "x/build/logs/a.log", False),
    ("/build/logs/", "build/logs", False),
    # trailing `/`: only what is inside a directory of that name, at any depth when not anchored
    ("apps/", "apps/web/index.ts", True),
    ("apps/", "apps/README.md", True),
    ("apps/", "src/apps/web.ts", True),
    ("apps/", "apps", False),
    ("apps/", "apps.txt", False),
    ("apps/", "myapps/x.ts", False),
    ("/docs/", "docs/a.md", True),
    ("/docs/", "docs/sub/a.md", True),
    ("/docs/", "src/docs/a.md", False),
    ("/docs/", "docs", False),
    ("/scripts/", "scripts/deploy.sh", True),
    ("/scripts/", "tools/scripts/deploy.sh", False),
    # an inner slash anchors at the root (directory vs file patterns)
    ("foo/bar", "foo/bar", True),
    ("foo/bar", "foo/bar/baz.txt", True),
    ("foo/bar", "foo/bart", False),
    ("foo/bar", "x/foo/bar", False),
    ("foo/bar/", "foo/bar/baz.txt", True),
    ("foo/bar/", "foo/bar", False),
    ("foo/bar/", "x/foo/bar/baz.txt", False),
    ("services/api/main.py", "services/api/main.py", True),
    ("services/api/main.py", "services/api/main.pyc", False),
    ("services/api/main.py", "other/services/api/main.py", False),
    # `dir/*`: direct children only (GitHub's documented `docs/*` example)
    ("docs/*", "docs/getting-started.md", True),
    ("docs/*", "docs/build-app/troubleshooting.md", False),
    ("docs/*", "docs", False),
    ("docs/*", "src/docs/a.md", False),
    ("/*", "README.md", True),
    ("/*", "src/app.py", False),
    ("/*/", "src/app.py", True),
    ("/*/", "README.md", False),
    ("foo/*/baz", "foo/bar/baz", True),
    ("foo/*/baz", "foo/bar/baz/qux", True),
    ("foo/*/baz", "foo/baz", False),
    ("foo/*/baz", "foo/a/b/baz", False),
    # `**`: any number of directories
    ("**/logs", "logs", True),
    ("**/logs", "build/logs", True),
    ("**/logs", "deeply/nested/logs/x.log", True),
    ("**/logs", "build/logsx", False),
    ("**/foo/bar", "foo/bar", True),
    ("**/foo/bar", "q/foo/bar/baz", True),
    ("**/foo/bar", "foo/baz/bar", False),
    ("foo/**", "foo/a", True),
    ("foo/**", "foo/a/b", True),
    ("foo/**", "foo", False),
    ("foo/**", "x/foo/a", False),
    ("foo/**/bar", "foo/bar", True),
    ("foo/**/bar", "foo/x/bar", True),
    ("foo/**/bar", "foo/x/y/bar/z", True),
    ("foo/**/bar", "x/foo/bar", False),
    ("foo/**/bar", "foo/barn", False),
    ("**/*.sql", "schema.sql", True),
    ("**/*.sql", "db/migrations/001.sql", True),
    ("**/*.sql", "db/migrations/001.sqlite", False),
    ("**", "anything/at/all", True),
    ("docs/**/*.md", "docs/a/b.md", True),
    ("foo/**/", "foo/bar", True),
    ("foo/**/", "foo", False),
    # case-sensitive, like GitHub
    ("/Docs/", "docs/a.md", False),
    ("*.JS", "app.js", False),
    # dots are literal
    ("*.py", "a/b_py", False),
    (".github/", ".github/workflows/ci.yml", True),
    ("/.github/workflows/", ".github/workflows/ci.yml", True),
    ("/.github/workflows/", ".github/CODEOWNERS", False),
    # `/` alone matches nothing
    ("/", "README.md", False),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), TABLE, ids=[f"{p}|{q}" for p, q, _ in TABLE])
def test_pattern_matches_path_like_github(pattern: str, path: str, expected: bool) -> None:
    assert compile_pattern(pattern).match(path) is expected


def test_table_has_at_least_100_cases_with_both_outcomes() -> None:
    assert len(TABLE) >= 100
    assert {e for _, _, e in TABLE} == {True, False}


# --------------------------------------------------------------------------- whole files: last match wins

FILE = """\
# Default owners
*                       @acme/platform
*.js                    @acme/frontend      # inline comment
/docs/                  docs@acme.test
/services/api/          @acme/payments @alice
/services/api/vendor/
/services/api/*.md      @acme/docs-team
apps/                   @octocat
/apps/github
"""


@pytest.mark.parametrize(("path", "owners", "line"), [
    ("README.md", ("@acme/platform",), 2),
    ("src/app.js", ("@acme/frontend",), 3),
    ("docs/app.js", ("docs@acme.test",), 4),  # later line beats the earlier *.js
    ("docs/guide/intro.md", ("docs@acme.test",), 4),
    ("services/api/main.py", ("@acme/payments", "@alice"), 5),
    ("services/api/app.js", ("@acme/payments", "@alice"), 5),  # /services/api/ comes after *.js
    ("services/api/vendor/lib.py", (), 6),  # an owner-less line unowns
    ("services/api/README.md", ("@acme/docs-team",), 7),
    ("services/api/sub/README.md", ("@acme/payments", "@alice"), 5),  # *.md in /dir/ is one level only
    ("apps/web/index.ts", ("@octocat",), 8),
    ("apps/github/index.ts", (), 9),
    ("lib/apps/x.py", ("@octocat",), 8),
])
def test_last_matching_line_wins(path: str, owners: tuple[str, ...], line: int) -> None:
    co = parse(FILE)
    match = co.match(path)
    assert match is not None
    assert (match.owners, match.line) == (owners, line)


def test_no_line_matches_without_a_catch_all() -> None:
    co = parse("/docs/ @a\n")
    assert co.match("src/x.py") is None
    assert co.owners("src/x.py") == ()


def test_comments_blank_lines_and_trailing_comments_are_ignored() -> None:
    co = parse("\n# comment\n   \n/x/ @a # trailing\n")
    assert [(ln.pattern, ln.owners, ln.line) for ln in co.lines] == [("/x/", ("@a",), 4)]


@pytest.mark.parametrize(("text", "expected"), [
    ("!/x/ @a\n", "negation"),
    ("/x/[ab] @a\n", "character ranges"),
    ("/x/*** @a\n", "three consecutive asterisks"),
    ("/x/ not-an-owner\n", "not an @user"),
])
def test_lines_github_rejects_are_reported_with_their_line(text: str, expected: str) -> None:
    co = parse("* @ok\n" + text)
    assert len(co.problems) == 1
    assert co.problems[0].line == 2
    assert expected in co.problems[0].message


def test_unsupported_pattern_raises_pattern_error() -> None:
    with pytest.raises(PatternError):
        compile_pattern("")
