"""sync/storable.py: what no database or UTF-8 encoder can keep is found (with its path) and
given a storable form; everything else passes unchanged."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sync.storable import (
    MAX_DEPTH,
    TOO_DEEP,
    Unstorable,
    find_problem,
    require_storable,
    storable,
    text_problem,
)


def deep(levels: int, leaf: object = "x") -> object:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(("text", "reason"), [
    ("caf\udce9", "lone_surrogate"), ("\ud800", "lone_surrogate"), ("\udfff", "lone_surrogate"),
    ("a\u0000b", "nul"), ("fine", None), ("😀 emoji and 中文", None), ("", None),
])
def test_text_problem_names_what_cannot_be_stored(text, reason):
    assert text_problem(text) == reason


@pytest.mark.parametrize(("value", "path", "reason"), [
    ({"a": {"b": ["ok", "x\ud800"]}}, ("a", "b", 1), "lone_surrogate"),
    ({"a\u0000": 1}, ("a\ufffd",), "nul"),
    ([{"k": "v"}, {"ok": "caf\udce9"}], (1, "ok"), "lone_surrogate"),
    ({"deep": deep(MAX_DEPTH)}, ("deep",) + (0,) * (MAX_DEPTH - 1), "too_deep"),
])
def test_find_problem_gives_a_storable_path_to_the_first_problem(value, path, reason):
    problem = find_problem(value)

    assert (problem.path, problem.reason) == (path, reason)
    json.dumps(problem.as_dict(), ensure_ascii=False).encode("utf-8")  # itself storable


@pytest.mark.parametrize("value", [
    {"a": [1, Decimal("2.5"), None, True, "text"]}, deep(MAX_DEPTH - 1), "plain", 7, None,
])
def test_storable_values_have_no_problem_and_come_back_equal(value):
    assert find_problem(value) is None
    assert storable(value) == value


def test_opaque_paths_are_left_to_their_owner():
    body = {"client_id": "c", "mutations": [{"args": {"text": "\ud800"}, "name": "n\u0000"}]}

    assert find_problem(body, opaque=[("mutations", "*", "args"),
                                      ("mutations", "*", "name")]) is None
    assert find_problem(body, opaque=[("mutations", "*", "args")]).path == (
        "mutations", 0, "name")


def test_require_storable_raises_a_validation_error_with_a_stable_code():
    with pytest.raises(Unstorable) as raised:
        require_storable({"text": "caf\udce9"})

    assert raised.value.code == "unstorable_payload"
    assert raised.value.details == {"path": "text", "reason": "lone_surrogate"}
    assert raised.value.fields() == {"text": [raised.value.message.split(": ", 1)[1]]}


def test_storable_replaces_bad_characters_and_keeps_colliding_keys_apart():
    cleaned = storable(dict([("a\ud800", 1), ("a\udc00", 2), ("t", "x\u0000y")]))

    assert cleaned == {"a\ufffd": 1, "a\ufffd\ufffd": 2, "t": "x\ufffdy"}
    json.dumps(cleaned, ensure_ascii=False).encode("utf-8")


def test_storable_cuts_nesting_at_the_limit_with_a_marker():
    cleaned = storable({"deep": deep(900)})

    assert find_problem(cleaned) is None
    node = cleaned["deep"]
    for _ in range(MAX_DEPTH - 1):
        node = node[0]
    assert node == TOO_DEEP


def test_storable_keeps_a_number_too_large_for_a_float_exactly_as_a_string():
    assert storable({"n": Decimal("1e999999"), "m": Decimal("12.50")}) == {
        "n": "1E+999999", "m": Decimal("12.50")}
