"""What one op batch costs the database, and the checks folded into the reads it makes anyway.

`apply_ops` reads the map under its row lock together with the actor's role and whether the
op_id is already logged, and a plain update, move or delete is the one statement that writes
the row (its row count says whether the item exists). The counts below are statements sent,
without the savepoint the test transaction wraps the batch in; a change that adds one per
batch fails here. Run on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from journeymap.core.errors import OpRejected
from journeymap.maps.models import Card, JourneyMap, MapOp
from journeymap.maps.services.ops import apply_ops
from journeymap.workspaces.models import Membership, Role

from ..conftest import World, needs_postgres


def batch(world: World, ops: list[dict[str, Any]], actor: Any = None, side: Any = None) -> Any:
    """A batch on Acme's map by its editor, unless `side` and `actor` say otherwise."""
    return apply_ops(
        map_id=(side or world.acme).map.id,
        actor=actor or world.editor,
        op_id=uuid.uuid4(),
        ops=ops,
    )


def new_card(world: World, title: str = "card", side: Any = None, actor: Any = None) -> str:
    side = side or world.acme
    card = str(uuid.uuid4())
    where = {"stage": side.stage, "lane": side.lanes["actions"]}
    batch(
        world,
        [{"action": "create", "entity": "card", "id": card, "fields": {**where, "title": title}}],
        actor=actor,
        side=side,
    )
    return card


