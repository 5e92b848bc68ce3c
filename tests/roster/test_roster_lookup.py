"""Lenient name lookup, suggestions and ambiguity."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes.roster import (
    AmbiguousBody,
    Body,
    RecipientList,
    Roster,
    RosterError,
    UnknownBody,
    UnknownRecipientList,
    core_key,
    full_key,
    shipped_roster,
)

ROSTER = shipped_roster()
SPELLINGS = [(body, text) for body in ROSTER.bodies for _, text in body.spellings()]
SEPARATORS = [" ", "  ", "-", " - ", ", ", ".", "/", "\t", "_"]


def _body(code: str, name: str, *aliases: str) -> Body:
    return Body(code=code, name=name, aliases=aliases, kind="territorial", country="England")


def _roster(*bodies: Body, lists: tuple[RecipientList, ...] = ()) -> Roster:
    return Roster(
        bodies=bodies, lists=lists, source="https://example.org/", date=dt.date(2024, 1, 1)
    )


def _respell(text: str, rng: random.Random) -> str:
    """Change case, separators, accents and "and"/"&" without changing the words."""
    words = full_key(text).split() if rng.random() < 0.3 else text.split()
    out: list[str] = []
    for word in words:
        if word.lower() == "and" and rng.random() < 0.5:
            word = "&"
        elif word == "&" and rng.random() < 0.5:
            word = "AND"
        letters = [char.upper() if rng.random() < 0.5 else char.lower() for char in word]
        if rng.random() < 0.3:
            position = rng.randrange(len(letters))
            if letters[position].isalpha():
                letters[position] += "\u0301"
        out.append("".join(letters))
    joined = ""
    for index, word in enumerate(out):
        joined += (rng.choice(SEPARATORS) if index else "") + word
    prefix = rng.choice(["", "", "The ", "the  ", '"', "("])
    suffix = rng.choice(["", "", ".", ")", " ", ";", ",", "!"])
    return prefix + joined + suffix


@given(index=st.integers(min_value=0, max_value=len(SPELLINGS) - 1), seed=st.integers())
def test_respelled_names_find_the_same_body(index: int, seed: int) -> None:
    body, text = SPELLINGS[index]
    variant = _respell(text, random.Random(seed))
    assert ROSTER.find(variant) == body, (text, variant)


@given(index=st.integers(min_value=0, max_value=len(ROSTER.bodies) - 1), data=st.data())
def test_generic_words_may_be_added_or_dropped(index: int, data: st.DataObject) -> None:
    body = ROSTER.bodies[index]
    core = core_key(full_key(body.name))
    extra = data.draw(
        st.sampled_from(["", " Police", " Constabulary", " Police Service", " Force"])
    )
    assert ROSTER.find(core + extra) == body


@given(st.text(max_size=60))
def test_find_never_raises_and_get_agrees(text: str) -> None:
    found = ROSTER.find(text)
    if found is None:
        with pytest.raises((UnknownBody, AmbiguousBody)):
            ROSTER.get(text)
    else:
        assert ROSTER.get(text) == found


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Avon & Somerset Police", "avon and somerset police"),
        ("  THE  Dyfed\u2013Powys   Police. ", "dyfed powys police"),
        ("Gwént", "gwent"),
        ("St. Helen's", "st helens"),
        ("Other Theatre", "other theatre"),
        ("!!!", ""),
        ("G.M.P.", "gmp"),
        ("M P S police", "mps police"),
        ("A and B", "a and b"),
    ],
)
def test_full_key(text: str, key: str) -> None:
    assert full_key(text) == key


def test_core_key_drops_generic_words_only() -> None:
    assert core_key("metropolitan police service") == "metropolitan"
    assert core_key("civil nuclear constabulary") == "civil nuclear"
    assert core_key("national crime agency") == "national crime agency"
    assert core_key("police") == ""


def test_typo_suggests_the_close_body_first() -> None:
    with pytest.raises(UnknownBody) as caught:
        ROSTER.get("Kentt Police")
    assert caught.value.suggestions[0].code == "kent"
    assert "Kent Police (kent)" in str(caught.value)
    assert "Kentt Police" in str(caught.value)


def test_suggestions_are_at_most_three() -> None:
    with pytest.raises(UnknownBody) as caught:
        ROSTER.get("West")
    assert [body.code for body in caught.value.suggestions] == [
        "west-mercia",
        "west-midlands",
        "west-yorkshire",
    ]


def test_nothing_close_gives_no_suggestions() -> None:
    with pytest.raises(UnknownBody) as caught:
        ROSTER.get("Police")
    assert caught.value.suggestions == ()
    assert "did you mean" not in str(caught.value)


def test_very_long_text_is_not_found() -> None:
    assert ROSTER.find("Kent " + "x" * 1000) is None
    with pytest.raises(UnknownBody):
        ROSTER.get("Kent Police" * 100)


def test_generic_form_shared_by_two_bodies_is_ambiguous() -> None:
    roster = _roster(_body("kp", "Kent Police"), _body("kc", "Kent Constabulary"))
    assert roster.find("Kent Constabulary").code == "kc"
    assert roster.find("Kent") is None
    assert [body.code for body in roster.candidates("Kent Force")] == ["kp", "kc"]
    with pytest.raises(AmbiguousBody) as caught:
        roster.get("kent")
    assert {body.code for body in caught.value.candidates} == {"kp", "kc"}
    assert "Kent Police (kp)" in str(caught.value)
    assert "Kent Constabulary (kc)" in str(caught.value)


def test_body_by_exact_code() -> None:
    assert ROSTER.body("nca").name == "National Crime Agency"
    with pytest.raises(UnknownBody) as caught:
        ROSTER.body("National Crime Agency")
    assert caught.value.suggestions[0].code == "nca"


def _list(name: str, version: int, *codes: str) -> RecipientList:
    return RecipientList(
        name=name,
        version=version,
        title=name,
        description="test list",
        source="https://example.org/",
        date=dt.date(2024, 1, 1),
        codes=codes,
    )


def test_recipient_list_versions() -> None:
    roster = _roster(
        _body("a", "Alpha Police"),
        _body("b", "Beta Police"),
        lists=(_list("round", 2, "a", "b"), _list("round", 1, "a"), _list("other", 1, "b")),
    )
    assert roster.recipient_list("round").version == 2
    assert roster.recipient_list("round", 1).codes == ("a",)
    assert [body.code for body in roster.recipients("round")] == ["a", "b"]
    with pytest.raises(UnknownRecipientList, match=r"'round version 3'.*other, round"):
        roster.recipient_list("round", 3)
    with pytest.raises(UnknownRecipientList, match="'nope'"):
        roster.recipient_list("nope")


@pytest.mark.parametrize(
    ("bodies", "lists", "message"),
    [
        ((_body("a", "Alpha Police"), _body("a", "Beta Police")), (), "duplicate code 'a'"),
        (
            (_body("a", "Alpha Police", "AP"), _body("b", "Beta Police", "A. P.")),
            (),
            "already a spelling of Alpha Police",
        ),
        (
            (_body("a", "Alpha Police", "Beta"), _body("b", "Beta Constabulary")),
            (),
            "lookups would be ambiguous",
        ),
        ((_body("a", "Alpha Police"),), (_list("l", 1, "a", "z"),), "unknown body code 'z'"),
        ((_body("a", "Alpha Police"),), (_list("l", 1, "a", "a"),), "listed twice"),
        (
            (_body("a", "Alpha Police"),),
            (_list("l", 1, "a"), _list("l", 1, "a")),
            "defined twice",
        ),
    ],
)
def test_inconsistent_rosters_are_refused(
    bodies: tuple[Body, ...], lists: tuple[RecipientList, ...], message: str
) -> None:
    with pytest.raises(RosterError, match=message):
        _roster(*bodies, lists=lists)


def test_a_spelling_shared_by_many_bodies_is_refused() -> None:
    bodies = [
        _body(f"b{i}", f"X{i}", *(["X Police"] if i == 0 else []), "X Force") for i in range(2000)
    ]
    with pytest.raises(RosterError, match="already a spelling"):
        _roster(*bodies)
