"""`ownership blast-radius SYSTEM`: the systems that break when SYSTEM breaks."""
from __future__ import annotations

from collections.abc import Sequence

from ownership.analysis.impact import Impact, blast_radius, build_graph, find_system
from ownership.inputs import load_catalog


def run(paths: Sequence[str], name: str, depth: int | None, with_edges: bool) -> tuple[Impact, tuple[str, ...]]:
    """Raises UnknownSystem (exit 2) or CatalogError."""
    inputs = load_catalog(paths)
    system = find_system(inputs.catalog, name)
    g = build_graph(inputs.catalog)
    return blast_radius(inputs.catalog, g, [system.name], depth, with_edges=with_edges), inputs.warnings

