"""Seeded generators for the live protocol's robustness tests, shared with the reliability
runner that drives real servers (through nginx): conflicting edits for the convergence tests
and hostile frames for the input tests. Pure functions of a `random.Random`: the same seed
gives the same frames, so a failure is reproduced by its seed.

`random_ops(rng, state, map_id)` → one batch for a client whose copy of the map is `state`.
It aims at a few *hot* items (the first cards, stages and lanes by id), so several clients fed
from the same document collide: the same field of the same item, a delete against an update of
it, moves of one card to different places, deletes of stages and lanes that cascade to the
cards, touchpoints and friction points others are editing, and creates that name a parent
someone may just have deleted. Many batches are rejected (`not_found`, `invalid`, `conflict`);
what matters is that every client ends with the server's document.

`hostile_frames(rng, count, map_id=…, known_ids=…)` → `count` (frame, kind) pairs. `EXPECTED`
says, per kind, what the server answers an *editor's* socket with (docs/protocol.md): the first
frame it sends back that is not `presence` or `patch`, as `type` or `type:code`. Readers get
`reject:forbidden` for every `ops` frame. `CLOSING` kinds end the socket with their code
(send each on a socket of its own). Frames over a socket's rate (`WS_*_RATE`) are answered
`error:rate_limited` once per `retry_after` and otherwise dropped unanswered, so a runner that
expects one answer per frame raises those rates on its server.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from typing import Any

from fractional_indexing import generate_key_between

Frame = str | bytes
Op = dict[str, Any]

# --- conflicting edits ------------------------------------------------------------------------

HOT = 2  # how many items of each kind the clients fight over
TEXT_LANES = ("actions", "thoughts", "opportunities", "backstage", "text")


def _hot(rng: random.Random, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Mostly one of the first items by id (every client sees the same ones), sometimes any."""
    ordered = sorted(items, key=lambda item: str(item["id"]))
    pool = ordered[:HOT] if rng.random() < 0.75 else ordered
    return rng.choice(pool)


def _place(
    rng: random.Random, siblings: list[dict[str, Any]], moving: str | None = None
) -> str | None:
    """A fractional key between two random neighbours (None: let the server append)."""
    keys = sorted({str(item["order_key"]) for item in siblings if item["id"] != moving})
    cut = rng.randint(0, len(keys))
    low = keys[cut - 1] if cut > 0 else None
    high = keys[cut] if cut < len(keys) else None
    try:
        return generate_key_between(low, high)
    except Exception:  # two equal keys side by side: append instead
        return None


def _create(entity: str, fields: dict[str, Any]) -> Op:
    return {"action": "create", "entity": entity, "id": str(uuid.uuid4()), "fields": fields}