def statements(world: World, ops: list[dict[str, Any]]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        batch(world, ops)
    sent = [query["sql"] for query in captured.captured_queries]
    return [sql for sql in sent if not sql.upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


# The map read (lock, role, op_id), the seq bump (with the role again, under the lock), the
# op-log insert: what every batch costs. Then what each op adds.
EVERY_BATCH = 3


def test_a_one_op_update_is_one_statement_beside_the_batch(world: World) -> None:
    card = new_card(world)
    sent = statements(
        world, [{"action": "update", "entity": "card", "id": card, "fields": {"title": "new"}}]
    )
    assert len(sent) == EVERY_BATCH + 1, sent
    assert Card.objects.get(pk=card).title == "new"


def test_a_one_op_create_reads_its_references_in_one_query(world: World) -> None:
    where = {"stage": world.acme.stage, "lane": world.acme.lanes["actions"]}
    card = str(uuid.uuid4())
    # What the board sends: containers and an order key.
    fields = {**where, "title": "placed", "order_key": "a0"}
    sent = statements(world, [{"action": "create", "entity": "card", "id": card, "fields": fields}])
    # The id, the stage and the lane checked in one query, then the insert.
    assert len(sent) == EVERY_BATCH + 2, sent
    # Without an order key the server reads the last key of the list to append after it.
    appended = str(uuid.uuid4())
    fields = {**where, "title": "appended"}
    sent = statements(
        world, [{"action": "create", "entity": "card", "id": appended, "fields": fields}]
    )
    assert len(sent) == EVERY_BATCH + 3, sent
    assert Card.objects.get(pk=appended).order_key > Card.objects.get(pk=card).order_key


def test_a_one_op_delete_reads_what_it_takes_along_in_one_query(world: World) -> None:
    card = new_card(world)
    sent = statements(world, [{"action": "delete", "entity": "card", "id": card}])
    # The comments and votes on the card (one query for both), then the delete.
    assert len(sent) == EVERY_BATCH + 2, sent
    assert not Card.objects.filter(pk=card).exists()


def test_a_one_op_move_is_one_read_and_one_update(world: World) -> None:
    card = new_card(world)
    where = {"stage": world.acme.stage, "lane": world.acme.lanes["actions"]}
    sent = statements(
        world,
        [{"action": "move", "entity": "card", "id": card, "fields": {**where, "order_key": "a5"}}],
    )
    assert len(sent) == EVERY_BATCH + 2, sent
    assert Card.objects.get(pk=card).order_key == "a5"


def test_a_resend_costs_one_more_read_and_writes_nothing(world: World) -> None:
    card = new_card(world)
    op_id = uuid.uuid4()
    ops = [{"action": "update", "entity": "card", "id": card, "fields": {"title": "once"}}]
    first = apply_ops(map_id=world.acme.map.id, actor=world.editor, op_id=op_id, ops=ops)
    with CaptureQueriesContext(connection) as captured:
        again = apply_ops(map_id=world.acme.map.id, actor=world.editor, op_id=op_id, ops=ops)
    sent = [q["sql"].upper() for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert again.duplicate and (again.seq, again.ops) == (first.seq, first.ops)
    assert len(sent) == 2 and all(sql.startswith("SELECT") for sql in sent), sent


def test_an_editor_demoted_before_the_batch_is_refused_and_changes_nothing(world: World) -> None:
    card = new_card(world, "kept")
    seq = JourneyMap.objects.get(pk=world.acme.map.id).seq
    Membership.objects.filter(workspace=world.acme.workspace, user=world.editor).update(
        role=Role.VIEWER
    )
    with pytest.raises(OpRejected) as rejected:
        batch(world, [{"action": "update", "entity": "card", "id": card, "fields": {"title": "x"}}])
    assert rejected.value.code == "forbidden"
    assert Card.objects.get(pk=card).title == "kept"
    assert JourneyMap.objects.get(pk=world.acme.map.id).seq == seq


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("update", {"title": ""}),  # invalid too: not_found still wins, as it always has
        ("update", {"title": "fine"}),
        ("move", {"order_key": "a1"}),
        ("move", {"title": "not a container"}),
        ("delete", {}),
    ],
)
def test_an_op_on_a_missing_item_is_not_found_whatever_else_is_wrong(
    world: World, action: str, fields: dict[str, Any]
) -> None:
    seq = JourneyMap.objects.get(pk=world.acme.map.id).seq
    missing = str(uuid.uuid4())
    with pytest.raises(OpRejected) as rejected:
        batch(world, [{"action": action, "entity": "card", "id": missing, "fields": fields}])
    assert rejected.value.code == "not_found"
    assert JourneyMap.objects.get(pk=world.acme.map.id).seq == seq


@pytest.mark.parametrize(
    ("action", "fields"), [("update", {"title": "taken"}), ("move", {"order_key": "a9"})]
)
def test_an_item_of_another_map_is_not_found_and_stays_as_it_was(
    world: World, action: str, fields: dict[str, Any]
) -> None:
    # The UPDATE is hand-written SQL (maps/services/itemsql.py): its WHERE names the map.
    foreign = new_card(world, "theirs", side=world.other, actor=world.outsider)
    before = Card.objects.values().get(pk=foreign)
    with pytest.raises(OpRejected) as rejected:
        batch(world, [{"action": action, "entity": "card", "id": foreign, "fields": fields}])
    assert rejected.value.code == "not_found"
    assert Card.objects.values().get(pk=foreign) == before


def test_a_move_to_another_stage_writes_the_stage_the_key_and_the_time(world: World) -> None:
    card = new_card(world)
    before = Card.objects.get(pk=card)
    stage = str(uuid.uuid4())
    batch(world, [{"action": "create", "entity": "stage", "id": stage, "fields": {"name": "Buy"}}])
    fields = {"stage": stage, "lane": world.acme.lanes["actions"], "order_key": "a3"}
    batch(world, [{"action": "move", "entity": "card", "id": card, "fields": fields}])
    after = Card.objects.get(pk=card)
    assert (str(after.stage_id), after.order_key) == (stage, "a3")
    assert after.updated_at > before.updated_at
    assert after.title == before.title


def test_a_missing_reference_in_a_create_is_not_found_and_names_the_field(world: World) -> None:
    fields = {"stage": str(uuid.uuid4()), "lane": world.acme.lanes["actions"], "title": "t"}
    with pytest.raises(OpRejected) as rejected:
        batch(world, [{"action": "create", "entity": "card", "fields": fields}])
    assert (rejected.value.code, rejected.value.field) == ("not_found", "stage")
    # A lane of another kind is found, then refused for its kind.
    fields = {"stage": world.acme.stage, "lane": world.acme.lanes["touchpoints"], "title": "t"}
    with pytest.raises(OpRejected) as rejected:
        batch(world, [{"action": "create", "entity": "card", "fields": fields}])
    assert (rejected.value.code, rejected.value.field) == ("invalid", "lane")
    # Another workspace's stage is not this map's.
    fields = {"stage": world.other.stage, "lane": world.acme.lanes["actions"], "title": "t"}
    with pytest.raises(OpRejected) as rejected:
        batch(world, [{"action": "create", "entity": "card", "fields": fields}])
    assert (rejected.value.code, rejected.value.field) == ("not_found", "stage")


def waiting_on_lock(count: int) -> None:
    """Wait until `count` sessions of this database wait on a lock (PostgreSQL)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError("no session waits on the map lock")


@pytest.mark.django_db(transaction=True)
def test_an_editor_demoted_while_waiting_on_the_lock_is_refused(world: World) -> None:
    """The batch's first read may wait on the map lock with a view of the memberships from
    before the demotion; the role is asked again once the lock is held."""
    needs_postgres()
    card = new_card(world, "kept")
    seq = JourneyMap.objects.get(pk=world.acme.map.id).seq
    locked, release = threading.Event(), threading.Event()
    outcome: list[Any] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                JourneyMap.objects.select_for_update().get(pk=world.acme.map.id)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    def writer() -> None:
        try:
            batch(
                world,
                [{"action": "update", "entity": "card", "id": card, "fields": {"title": "x"}}],
            )
            outcome.append("applied")
        except OpRejected as rejected:
            outcome.append(rejected.code)
        finally:
            connection.close()

    hold = threading.Thread(target=holder)
    hold.start()
    assert locked.wait(10)
    write = threading.Thread(target=writer)
    write.start()
    waiting_on_lock(1)  # the writer's read is now waiting on the lock
    Membership.objects.filter(workspace=world.acme.workspace, user=world.editor).update(
        role=Role.VIEWER
    )
    release.set()
    hold.join(10)
    write.join(10)
    assert outcome == ["forbidden"]
    assert Card.objects.get(pk=card).title == "kept"
    assert JourneyMap.objects.get(pk=world.acme.map.id).seq == seq
    assert not MapOp.objects.filter(map=world.acme.map, seq=seq + 1).exists()
