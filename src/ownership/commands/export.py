"""`ownership export backstage`: the catalog as Backstage descriptors that load back into the same catalog."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ownership.catalog import export
from ownership.catalog.load import CatalogError, load_paths
from ownership.support.words import plural


def backstage(paths: Sequence[str], out: str) -> list[Path]:
    """Write the export into `out`; a catalog with errors is refused (CatalogError) and nothing is written."""
    catalog, findings = load_paths(paths)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        shown = "; ".join(f"{f.location}: {f.rule} {f.message}" for f in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise CatalogError(f"the catalog has {plural(len(errors), 'error')}, so it is not exported: {shown}{more}")
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise CatalogError(f"{out}: exists and is not a folder")
    try:
        return export.write(catalog, target)
    except OSError as exc:
        raise CatalogError(f"{exc.filename or out}: cannot write ({exc.strerror or exc})") from exc