def _lanes(state: dict[str, Any], kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    return [lane for lane in state.get("lanes", []) if lane.get("kind") in kinds]


def random_ops(rng: random.Random, state: dict[str, Any], map_id: str) -> list[Op]:
    """One batch of edits that conflicts with what other clients send from the same state."""
    stages = state.get("stages", [])
    text_lanes = _lanes(state, TEXT_LANES)
    touch_lanes = _lanes(state, ("touchpoints",))
    friction_lanes = _lanes(state, ("friction",))
    cards = state.get("cards", [])
    touchpoints = state.get("touchpoints", [])
    frictions = state.get("frictions", [])
    roll = rng.random()
    fields: dict[str, Any]

    # Build the board first: without stages and lanes of each kind there is nothing to fight on.
    if not stages or (roll < 0.05 and len(stages) < 6):
        return [_create("stage", {"name": f"Stage {rng.randint(1, 999)}"})]
    for kind, present in (("actions", text_lanes), ("touchpoints", touch_lanes)):
        if not present or (roll < 0.08 and len(state.get("lanes", [])) < 6):
            return [_create("lane", {"name": f"{kind} {rng.randint(1, 99)}", "kind": kind})]
    if not friction_lanes:
        return [_create("lane", {"name": "Friction", "kind": "friction"})]

    if roll < 0.22 or not cards:
        stage, lane = _hot(rng, stages), _hot(rng, text_lanes)
        card = _create(
            "card",
            {"stage": stage["id"], "lane": lane["id"], "title": f"Card {rng.randint(1, 999)}"},
        )
        batch = [card]
        if rng.random() < 0.3:  # a batch that refers to what it creates
            fields = {"description": f"made in one batch {rng.randint(1, 99)}"}
            batch.append({"action": "update", "entity": "card", "id": card["id"], "fields": fields})
        return batch
    if roll < 0.30 or not touchpoints:
        stage, lane = _hot(rng, stages), _hot(rng, touch_lanes)
        fields = {"stage": stage["id"], "lane": lane["id"]}
        fields["title"] = f"Touch {rng.randint(1, 99)}"
        fields["emotion"] = rng.randint(-3, 3)
        return [_create("touchpoint", fields)]
    if roll < 0.36 or not frictions:
        touchpoint = _hot(rng, touchpoints)
        fields = {
            "stage": touchpoint["stage"],  # a parent someone may be deleting right now
            "lane": _hot(rng, friction_lanes)["id"],
            "touchpoint": touchpoint["id"],
            "title": f"Friction {rng.randint(1, 99)}",
            "severity": rng.randint(1, 5),
        }
        return [_create("friction", fields)]
    if roll < 0.52:  # the same field of the same card, from everyone
        card = _hot(rng, cards)
        fields = {"title": f"Renamed {rng.randint(1, 999)}"}
        if rng.random() < 0.5:
            fields["color"] = rng.choice(["#aa3300", "#0055cc", ""])
        return [{"action": "update", "entity": "card", "id": card["id"], "fields": fields}]
    if roll < 0.62:  # one card moved to different places by different people
        card = _hot(rng, cards)
        stage = _hot(rng, stages)
        fields = {"stage": stage["id"]}
        if rng.random() < 0.3:
            fields["lane"] = _hot(rng, text_lanes)["id"]
        siblings = [c for c in cards if c["stage"] == stage["id"] and c["lane"] == card["lane"]]
        key = _place(rng, siblings, moving=card["id"])
        if key is not None:
            fields["order_key"] = key
        return [{"action": "move", "entity": "card", "id": card["id"], "fields": fields}]
    if roll < 0.69:  # a touchpoint's emotion and a friction's severity: integer fields
        if rng.random() < 0.5:
            touchpoint = _hot(rng, touchpoints)
            fields = {"emotion": rng.randint(-3, 3)}
            fields["title"] = f"Touch {rng.randint(1, 99)}"
            return [
                {
                    "action": "update",
                    "entity": "touchpoint",
                    "id": touchpoint["id"],
                    "fields": fields,
                }
            ]
        friction = _hot(rng, frictions)
        fields = {"severity": rng.randint(1, 5)}
        fields["status"] = rng.choice(["open", "resolved"])
        return [{"action": "update", "entity": "friction", "id": friction["id"], "fields": fields}]
    if roll < 0.77:  # delete against everyone else's update of the same item
        entity, items = rng.choice(
            [("card", cards), ("card", cards), ("touchpoint", touchpoints), ("friction", frictions)]
        )
        return [{"action": "delete", "entity": entity, "id": _hot(rng, items)["id"]}]
    if roll < 0.82 and len(stages) > 1:  # cascades to the cards, touchpoints, frictions in it
        return [{"action": "delete", "entity": "stage", "id": _hot(rng, stages)["id"]}]
    if roll < 0.86:  # a lane going, with its items, while they are edited
        lanes = rng.choice([text_lanes, touch_lanes, friction_lanes])
        if len(lanes) > 1 or rng.random() < 0.3:
            return [{"action": "delete", "entity": "lane", "id": _hot(rng, lanes)["id"]}]
    if roll < 0.90:  # delete a parent and create in it in one batch: refused as a whole
        stage = _hot(rng, stages)
        card = _create(
            "card", {"stage": stage["id"], "lane": _hot(rng, text_lanes)["id"], "title": "Orphan"}
        )
        return [{"action": "delete", "entity": "stage", "id": stage["id"]}, card]
    if roll < 0.95:
        stage = _hot(rng, stages)
        fields = {"name": f"Stage {rng.randint(1, 999)}"}
        return [{"action": "update", "entity": "stage", "id": stage["id"], "fields": fields}]
    fields = {"title": f"Map {rng.randint(1, 999)}"}
    return [{"action": "update", "entity": "map", "id": map_id, "fields": fields}]


# --- hostile frames ---------------------------------------------------------------------------

# kind → the answers an editor's socket may get (see the module docstring).
EXPECTED: dict[str, frozenset[str]] = {
    "bad_json": frozenset({"error:bad_json"}),
    "not_object": frozenset({"error:bad_frame"}),
    "unknown_type": frozenset({"error:bad_frame"}),
    "binary": frozenset({"error:bad_frame"}),
    "oversized": frozenset({"error:too_large"}),
    "deeply_nested": frozenset({"error:bad_json", "reject:invalid"}),
    "huge_number": frozenset({"error:bad_json", "error:bad_frame", "reject:invalid"}),
    "nan_infinity": frozenset({"error:bad_frame", "reject:invalid"}),
    "bad_unicode": frozenset({"error:bad_frame"}),
    "odd_unicode": frozenset({"ack"}),  # valid, if unusual, text: accepted
    "wrong_op_id": frozenset({"reject:invalid"}),
    "ops_not_list": frozenset({"reject:invalid"}),
    "wrong_op": frozenset({"reject:invalid", "reject:not_found"}),
    "bad_last_seq": frozenset({"error:bad_frame"}),
    "bad_protocol": frozenset({"error:bad_frame"}),
    "bad_presence": frozenset({"error:bad_frame"}),
    "ops_before_hello": frozenset({"ack"}),
    "hello_again": frozenset({"snapshot", "catchup"}),
    "seq_beyond_head": frozenset({"snapshot"}),
    "other_map_ids": frozenset({"reject:not_found", "reject:invalid"}),
    "duplicate_op_id": frozenset({"ack", "reject:conflict"}),
    "ping_with_junk": frozenset({"pong"}),
    "old_protocol": frozenset({"error:reload_required"}),
}
# Kinds whose answer is followed by the close, with this code.
CLOSING: dict[str, int] = {"old_protocol": 4426}
RATE_LIMITED = "error:rate_limited"  # a possible answer to any hello, ops or presence frame

JUNK = ["\u202e", "\u200b", "\ufeff", "\U0001f600", "e\u0301", "\u4e2d", "\U0010fffd", "\t"]


def _frame_limit() -> int:
    try:
        from django.conf import settings

        if settings.configured:
            return int(settings.WS_MAX_FRAME_BYTES)
    except Exception:  # noqa: S110 — outside Django: the environment or the documented default
        pass
    return int(os.environ.get("WS_MAX_FRAME_BYTES", "262144"))


def _dumps(message: Any) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def _ops(ops: Any, op_id: Any = None, **extra: Any) -> str:
    return _dumps(
        {"type": "ops", "op_id": str(uuid.uuid4()) if op_id is None else op_id, "ops": ops, **extra}
    )


def _title_op(map_id: str, title: str) -> Op:
    return {"action": "update", "entity": "map", "id": map_id, "fields": {"title": title}}


def _hello(last_seq: Any = None, protocol: Any = 2, **extra: Any) -> str:
    return _dumps({"type": "hello", "last_seq": last_seq, "protocol": protocol, **extra})


def _bad_json(rng: random.Random, map_id: str) -> list[str]:
    whole = _ops([_title_op(map_id, "x")])
    return [
        rng.choice(["", " ", "{", "}", "[", "nul", "tru", "{'type': 'ping'}", '{"type":"ping",}']),
        whole[: rng.randint(1, len(whole) - 1)],  # cut short
        whole + rng.choice(["}", "]", "x", '{"type":"ping"}']),  # trailing garbage
        '{"type":"ping"' + "\x00",
        '{"type":"ping"}\x00',
        '{"type":"ping","a":' + rng.choice(["01", "1.", ".5", "+1", "0x10", "'a'"]) + "}",
    ]


def _not_object(rng: random.Random) -> list[str]:
    return [_dumps(v) for v in ([], [{"type": "ping"}], "ping", 0, -1.5, None, True, False)] + [
        _dumps([rng.random()] * rng.randint(1, 50))
    ]


def _unknown_type(rng: random.Random) -> list[str]:
    kinds: list[Any] = ["subscribe", "PING", "Hello", "ops ", "", 5, None, ["ops"], {"t": 1}, True]
    frames = [_dumps({"type": kind}) for kind in kinds]
    return frames + [_dumps({}), _dumps({"kind": "ping"}), _dumps({"type": "ack", "seq": 1})]


def _binary(rng: random.Random) -> list[bytes]:
    return [
        rng.randbytes(rng.randint(0, 64)),
        b'{"type":"ping"}',
        _hello().encode(),
        b"\xff\xfe\xfd",
        b"",
    ]


def _oversized(rng: random.Random, map_id: str, limit: int) -> list[Frame]:
    pad = "x" * (limit + rng.randint(1, 1024))
    return [
        _dumps({"type": "ping", "pad": pad}),
        _ops([_title_op(map_id, pad)]),
        _hello(pad=pad),
        # Within the character count but over in UTF-8 bytes (3 bytes each).
        _dumps({"type": "ping", "pad": "\u4e2d" * (limit // 3 + 10)}),
        bytes(limit + 1),
    ]


def _deeply_nested(rng: random.Random, limit: int) -> list[str]:
    # Past the JSON parser's recursion limit, yet within the frame limit.
    depth = rng.randint(2_000, max(2_001, (limit - 200) // 6))
    shallow = rng.randint(50, 500)
    return [
        "[" * depth + "]" * depth,
        '{"a":' * depth + "1" + "}" * depth,
        '{"type":"ops","op_id":"'
        + str(uuid.uuid4())
        + '","ops":'
        + "[" * depth
        + "]" * depth
        + "}",
        _ops(json.loads("[" * shallow + "]" * shallow)),
        _ops(
            [
                {
                    "action": "update",
                    "entity": "map",
                    "fields": json.loads("[" * shallow + "]" * shallow),
                }
            ]
        ),
    ]


def _huge_number(rng: random.Random, map_id: str) -> list[str]:
    digits = "9" * rng.randint(5_000, 20_000)
    votes = {"votes_per_user": 10 ** rng.randint(20, 4000)}
    return [
        '{"type":"hello","protocol":2,"last_seq":' + digits + "}",  # past Python's digit limit
        '{"type":"hello","last_seq":1e400,"protocol":2}',  # a float (inf): not an integer
        _hello(last_seq=2.5),
        _ops([{"action": "update", "entity": "map", "id": map_id, "fields": votes}]),
        _ops([_field_op(map_id, "votes_per_user", -(2**63) - rng.randint(1, 9))]),
    ]


def _field_op(map_id: str, name: str, value: Any) -> Op:
    return {"action": "update", "entity": "map", "id": map_id, "fields": {name: value}}


def _nan_infinity(map_id: str) -> list[str]:
    # json.dumps writes NaN and Infinity (not JSON, but Python's parser takes them).
    return [
        _hello(last_seq=float("nan")),
        _hello(protocol=float("inf")),
        _hello(last_seq=float("-inf")),
        _ops([_field_op(map_id, "votes_per_user", float("nan"))]),
        _ops([_field_op(map_id, "title", float("inf"))]),
    ]


def _bad_unicode(map_id: str) -> list[str]:
    # Lone surrogates (no UTF-8 text can hold them, so no database and no reply echoing them)
    # and NUL characters (PostgreSQL text cannot), written as JSON escapes: valid on the wire.
    def escaped(message: Any) -> str:
        return json.dumps(message, ensure_ascii=True)

    return [
        escaped(
            {"type": "ops", "op_id": str(uuid.uuid4()), "ops": [_title_op(map_id, "a\ud800b")]}
        ),
        escaped({"type": "ops", "op_id": str(uuid.uuid4()), "ops": [_title_op(map_id, "\udfff")]}),
        escaped({"type": "ops", "op_id": str(uuid.uuid4()), "ops": [_title_op(map_id, "nul\x00")]}),
        escaped({"type": "ops", "op_id": "\ud83d" + str(uuid.uuid4()), "ops": []}),
        escaped({"type": "hello", "last_seq": None, "protocol": 2, "\udc00": 1}),
        escaped({"type": "\ud800ping"}),
    ]


def _odd_unicode(rng: random.Random, map_id: str) -> list[str]:
    title = "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 40))) + "map"
    return [
        _ops([_title_op(map_id, title)]),
        # The same, as the Python client sends it: non-ASCII escaped, pairs included.
        json.dumps(
            {"type": "ops", "op_id": str(uuid.uuid4()), "ops": [_title_op(map_id, title + "!")]},
            ensure_ascii=True,
        ),
    ]


def _wrong_op_id(rng: random.Random, map_id: str) -> list[str]:
    ids: list[Any] = [
        rng.randint(-10, 10**12),
        None,
        "",
        "not-a-uuid",
        [str(uuid.uuid4())],
        {"id": 1},
        True,
        1.5,
        str(uuid.uuid4())[:-1],
        "x" * 1000,
    ]
    return [
        _ops([_title_op(map_id, "x")], op_id=value)
        if value is not None
        else _dumps({"type": "ops", "op_id": None, "ops": [_title_op(map_id, "x")]})
        for value in ids
    ]


def _ops_not_list(map_id: str) -> list[str]:
    bodies: list[Any] = ["ops", {}, {"0": _title_op(map_id, "x")}, 5, None, True, []]
    frames = [_ops(body) for body in bodies]
    frames.append(_dumps({"type": "ops", "op_id": str(uuid.uuid4())}))  # no ops at all
    frames.append(_ops([_title_op(map_id, "x")] * 501))  # over OPS_MAX_PER_BATCH
    return frames


def _wrong_op(rng: random.Random, map_id: str) -> list[str]:
    card = str(uuid.uuid4())
    wrong: list[Any] = [
        "update",
        5,
        None,
        [],
        {},
        {"action": "update", "entity": "map", "id": map_id, "fields": "title=x"},
        {"action": "update", "entity": "map", "id": map_id, "fields": ["title", "x"]},
        {"action": "update", "entity": "map", "id": map_id, "fields": None},
        {"action": "update", "entity": "map", "id": map_id, "fields": {"title": 5}},
        {"action": "update", "entity": "map", "id": map_id, "fields": {"title": ""}},
        {"action": "update", "entity": "map", "id": map_id, "fields": {"no_such_field": 1}},
        {"action": "update", "entity": "map", "id": map_id, "fields": {"seq": 10**6}},
        {"action": "explode", "entity": "map", "id": map_id, "fields": {}},
        {"action": "update", "entity": "spaceship", "id": map_id, "fields": {}},
        {"action": ["update"], "entity": {"x": 1}, "id": map_id},
        {"action": "update", "entity": "card", "id": "not-a-uuid", "fields": {"title": "x"}},
        {"action": "update", "entity": "card", "id": 12345, "fields": {"title": "x"}},
        {"action": "update", "entity": "card", "id": card, "fields": {"title": "x"}},
        {"action": "delete", "entity": "stage", "id": card},
        {"action": "move", "entity": "card", "id": card, "fields": {"order_key": "a0"}},
        {"action": "create", "entity": "card", "id": "x", "fields": {"title": "x"}},
        {
            "action": "create",
            "entity": "card",
            "fields": {"title": "x", "stage": card, "lane": card},
        },
        {"action": "create", "entity": "card", "fields": {"title": "x", "stage": 7, "lane": [1]}},
        {"action": "create", "entity": "map", "id": str(uuid.uuid4()), "fields": {"title": "x"}},
        {"action": "delete", "entity": "map", "id": map_id},
        {"action": "update", "entity": "map", "id": map_id, "fields": {"personas": "not a list"}},
        {
            "action": "update",
            "entity": "map",
            "id": map_id,
            "fields": {"personas": [str(uuid.uuid4())]},
        },
        {"action": "update", "entity": "map", "id": map_id, "fields": {"title": "x" * 201}},
    ]
    return [_ops([op]) for op in wrong] + [_ops([_title_op(map_id, "ok"), rng.choice(wrong)])]


def _bad_last_seq(rng: random.Random) -> list[str]:
    values: list[Any] = [-1, -(10**20), "3", "", [1], {"seq": 1}, True, False, 0.0]
    return [_hello(last_seq=value) for value in values] + [_hello(last_seq=rng.randint(-99, -1))]


def _bad_protocol() -> list[str]:
    values: list[Any] = ["2", 2.0, [2], {"v": 2}, True, "", "two"]
    return [_hello(protocol=value) for value in values]


def _bad_presence(rng: random.Random, known_ids: list[str]) -> list[str]:
    some_id = rng.choice(known_ids) if known_ids else str(uuid.uuid4())
    focuses: list[Any] = [
        "card",
        5,
        [],
        True,
        {},
        {"entity": "spaceship", "id": some_id},
        {"entity": "card", "id": "not-a-uuid"},
        {"entity": "card", "id": None},
        {"entity": "card", "id": some_id, "field": "f" * 65},
        {"entity": "card", "id": some_id, "field": 12},
        {"entity": "card", "id": some_id, "extra": "x"},
        {"entity": ["card"], "id": some_id},
    ]
    frames = [_dumps({"type": "presence", "focus": focus}) for focus in focuses]
    return frames + [_dumps({"type": "presence"})]


def _other_map_ids(rng: random.Random, map_id: str, known_ids: list[str]) -> list[str]:
    frames: list[str] = []
    for _ in range(3):
        other = rng.choice(known_ids) if known_ids else str(uuid.uuid4())
        entity = rng.choice(["card", "stage", "lane", "touchpoint", "friction"])
        frames += [
            _ops([{"action": "update", "entity": entity, "id": other, "fields": {"title": "x"}}]),
            _ops([{"action": "delete", "entity": entity, "id": other}]),
            _ops([{"action": "update", "entity": "map", "id": other, "fields": {"title": "x"}}]),
            _ops(
                [
                    {
                        "action": "create",
                        "entity": "card",
                        "fields": {"stage": other, "lane": other, "title": "x"},
                    }
                ]
            ),
        ]
    return frames


def _duplicate_op_id(rng: random.Random, map_id: str) -> list[str]:
    op_id = str(uuid.uuid4())
    first = _ops([_title_op(map_id, f"first {rng.randint(1, 99)}")], op_id=op_id)
    other = _ops([_title_op(map_id, "another body"), _title_op(map_id, "y")], op_id=op_id)
    return [first, other, first]


def _families(
    rng: random.Random, map_id: str, known_ids: list[str], limit: int
) -> list[tuple[str, Any]]:
    return [
        ("bad_json", lambda: _bad_json(rng, map_id)),
        ("not_object", lambda: _not_object(rng)),
        ("unknown_type", lambda: _unknown_type(rng)),
        ("binary", lambda: _binary(rng)),
        ("oversized", lambda: _oversized(rng, map_id, limit)),
        ("deeply_nested", lambda: _deeply_nested(rng, limit)),
        ("huge_number", lambda: _huge_number(rng, map_id)),
        ("nan_infinity", lambda: _nan_infinity(map_id)),
        ("bad_unicode", lambda: _bad_unicode(map_id)),
        ("odd_unicode", lambda: _odd_unicode(rng, map_id)),
        ("wrong_op_id", lambda: _wrong_op_id(rng, map_id)),
        ("ops_not_list", lambda: _ops_not_list(map_id)),
        ("wrong_op", lambda: _wrong_op(rng, map_id)),
        ("bad_last_seq", lambda: _bad_last_seq(rng)),
        ("bad_protocol", lambda: _bad_protocol()),
        ("bad_presence", lambda: _bad_presence(rng, known_ids)),
        ("hello_again", lambda: [_hello(), _hello(last_seq=0)]),
        ("seq_beyond_head", lambda: [_hello(last_seq=rng.randint(10**6, 10**30))]),
        ("other_map_ids", lambda: _other_map_ids(rng, map_id, known_ids)),
        ("duplicate_op_id", lambda: _duplicate_op_id(rng, map_id)),
        ("ping_with_junk", lambda: [_dumps({"type": "ping", "junk": [rng.random(), {"a": None}]})]),
        (
            "old_protocol",
            lambda: [
                rng.choice(
                    [
                        _hello(protocol=1),
                        _hello(protocol=None),
                        _dumps({"type": "hello"}),
                        _hello(protocol=-5),
                    ]
                )
            ],
        ),
    ]


SEQUENCES = frozenset({"duplicate_op_id", "hello_again"})
# Frames that cost the server a database write or a snapshot (an accepted batch, a hello after
# one) and the costly ones to parse are drawn less often, so 1,000 frames stay quick; each
# still comes up dozens of times.
WEIGHTS = {
    "oversized": 0.25,
    "deeply_nested": 0.25,
    "old_protocol": 0.3,
    "hello_again": 0.3,
    "seq_beyond_head": 0.3,
    "duplicate_op_id": 0.3,
    "odd_unicode": 0.3,
}


def hostile_frames(
    rng: random.Random,
    count: int,
    *,
    map_id: str,
    known_ids: list[str],
    max_frame_bytes: int | None = None,
) -> list[tuple[Frame, str]]:
    """`count` hostile frames with their kind (see EXPECTED). The first is an `ops` frame
    before any `hello`; every kind appears at least once when `count` allows.

    `known_ids` are ids of *another* map (or of nothing): ops aimed at them must change nothing
    here. `max_frame_bytes` defaults to the server's WS_MAX_FRAME_BYTES (Django settings when
    configured, else the environment, else the documented 256 KiB)."""
    limit = max_frame_bytes or _frame_limit()
    families = _families(rng, map_id, known_ids, limit)
    result: list[tuple[Frame, str]] = [
        (_ops([_title_op(map_id, "before hello")]), "ops_before_hello")
    ]
    for kind, make in families:  # one of each first
        result += [(frame, kind) for frame in make()]
    weights = [WEIGHTS.get(kind, 1.0) for kind, _make in families]
    while len(result) < count:
        kind, make = rng.choices(families, weights=weights)[0]
        made = make()
        # One frame of the family at a time, but a sequence (a repeated op_id) stays whole.
        result += [(frame, kind) for frame in (made if kind in SEQUENCES else [rng.choice(made)])]
    return result[:count]
