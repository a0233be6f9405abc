"""model.Locations: a Mapping of field -> Location equal to the dict it stands for, also after pickling."""
from __future__ import annotations

import pickle

import pytest

from ownership.model import Finding, Location, Locations, Person
from ownership.support.pickled import dumps


def test_locations_behave_like_the_dict_of_the_same_items_before_and_after_pickling() -> None:
    items = {f"members[{i}]": Location("a.yaml" if i % 3 else "b.yaml", i + 1, 5) for i in range(20)}
    items["name"] = Location("a.yaml", 1, 9)
    locs = Locations(items)
    for made in (locs, pickle.loads(pickle.dumps(locs)), pickle.loads(dumps(locs))):
        assert made == items and items == made
        assert list(made) == list(items) and len(made) == 21
        assert made["members[4]"] == Location("a.yaml", 5, 5) and made["members[3]"].file == "b.yaml"
        assert made.get("nope") is None and made.get("nope", 7) == 7 and "name" in made and "x" not in made
        with pytest.raises(KeyError):
            made["nope"]
    assert Locations() == {} and Locations() != items


def test_a_location_set_again_replaces_the_first_and_an_unpickled_one_can_grow() -> None:
    locs = Locations()
    locs["owner"] = Location("s.yaml", 2, 3)
    locs["owner"] = Location("t.yaml", 4, 5)
    assert dict(locs) == {"owner": Location("t.yaml", 4, 5)}
    again = pickle.loads(dumps(locs))
    again["tier"] = Location("s.yaml", 6, 7)
    assert list(again.items()) == [("owner", Location("t.yaml", 4, 5)), ("tier", Location("s.yaml", 6, 7))]
    assert dict(locs) == {"owner": Location("t.yaml", 4, 5)}  # the original is untouched


def test_the_fast_pickle_of_records_loads_objects_equal_to_the_ones_stored() -> None:
    import datetime as dt

    people = (Person("id1", ("a@x.test",), ("a",), "A", False, dt.date(2026, 6, 30), "eng", "id2", "SRE",
                     Location("roster.csv", 3)), Person("id2"))
    finding = Finding("stale-owner", "error", "system:api", "left", Location("c.yaml", 4, 2), {"who": "a"})
    back = pickle.loads(dumps((people, finding)))
    assert back == (people, finding) and type(back[0][0]) is Person
