"""Property: whatever JSON a device puts inside otherwise valid mutations -- lone surrogates,
NUL, huge strings, deep nesting, numbers no float can hold, in args values, args keys,
`client_time` or `name` -- a push answers 200, never 5xx; every valid mutation in the batch is
applied whatever came before it; the order stays readable; and the same batch sent again
answers the same results as duplicates. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import new_id
from tests.flows import Job

NASTY = st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udce9", "\udfff", "\ufffd",
                         "\u2028", "\U0001f600", '"', "\\", "\x7f"])
TEXT = st.lists(st.one_of(st.characters(), NASTY), max_size=16).map("".join)
# Big but, six to a batch, under the 2 MiB body limit once escaped.
HUGE = st.sampled_from(["x" * 100_000, "\ud800" * 20_000, "\u4e2d" * 30_000,
                        "a\x00" * 20_000])
STRINGS = st.one_of(TEXT, TEXT, TEXT, HUGE)


class Raw(str):
    """A JSON number written exactly as given (Python's json has no such literal)."""


RAW_NUMBERS = st.sampled_from(["1e999999", "-1e999999", "1e-999999", "-0", "0e0",
                               "123456789012345678901234567890.123456789", "9" * 4000])
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    RAW_NUMBERS.map(Raw))
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, STRINGS)
JSON = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


def nested(depth: int) -> object:
    value: object = "bottom"
    for index in range(depth):
        value = [value] if index % 2 else {"k": value}
    return value


# Up to a few hundred levels: under the parser's own limit, far over what anything stores.
VALUES = st.one_of(JSON, JSON, JSON, st.integers(20, 400).map(nested))

# Where the hostile value goes in an otherwise valid workorder.note.
HOSTILE = st.one_of(
    st.tuples(st.just("text"), VALUES),
    st.tuples(st.just("extra_arg"), TEXT, VALUES),
    st.tuples(st.just("client_time"), VALUES),
    st.tuples(st.just("name"), TEXT.filter(lambda name: 1 <= len(name) <= 64)),
    st.tuples(st.just("args"), VALUES),
)
BATCH = st.lists(st.one_of(st.just(("valid",)), HOSTILE), min_size=1, max_size=6)


def mutation(order_id: str, seq: int, slot: tuple) -> dict:
    text = f"valid note {uuid.uuid4()}"
    envelope = {"seq": seq, "id": new_id(), "name": "workorder.note",
                "args": {"work_order_id": order_id, "text": text},
                "client_time": "2026-11-23T10:00:00+08:00"}
    kind, *rest = slot
    if kind == "text":
        envelope["args"]["text"] = rest[0]
    elif kind == "extra_arg":
        envelope["args"][rest[0] or "extra"] = rest[1]
    elif kind in ("client_time", "name", "args"):
        envelope[kind] = rest[0]
    return envelope


def dumps(body: object) -> bytes:
    """JSON as a device could send it: lone surrogates as \\u escapes, Raw numbers as is."""
    marker = f"raw-{uuid.uuid4().hex}:"

    def mark(value):
        if isinstance(value, Raw):
            return marker + value
        if isinstance(value, list):
            return [mark(item) for item in value]
        if isinstance(value, dict):
            return {key: mark(item) for key, item in value.items()}
        return value

    text = json.dumps(mark(body))
    while (start := text.find('"' + marker)) != -1:
        end = text.index('"', start + 1)
        text = text[:start] + text[start + 1 + len(marker):end] + text[end + 1:]
    return text.encode()


@pytest.fixture
def started_order(api, world, tmp_path):
    order = api.create_order(world)
    Job(api, order, api.device(), tmp_path).start()
    return order


def push(api, body: dict):
    return api.client.post("/api/v1/sync/push", data=dumps(body),
                           content_type="application/json", headers=api.headers("engineer"))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.large_base_example, HealthCheck.data_too_large])
@given(batch=BATCH)
def test_hostile_json_in_a_push_rejects_only_its_mutation_and_retries_answer_the_same(
        api, world, started_order, batch):
    order_id = started_order["id"]
    mutations = [mutation(order_id, seq, slot) for seq, slot in enumerate(batch, start=1)]
    body = {"client_id": new_id(), "mutations": mutations}

    first = push(api, body)

    assert first.status_code == 200, first.get_data()[:300]
    answer = first.get_json()
    assert answer["acked_seq"] == len(mutations)
    results = answer["results"]
    valid = [m for m, slot in zip(mutations, batch, strict=True) if slot == ("valid",)]
    by_id = {r["id"]: r for r in results}
    assert all(by_id[m["id"]]["status"] == "applied" for m in valid)
    assert all(r["status"] in ("applied", "rejected") for r in results)
    document = api.order(order_id, as_="supervisor")  # still readable, timeline and all
    texts = {note["text"] for note in document["notes"]}
    assert all(m["args"]["text"] in texts for m in valid)

    again = push(api, body)

    assert again.status_code == 200, again.get_data()[:300]
    assert again.get_json()["acked_seq"] == len(mutations)
    for before, after in zip(results, again.get_json()["results"], strict=True):
        assert (after["status"], after["original_status"]) == ("duplicate", before["status"])
        assert after.get("error") == before.get("error")
        assert after.get("version") == before.get("version")
