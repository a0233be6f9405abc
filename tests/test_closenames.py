"""The "did you mean" index gives difflib's answer to the name and order, and scores only names that can win."""
from __future__ import annotations

import datetime as dt
import difflib
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownership.support.closenames import CloseNames
from ownership.commands import validate
from ownership.config import Config

# few letters and short names: many ties on the ratio, many anagrams, duplicates, empty strings
_alphabets = st.sampled_from(["ab", "abc", "ab-", "svc-01", "xyz0123456789"])
_cutoffs = st.one_of(st.sampled_from([0.0, 0.5, 0.6, 2 / 3, 0.75, 0.8, 1.0]), st.floats(0.0, 1.0))


@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[str], list[str], int, float]:
    letters = draw(_alphabets)
    name = st.text(alphabet=letters, max_size=9)
    names = draw(st.lists(name, max_size=40))
    words = draw(st.lists(st.one_of(name, st.sampled_from(names) if names else name), min_size=1, max_size=6))
    return names, words, draw(st.integers(1, 5)), draw(_cutoffs)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases())
def test_close_names_are_difflibs_names_in_difflibs_order(case: tuple[list[str], list[str], int, float]) -> None:
    names, words, n, cutoff = case
    index = CloseNames(names)
    for word in words:
        assert index.matches(word, n, cutoff) == difflib.get_close_matches(word, names, n, cutoff)


def test_close_names_on_generated_system_names_match_difflib() -> None:
    rng = random.Random(24)
    names = [f"svc-{i:05d}" for i in range(3000)] + [f"{a}-{b}" for a in ("billing", "ledger", "search")
                                                      for b in ("api", "db", "queue", "worker")]
    index = CloseNames(names)
    for _ in range(150):
        base = list(rng.choice(names))
        at = rng.randrange(len(base))
        op = rng.randrange(3)
        if op == 0:
            del base[at]
        elif op == 1:
            base.insert(at, rng.choice("0123456789abx-"))
        else:
            base[at] = rng.choice("0123456789abx-")
        word = "".join(base)
        for n, cutoff in ((1, 0.6), (3, 0.6), (3, 0.8)):
            assert index.matches(word, n, cutoff) == difflib.get_close_matches(word, names, n, cutoff)


def test_close_names_reject_what_difflib_rejects() -> None:
    with pytest.raises(ValueError):
        CloseNames(["a"]).matches("a", 0)
    with pytest.raises(ValueError):
        CloseNames(["a"]).matches("a", 1, 1.5)


def _catalog(root: Path, systems: int, unknown: list[str]) -> None:
    lines = ["teams:", "  - name: core", "    members: [a@acme.test]", "systems:"]
    for i in range(systems):
        deps = f"[{unknown[i]}]" if i < len(unknown) else "[]"
        lines += [f"  - name: svc-{i:05d}", "    owner: core", f"    depends_on: {deps}"]
    (root / "catalog.yaml").write_text("\n".join(lines) + "\n")


def test_unknown_system_hints_are_difflibs_and_score_few_names(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 systems, 20 unknown depends_on names: the hints are what difflib gives against every system, and
    finding them scores a few hundred names, not 20 x 5,000 (issue 24: 300 such names held validate > 60 s)."""
    unknown = [f"svc-{i * 249:04d}" for i in range(10)] + [f"svc-{i * 137:05d}x" for i in range(5)] + [
        "billing-api", "svc_00042", "svc-0o042", "svc-000042", "zzz"]
    _catalog(tmp_path, 5000, unknown)
    names = [f"svc-{i:05d}" for i in range(5000)]
    scored = []
    ratio = difflib.SequenceMatcher.ratio

    def counted(self: difflib.SequenceMatcher[str]) -> float:
        scored.append(1)
        return ratio(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    outcome = validate.check([str(tmp_path)], Config(), dt.date(2026, 11, 30))
    found = {str(f.evidence["system"]): f.message for f in outcome.findings if f.rule == "unknown-system"}
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", ratio)
    assert sorted(found) == sorted(unknown)
    assert len(scored) < 20 * 100
    for name, message in found.items():
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        assert message.endswith(f"; did you mean '{close[0]}'?" if close else f"unknown system '{name}'")
