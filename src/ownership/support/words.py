"""How a count and its noun are written in every message a person reads: "1 system", "2 systems".

The one place: renderers, rules and loaders call `plural`, never write "(s)" or `'s' if n != 1` of their own.
(The validate summary line "N error(s), N warning(s), N info" is a documented output contract and keeps its
form.)
"""
from __future__ import annotations

# nouns whose plural is not noun + "s"
_IRREGULAR = {"person": "people", "entry": "entries", "dependency": "dependencies", "repository": "repositories",
              "policy": "policies", "child": "children", "this": "these", "is": "are", "has": "have",
              "was": "were", "depends": "depend", "remains": "remain", "info": "info"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` and `noun`, the noun in the plural unless count is 1: plural(1, "team") == "1 team",
    plural(3, "person") == "3 people". `many`: the plural when it is irregular and not known here. Only
    the last word of `noun` changes ("YAML file" → "YAML files")."""
    return f"{count} {noun_for(count, noun, many)}"


def noun_for(count: int, noun: str, many: str | None = None) -> str:
    """Just the word: noun_for(1, "depends") == "depends", noun_for(2, "depends") == "depend" (a verb agrees
    with its count the other way round, which the table knows for the few verbs messages use)."""
    if count == 1:
        return noun
    if many is not None:
        return many
    head, _, last = noun.rpartition(" ")
    word = _IRREGULAR.get(last) or (last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou"
                                    else last + "es" if last.endswith(("s", "x", "ch", "sh")) else last + "s")
    return f"{head} {word}" if head else word
