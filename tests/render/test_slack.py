"""render.slack: Block Kit within Slack's limits, every value escaped for mrkdwn, blocks shaped as Slack requires."""
from __future__ import annotations

from typing import Any

from ownership.render.slack import BLOCKS_MAX, HEADER_MAX, SECTION_MAX, escape, message

HOSTILE = "<!channel> <@U024BE7LH> <#C0123456> <https://evil.test|click> & @here #general"


def _check_shape(msg: dict[str, Any]) -> None:
    """The keys Slack requires for each block (Block Kit reference) and its limits."""
    assert isinstance(msg["text"], str) and msg["text"]
    blocks = msg["blocks"]
    assert 1 <= len(blocks) <= BLOCKS_MAX
    for b in blocks:
        if b["type"] == "header":
            assert b["text"]["type"] == "plain_text" and 0 < len(b["text"]["text"]) <= HEADER_MAX
        elif b["type"] == "section":
            assert b["text"]["type"] == "mrkdwn" and 0 < len(b["text"]["text"]) <= SECTION_MAX
            assert b["text"]["verbatim"] is True
        elif b["type"] == "context":
            assert 1 <= len(b["elements"]) <= 10
            assert all(e["type"] == "mrkdwn" and e["text"] for e in b["elements"])
        else:
            raise AssertionError(f"unexpected block {b['type']}")


def test_hostile_catalog_text_produces_no_mention_or_link() -> None:
    msg = message(HOSTILE, [(HOSTILE, [HOSTILE])], HOSTILE)
    _check_shape(msg)
    texts = [msg["text"], *(b["text"]["text"] for b in msg["blocks"] if "text" in b and b["type"] == "section"),
             msg["blocks"][-1]["elements"][0]["text"]]
    for t in texts:
        assert "<" not in t and ">" not in t
        assert "&lt;!channel&gt;" in t and "&lt;@U024BE7LH&gt;" in t and "&amp; @here" in t
    assert msg["blocks"][0]["text"]["text"] == HOSTILE  # plain_text: shown as written, never parsed


def test_escape_keeps_text_on_one_line() -> None:
    assert escape("a\n*b*  <c>\t&") == "a *b* &lt;c&gt; &amp;"
    assert escape(None) == ""


def test_a_long_title_is_clipped_to_the_header_limit() -> None:
    msg = message("x" * 400, [])
    assert len(msg["blocks"][0]["text"]["text"]) == HEADER_MAX and msg["blocks"][0]["text"]["text"].endswith("…")


def test_a_long_section_is_split_with_its_heading_repeated() -> None:
    lines = [f"line {i} " + "y" * 90 for i in range(100)]  # ~10,000 characters
    msg = message("t", [("Responders", lines)])
    _check_shape(msg)
    sections = [b["text"]["text"] for b in msg["blocks"] if b["type"] == "section"]
    assert len(sections) >= 4
    assert sections[0].startswith("*Responders*\n") and sections[1].startswith("*Responders (continued)*\n")
    joined = "\n".join(sections)
    assert all(f"• line {i} " in joined for i in range(100))  # nothing lost


def test_one_huge_line_is_clipped_without_cutting_an_entity() -> None:
    msg = message("t", [("h", ["&" * 5000])])
    _check_shape(msg)
    body = msg["blocks"][1]["text"]["text"]
    assert body.endswith("&amp;…")


def test_more_sections_than_blocks_are_summarised() -> None:
    msg = message("t", [(f"s{i}", ["x"]) for i in range(80)], "ctx")
    _check_shape(msg)
    assert len(msg["blocks"]) == BLOCKS_MAX
    last = msg["blocks"][-2]["text"]["text"]
    assert last.startswith("… and 33 more sections not shown (Slack allows 50 blocks): s47, s48")
    assert msg["blocks"][-1]["type"] == "context"


def test_fallback_text_names_the_title_and_first_lines() -> None:
    msg = message("Incident: api", [("Incident commander", ["Alice"]), ("Where to talk", ["#inc-api"])])
    assert msg["text"] == "Incident: api · Incident commander: Alice · Where to talk: #inc-api"
