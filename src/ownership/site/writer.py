"""Render the site's pages with jinja2 and write them to a folder, replacing an earlier build in one step.

Every page carries a Content-Security-Policy: nothing loads from anywhere but the site itself, and the only
script that may run is the home page's search, allowed by its hash. Escaping (jinja2 autoescape) keeps
catalog text from becoming markup; the policy is the second lock on the same door.
"""
from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ownership.support import confine, redact
from ownership.render import evidence
from ownership.errors import OwnershipError
from ownership.site.build import Site
from ownership.site.views import http_url, when

WRITERS = 4  # threads writing files while pages render
MARKER = ".ownership-site"  # written into every build: only a folder holding it is ever replaced
CSP = ("default-src 'none'; img-src 'self'; style-src 'self'; script-src {script}; base-uri 'none'; "
       "form-action 'none'")


class SiteError(OwnershipError):
    """The site cannot be written (the CLI exits 2 with this one line)."""


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("ownership.site", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                             auto_reload=False)  # package templates do not change mid-build: no stat per page
    env.filters.update(when=when, http_url=http_url, evidence=evidence.sentences)
    return env


def _asset(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


def write(site: Site, out: Path) -> int:
    """Render `site` into `out` (replacing an earlier build there); returns the number of files written."""
    out = Path(out)
    _check_target(out)
    env = environment()
    script = _asset(env, "search.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        confine.sweep(out.parent, f".{out.name}.", (".tmp", ".old"))  # builds a killed run left behind
        # a fresh folder of our own (mkdtemp), never a fixed name a planted symlink could stand at
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as exc:
        raise SiteError(f"{out}: cannot write the site ({exc.strerror or exc})") from exc
    try:
        files = _render(env, site, tmp, Markup(script), f"'sha256-{digest}'")
        (tmp / MARKER).write_text("built by `ownership site`; this folder is replaced by the next build\n")
        _swap(tmp, out)
    except OSError as exc:
        raise SiteError(f"{out}: cannot write the site ({exc.strerror or exc})") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone after a successful swap; cleaned up after a failure
    return files


def _render(env: jinja2.Environment, site: Site, root: Path, script: Markup, script_src: str) -> int:
    """Render every page, writing files on a few threads meanwhile: creating tens of thousands of small files
    is mostly waiting on the file system, which threads overlap with the (GIL-bound) rendering."""
    templates: dict[str, jinja2.Template] = {}
    folders: set[Path] = set()
    pending: list[Future[None]] = []
    secrets = redact.secret_values()  # once per build, not per page

    def put(rel: str, text: str) -> None:
        _inside(rel)
        text = redact.text(text, secrets)  # no URL credential or token reaches a page, the search data or a link
        target = root / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        pending.append(pool.submit(target.write_bytes, text.encode("utf-8")))  # type: ignore[arg-type]
        if len(pending) >= 512:  # surface a write error early and keep memory bounded
            for done in pending:
                done.result()
            pending.clear()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for page in site.pages:
            tmpl = templates.get(page.template) or templates.setdefault(page.template,
                                                                         env.get_template(page.template))
            extra: Mapping[str, Any] = {"script": script, "csp": CSP.format(script=script_src)} \
                if page.template == "index.html" else {"csp": CSP.format(script="'none'")}
            put(page.path, tmpl.render(**page.context, **extra))
        for rel, text in site.files.items():
            put(rel, text)
        put("assets/site.css", _asset(env, "site.css"))
        for done in pending:
            done.result()
    return len(site.pages) + len(site.files) + 1


def _inside(rel: str) -> None:
    """A page's path is one relative file name inside the site (site/directory.py makes them from names): never
    absolute, never `..`, no control character, whatever name it was made from; else SiteError."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or any(p in ("", ".", "..") for p in parts) or \
            not rel.isprintable():
        raise SiteError(f"site: the page path {rel[:80]!r} is not a plain file name inside the site; refusing to "
                        "write it (it would change where the site's files go)")


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SiteError(f"{out}: the folder is not empty and holds no earlier `ownership site` build; "
                        "refusing to replace it (choose an empty or new folder)")


def _swap(new: Path, out: Path) -> None:
    """Put `new` where `out` is: a server never sees a half-written site, a kill at any moment leaves the old
    or the new site (confine.replace_folder), and pages of systems that left the catalog do not linger."""
    confine.replace_folder(new, out)
