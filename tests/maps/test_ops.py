"""The one write path: every op kind on every entity, and the rules users rely on."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from journeymap.core.errors import OpRejected
from journeymap.maps.models import (
    Card,
    Comment,
    ContentAssignment,
    EmotionPoint,
    FrictionPoint,
    JourneyMap,
    Lane,
    MapOp,
    Stage,
    Touchpoint,
    Transition,
    Vote,
)
from journeymap.maps.selectors import map_document
from journeymap.maps.services.ops import apply_ops

from ..conftest import World


def run(world: World, ops: list[dict[str, Any]], actor: Any = None, op_id: Any = None) -> Any:
    return apply_ops(
        map_id=world.acme.map.id,
        actor=actor or world.editor,
        op_id=op_id or uuid.uuid4(),
        ops=ops,
    )


def create(entity: str, fields: dict[str, Any], item_id: str | None = None) -> dict[str, Any]:
    return {
        "action": "create",
        "entity": entity,
        "id": item_id or str(uuid.uuid4()),
        "fields": fields,
    }


def seed_touchpoints(world: World) -> tuple[str, str]:
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    lane = world.acme.lanes["touchpoints"]
    run(
        world,
        [
            create("touchpoint", {"stage": world.acme.stage, "lane": lane, "title": "Ad"}, a),
            create("touchpoint", {"stage": world.acme.stage, "lane": lane, "title": "Site"}, b),
        ],
    )
    return a, b


def valid_fields(world: World, entity: str) -> dict[str, Any]:
    side = world.acme
    if entity == "stage":
        return {"name": "Consider"}
    if entity == "lane":
        return {"name": "Ideas", "kind": "opportunities"}
    if entity == "card":
        return {"stage": side.stage, "lane": side.lanes["actions"], "title": "Searches online"}
    if entity == "touchpoint":
        return {
            "stage": side.stage,
            "lane": side.lanes["touchpoints"],
            "title": "Newsletter",
            "channel": str(side.channel.id),
            "persona": str(side.persona.id),
            "emotion": -2,
        }
    if entity == "friction":
        return {
            "stage": side.stage,
            "lane": side.lanes["friction"],
            "title": "Checkout asks for account",
            "severity": 5,
            "personas": [str(side.persona.id)],
        }
    if entity == "content":
        return {
            "stage": side.stage,
            "lane": side.lanes["content"],
            "title": "Size guide",
            "content_type": "guide",
            "url": "https://example.com/size",
        }
    if entity == "emotion":
        return {"stage": side.stage, "persona": str(side.persona.id), "score": -1}
    if entity == "transition":
        a, b = seed_touchpoints(world)
        return {"from_touchpoint": a, "to_touchpoint": b, "count": 120}
    if entity == "comment":
        return {"target_entity": "stage", "target_id": side.stage, "body": "Is this right?"}
    if entity == "vote":
        return {"target_entity": "stage", "target_id": side.stage}
    raise AssertionError(entity)


MODELS = {
    "stage": Stage,
    "lane": Lane,
    "card": Card,
    "touchpoint": Touchpoint,
    "friction": FrictionPoint,
    "content": ContentAssignment,
    "emotion": EmotionPoint,
    "transition": Transition,
    "comment": Comment,
    "vote": Vote,
}
UPDATES = {
    "stage": {"name": "Research", "description": "Before buying"},
    "lane": {"name": "Doing"},
    "card": {"title": "Compares prices", "color": "#ff8800"},
    "touchpoint": {"emotion": 3, "channel": None},
    "friction": {"severity": 1, "status": "resolved", "personas": []},
    "content": {"status": "live"},
    "emotion": {"score": 2, "note": "relieved"},
    "transition": {"count": 80},
    "comment": {"resolved": True},
}
MOVABLE = {"stage", "lane", "card", "touchpoint", "friction", "content"}


@pytest.mark.parametrize("entity", list(MODELS))
def test_create_then_update_then_delete_every_entity(world: World, entity: str) -> None:
    fields = valid_fields(world, entity)
    item_id = str(uuid.uuid4())
    created = run(world, [create(entity, fields, item_id)])
    row = MODELS[entity].objects.get(pk=item_id)
    assert created.ops[0]["fields"] | fields == created.ops[0]["fields"]
    document = map_document(journey_map=JourneyMap.objects.get(pk=world.acme.map.id))
    listed = {item["id"]: item for item in document[f"{entity}s"]}
    assert {k: listed[item_id][k] for k in fields} == fields

    if entity in UPDATES:
        updated = run(
            world,
            [{"action": "update", "entity": entity, "id": item_id, "fields": UPDATES[entity]}],
        )
        assert updated.ops[0]["fields"] == UPDATES[entity]
        document = map_document(journey_map=JourneyMap.objects.get(pk=world.acme.map.id))
        listed = {item["id"]: item for item in document[f"{entity}s"]}
        assert {k: listed[item_id][k] for k in UPDATES[entity]} == UPDATES[entity]
    else:
        with pytest.raises(OpRejected) as rejected:
            run(
                world,
                [
                    {
                        "action": "update",
                        "entity": entity,
                        "id": item_id,
                        "fields": {"target_id": str(uuid.uuid4())},
                    }
                ],
            )
        assert rejected.value.code == "invalid"

    if entity in MOVABLE:
        moved = run(
            world,
            [{"action": "move", "entity": entity, "id": item_id, "fields": {"order_key": "Zz"}}],
        )
        row.refresh_from_db()
        assert row.order_key == "Zz" and moved.ops[0]["fields"]["order_key"] == "Zz"
    else:
        with pytest.raises(OpRejected):
            run(
                world,
                [
                    {
                        "action": "move",
                        "entity": entity,
                        "id": item_id,
                        "fields": {"order_key": "a1"},
                    }
                ],
            )

    deleted = run(world, [{"action": "delete", "entity": entity, "id": item_id}])
    assert deleted.ops[0] == {"action": "delete", "entity": entity, "id": item_id, "fields": {}}
    assert not MODELS[entity].objects.filter(pk=item_id).exists()


def test_map_update_changes_title_and_personas(world: World) -> None:
    map_id = str(world.acme.map.id)
    run(
        world,
        [
            {
                "action": "update",
                "entity": "map",
                "id": map_id,
                "fields": {"title": "New", "personas": [str(world.acme.persona.id)]},
            }
        ],
    )
    journey_map = JourneyMap.objects.get(pk=map_id)
    assert journey_map.title == "New"
    assert list(journey_map.personas.values_list("pk", flat=True)) == [world.acme.persona.id]


def test_card_moves_to_another_stage_and_lane(world: World) -> None:
    other_stage, card = str(uuid.uuid4()), str(uuid.uuid4())
    run(
        world,
        [
            create("stage", {"name": "Buy"}, other_stage),
            create(
                "card",
                {"stage": world.acme.stage, "lane": world.acme.lanes["actions"], "title": "x"},
                card,
            ),
        ],
    )
    patch = run(
        world,
        [
            {
                "action": "move",
                "entity": "card",
                "id": card,
                "fields": {"stage": other_stage, "lane": world.acme.lanes["thoughts"]},
            }
        ],
    )
    row = Card.objects.get(pk=card)
    assert (str(row.stage_id), str(row.lane_id)) == (other_stage, world.acme.lanes["thoughts"])
    assert patch.ops[0]["fields"]["stage"] == other_stage
    assert patch.ops[0]["fields"]["order_key"] == row.order_key


def test_creates_without_order_key_append_in_order(world: World) -> None:
    ids = [str(uuid.uuid4()) for _ in range(5)]
    run(world, [create("stage", {"name": f"S{i}"}, item) for i, item in enumerate(ids)])
    document = map_document(journey_map=JourneyMap.objects.get(pk=world.acme.map.id))
    assert [s["id"] for s in document["stages"]][-5:] == ids


def test_deleting_a_stage_lists_everything_it_takes_with_it(world: World) -> None:
    a, b = seed_touchpoints(world)
    transition = str(uuid.uuid4())
    friction_elsewhere = str(uuid.uuid4())
    new_stage = str(uuid.uuid4())
    run(
        world,
        [
            create(
                "transition", {"from_touchpoint": a, "to_touchpoint": b, "count": 3}, transition
            ),
            create("stage", {"name": "Later"}, new_stage),
            create(
                "friction",
                {
                    "stage": new_stage,
                    "lane": world.acme.lanes["friction"],
                    "title": "Slow",
                    "touchpoint": a,
                },
                friction_elsewhere,
            ),
            create("comment", {"target_entity": "touchpoint", "target_id": a, "body": "hm"}),
        ],
    )
    applied = run(world, [{"action": "delete", "entity": "stage", "id": world.acme.stage}])
    deleted = {(op["entity"], op["id"]) for op in applied.ops if op["action"] == "delete"}
    assert {
        ("stage", world.acme.stage),
        ("touchpoint", a),
        ("touchpoint", b),
        ("transition", transition),
    } <= deleted
    assert any(op["entity"] == "comment" for op in applied.ops)
    unlinked = [op for op in applied.ops if op["action"] == "update"]
    assert unlinked == [
        {
            "action": "update",
            "entity": "friction",
            "id": friction_elsewhere,
            "fields": {"touchpoint": None},
        }
    ]
    assert FrictionPoint.objects.get(pk=friction_elsewhere).touchpoint_id is None
    assert not Comment.objects.filter(target_id=a).exists()


def test_a_batch_with_one_bad_op_changes_nothing(world: World) -> None:
    before = map_document(journey_map=JourneyMap.objects.get(pk=world.acme.map.id))
    with pytest.raises(OpRejected) as rejected:
        run(
            world,
            [
                create("stage", {"name": "Fine"}),
                create(
                    "card",
                    {
                        "stage": world.acme.stage,
                        "lane": world.acme.lanes["actions"],
                        "title": "Fine too",
                    },
                ),
                create(
                    "friction",
                    {
                        "stage": world.acme.stage,
                        "lane": world.acme.lanes["friction"],
                        "title": "x",
                        "severity": 9,
                    },
                ),
            ],
        )
    assert rejected.value.code == "invalid"
    assert rejected.value.index == 2 and rejected.value.field == "severity"
    assert "ops[2].fields.severity" in rejected.value.detail
    after = map_document(journey_map=JourneyMap.objects.get(pk=world.acme.map.id))
    assert after == before
    assert MapOp.objects.filter(map=world.acme.map).count() == 1


def test_resending_an_op_id_is_harmless_and_returns_the_first_result(world: World) -> None:
    op_id = uuid.uuid4()
    ops = [create("stage", {"name": "Once"})]
    first = run(world, ops, op_id=op_id)
    again = run(world, ops, op_id=op_id)
    assert again.duplicate and (again.seq, again.ops) == (first.seq, first.ops)
    assert Stage.objects.filter(map=world.acme.map, name="Once").count() == 1
    assert JourneyMap.objects.get(pk=world.acme.map.id).seq == first.seq


def test_op_id_of_someone_else_is_a_conflict(world: World) -> None:
    op_id = uuid.uuid4()
    run(world, [create("stage", {"name": "Mine"})], op_id=op_id)
    with pytest.raises(OpRejected) as rejected:
        run(world, [create("stage", {"name": "Theirs"})], actor=world.owner, op_id=op_id)
    assert rejected.value.code == "conflict"


def test_seq_rises_by_one_per_batch_and_logs_each(world: World) -> None:
    start = JourneyMap.objects.get(pk=world.acme.map.id).seq
    for n in range(3):
        applied = run(
            world, [create("stage", {"name": f"S{n}"}), create("stage", {"name": f"T{n}"})]
        )
        assert applied.seq == start + n + 1
    seqs = list(MapOp.objects.filter(map=world.acme.map).values_list("seq", flat=True))
    assert seqs == list(range(1, start + 4))


@pytest.mark.parametrize(
    ("op", "code", "field"),
    [
        ({"action": "create", "entity": "stage", "fields": {}}, "invalid", "name"),
        (
            {"action": "create", "entity": "stage", "fields": {"name": "x", "colour": 1}},
            "invalid",
            "colour",
        ),
        (
            {
                "action": "create",
                "entity": "card",
                "fields": {"stage": "nope", "lane": "x", "title": "t"},
            },
            "invalid",
            "stage",
        ),
        (
            {
                "action": "update",
                "entity": "card",
                "id": str(uuid.uuid4()),
                "fields": {"title": "t"},
            },
            "not_found",
            None,
        ),
        ({"action": "explode", "entity": "card", "id": str(uuid.uuid4())}, "invalid", None),
        ({"action": "create", "entity": "planet", "fields": {}}, "invalid", None),
        (
            {
                "action": "create",
                "entity": "content",
                "fields": {"title": "x", "url": "javascript:alert(1)"},
            },
            "invalid",
            "stage",
        ),
        (
            {
                "action": "update",
                "entity": "map",
                "id": str(uuid.uuid4()),
                "fields": {"title": "x"},
            },
            "not_found",
            None,
        ),
        (
            {
                "action": "create",
                "entity": "comment",
                "fields": {"target_entity": "stage", "target_id": str(uuid.uuid4()), "body": "x"},
            },
            "not_found",
            "target_id",
        ),
    ],
)
def test_bad_ops_are_rejected_with_a_code_and_the_field(
    world: World, op: dict[str, Any], code: str, field: str | None
) -> None:
    with pytest.raises(OpRejected) as rejected:
        run(world, [op])
    assert (rejected.value.code, rejected.value.field) == (code, field)


def test_references_must_stay_inside_the_map_and_workspace(world: World) -> None:
    foreign_stage = world.other.stage
    with pytest.raises(OpRejected) as rejected:
        run(
            world,
            [
                create(
                    "card",
                    {"stage": foreign_stage, "lane": world.acme.lanes["actions"], "title": "x"},
                )
            ],
        )
    assert (rejected.value.code, rejected.value.field) == ("not_found", "stage")
    with pytest.raises(OpRejected) as rejected:
        run(
            world,
            [
                create(
                    "touchpoint",
                    {**valid_fields(world, "touchpoint"), "channel": str(world.other.channel.id)},
                )
            ],
        )
    assert (rejected.value.code, rejected.value.field) == ("not_found", "channel")


def test_items_only_go_in_lanes_of_their_kind(world: World) -> None:
    with pytest.raises(OpRejected) as rejected:
        run(
            world,
            [
                create(
                    "card",
                    {"stage": world.acme.stage, "lane": world.acme.lanes["friction"], "title": "x"},
                )
            ],
        )
    assert (rejected.value.code, rejected.value.field) == ("invalid", "lane")


def test_an_op_on_a_deleted_entity_is_not_found(world: World) -> None:
    card = str(uuid.uuid4())
    run(
        world,
        [
            create(
                "card",
                {"stage": world.acme.stage, "lane": world.acme.lanes["actions"], "title": "x"},
                card,
            )
        ],
    )
    run(world, [{"action": "delete", "entity": "card", "id": card}])
    with pytest.raises(OpRejected) as rejected:
        run(world, [{"action": "update", "entity": "card", "id": card, "fields": {"title": "y"}}])
    assert rejected.value.code == "not_found"


@pytest.mark.parametrize("who", ["viewer", "outsider", None])
def test_only_owners_and_editors_write(world: World, who: str | None) -> None:
    actor = getattr(world, who) if who else None
    with pytest.raises(OpRejected) as rejected:
        apply_ops(
            map_id=world.acme.map.id,
            actor=actor,
            op_id=uuid.uuid4(),
            ops=[create("stage", {"name": "x"})],
        )
    assert rejected.value.code == ("forbidden" if who == "viewer" else "not_found")
    assert MapOp.objects.filter(map=world.acme.map).count() == 1


def test_dot_votes_are_limited_per_person(world: World) -> None:
    run(
        world,
        [
            {
                "action": "update",
                "entity": "map",
                "id": str(world.acme.map.id),
                "fields": {"votes_per_user": 2},
            }
        ],
    )
    vote = {"target_entity": "stage", "target_id": world.acme.stage}
    run(world, [create("vote", vote), create("vote", vote)])
    with pytest.raises(OpRejected) as rejected:
        run(world, [create("vote", vote)])
    assert rejected.value.code == "conflict"
    run(world, [create("vote", vote)], actor=world.owner)  # the owner has votes of their own
    assert Vote.objects.filter(map=world.acme.map).count() == 3


def test_people_cannot_take_back_other_peoples_votes_or_edit_their_comments(world: World) -> None:
    vote, comment = str(uuid.uuid4()), str(uuid.uuid4())
    run(
        world,
        [
            create("vote", {"target_entity": "map", "target_id": str(world.acme.map.id)}, vote),
            create(
                "comment",
                {"target_entity": "map", "target_id": str(world.acme.map.id), "body": "hi"},
                comment,
            ),
        ],
    )
    with pytest.raises(OpRejected) as rejected:
        run(world, [{"action": "delete", "entity": "vote", "id": vote}], actor=world.owner)
    assert rejected.value.code == "forbidden"
    with pytest.raises(OpRejected) as rejected:
        run(
            world,
            [
                {
                    "action": "update",
                    "entity": "comment",
                    "id": comment,
                    "fields": {"body": "edited"},
                }
            ],
            actor=world.owner,
        )
    assert rejected.value.code == "forbidden"
    run(
        world, [{"action": "delete", "entity": "comment", "id": comment}], actor=world.owner
    )  # moderation


def test_one_emotion_point_per_persona_and_stage(world: World) -> None:
    fields = valid_fields(world, "emotion")
    run(world, [create("emotion", fields)])
    with pytest.raises(OpRejected) as rejected:
        run(world, [create("emotion", fields)])
    assert rejected.value.code == "conflict"


def test_creating_with_an_existing_id_is_a_conflict(world: World) -> None:
    with pytest.raises(OpRejected) as rejected:
        run(world, [create("stage", {"name": "dup"}, world.acme.stage)])
    assert rejected.value.code == "conflict"


def test_empty_or_oversized_batches_are_refused(world: World, settings: Any) -> None:
    with pytest.raises(OpRejected):
        run(world, [])
    settings.OPS_MAX_PER_BATCH = 2
    with pytest.raises(OpRejected) as rejected:
        run(world, [create("stage", {"name": str(n)}) for n in range(3)])
    assert "at most 2" in rejected.value.detail


def test_appending_uses_code_point_order_of_keys(world: World) -> None:
    """Fractional keys compare by code point ("Zz" < "a0"); a locale collation on PostgreSQL
    would put "Zz" last and append in the wrong place."""
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    run(world, [create("stage", {"name": "upper", "order_key": "Zz"}, first)])
    run(world, [create("stage", {"name": "lower", "order_key": "a5"}, second)])
    appended = run(world, [create("stage", {"name": "appended"})])
    key = appended.ops[0]["fields"]["order_key"]
    assert key > "a5" > "a0" > "Zz"
    document = map_document(journey_map=JourneyMap.objects.get(pk=world.acme.map.id))
    names = [s["name"] for s in document["stages"]]
    assert names == ["upper", "Discover", "lower", "appended"]


def _touchpoints(world: World, count: int) -> list[str]:
    lane = world.acme.lanes["touchpoints"]
    ids = [str(uuid.uuid4()) for _ in range(count)]
    run(
        world,
        [
            create("touchpoint", {"stage": world.acme.stage, "lane": lane, "title": f"T{n}"}, i)
            for n, i in enumerate(ids)
        ],
    )
    return ids


def _pairs(ids: list[str], count: int) -> list[dict[str, Any]]:
    pairs = [(a, b) for a in ids for b in ids if a != b][:count]
    return [create("transition", {"from_touchpoint": a, "to_touchpoint": b}) for a, b in pairs]


@pytest.mark.parametrize("size", [3, 40])  # below and above the batch prefetch
def test_create_conflicts_hold_in_small_and_large_batches(world: World, size: int) -> None:
    """Past a few creates the existence checks are read once per batch; the rules stay:
    an id taken before or earlier in the batch, and a transition that exists before or
    earlier in the batch, are conflicts that change nothing."""
    ids = _touchpoints(world, 8)
    seed = str(uuid.uuid4())
    run(world, [create("transition", {"from_touchpoint": ids[7], "to_touchpoint": ids[0]}, seed)])
    seq = JourneyMap.objects.get(id=world.acme.map.id).seq
    batch = _pairs(ids, size)
    existing = Transition.objects.count()

    taken_id = batch[:-1] + [create("transition", batch[-1]["fields"], seed)]
    with pytest.raises(OpRejected) as rejected:
        run(world, taken_id)
    assert rejected.value.code == "conflict" and "id already exists" in str(rejected.value)

    repeated_id = batch + [create("transition", batch[0]["fields"] | {}, batch[0]["id"])]
    with pytest.raises(OpRejected) as rejected:
        run(world, repeated_id)
    assert rejected.value.code == "conflict"

    repeated_pair = batch + [create("transition", dict(batch[0]["fields"]))]
    with pytest.raises(OpRejected) as rejected:
        run(world, repeated_pair)
    assert "already exists" in str(rejected.value)
    assert Transition.objects.count() == existing
    assert JourneyMap.objects.get(id=world.acme.map.id).seq == seq

    run(world, batch)
    assert Transition.objects.count() == existing + size
    again = _pairs(ids, size)
    with pytest.raises(OpRejected) as rejected:
        run(world, again)
    assert "already exists" in str(rejected.value)


def test_a_pair_deleted_earlier_in_a_large_batch_can_be_created_again(world: World) -> None:
    ids = _touchpoints(world, 10)
    batch = _pairs(ids, 30)
    run(world, batch)
    first = batch[0]
    recreate = _pairs(ids, 60)[30:] + [
        {"action": "delete", "entity": "transition", "id": first["id"], "fields": {}},
        create("transition", dict(first["fields"])),
    ]
    run(world, recreate)
    assert (
        Transition.objects.filter(
            from_touchpoint_id=first["fields"]["from_touchpoint"],
            to_touchpoint_id=first["fields"]["to_touchpoint"],
        ).count()
        == 1
    )
    assert Transition.objects.count() == 60


def test_a_large_batch_checks_each_create_without_a_query_each(
    world: World, django_assert_max_num_queries: Any
) -> None:
    ids = _touchpoints(world, 8)
    batch = _pairs(ids, 50)
    # 50 inserts, the lock, the op log and a handful of reads; not 50 × 3.
    with django_assert_max_num_queries(70):
        run(world, batch)
    assert Transition.objects.count() == 50
