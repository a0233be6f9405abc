"""Whatever text arrives, the loader answers with a catalog and findings; it never raises."""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownership.catalog.load import load_sources
from ownership.catalog.schema import ENTITY_KINDS, Field
from ownership.model import Catalog

YAMLISH = st.text(alphabet=st.sampled_from(list("abc:-[]{}#&*!|>'\"\n \t,?%@`~0123456789.")), max_size=200)

_field_names = sorted({f.name for spec in ENTITY_KINDS.values() for f in spec.fields} | set(ENTITY_KINDS))
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10), st.text(max_size=12),
                     st.sampled_from(["payments", "#x", "yes", "2026-01-05", "7d", "https://x.test", "a b"]))
_values = st.recursive(_scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4),
    st.dictionaries(st.sampled_from(_field_names + ["nmae", "x"]), kids, max_size=5)), max_leaves=25)
_docs = st.dictionaries(st.sampled_from([*ENTITY_KINDS, "other"]),
                        st.lists(st.dictionaries(st.sampled_from(_field_names), _values, max_size=8),
                                 max_size=4),
                        max_size=4)


def _check(text: str) -> None:
    catalog, findings = load_sources([("prop.yaml", text)])
    assert isinstance(catalog, Catalog)
    for f in findings:
        assert f.rule and f.severity in ("error", "warning", "info")
        assert f.location is not None and f.location.file == "prop.yaml"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_random_yamlish_text_gives_findings_or_a_catalog_never_an_exception(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_docs)
def test_random_catalog_shaped_documents_never_raise(doc: dict) -> None:
    _check(yaml.safe_dump(doc, sort_keys=False))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=120))
def test_random_bytes_never_raise(data: bytes) -> None:
    catalog, findings = load_sources([("bytes.yaml", data)])
    assert isinstance(catalog, Catalog)


def test_every_field_kind_is_checked_by_the_loader() -> None:
    """A guard for the spec: adding a field kind without loader support must fail here."""
    from ownership.catalog.load import _CHECKS

    handled = set(_CHECKS) | {"text", "free-text", "enum", "int", "bool", "date", "list", "object"}

    def kinds(f: Field) -> set[str]:
        out = {f.kind}
        for c in f.fields:
            out |= kinds(c)
        if f.item:
            out |= kinds(f.item)
        return out

    used = set().union(*(kinds(s) for s in ENTITY_KINDS.values()))
    assert used <= handled, used - handled
