"""The database-level backups of docs/backups.md, run as written: SQLite's online backup of a
file database that is being written to, and pg_dump / pg_restore of a PostgreSQL database.
Each copy is opened by a separate Django process and must serve the same map documents.
Also the backup/restore commands as an operator runs them: their output and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from journeymap.realtime.testing import (
    ROOT,
    create_database,
    drop_database,
    environment,
    migrate,
    postgres_available,
)

from ..realtime.rt_helpers import require_or_skip
from .state import differences, normalised

DOCUMENTS = """
import json, django
django.setup()
from journeymap.backup.plan import backup_plan
from journeymap.maps.models import JourneyMap, MapOp
from journeymap.maps.services.versions import consistent_document
from journeymap.workspaces.models import Workspace
maps = {
    str(m.id): {
        "workspace": Workspace.objects.get(id=m.workspace_id).name,
        "document": consistent_document(map_id=m.id),
        "log": list(MapOp.objects.filter(map=m).order_by("seq").values_list("seq", flat=True)),
    }
    for m in JourneyMap._base_manager.order_by("id")
}
counts = {p.label: p.model._base_manager.count() for p in backup_plan()}
print("DOCS" + json.dumps({"maps": maps, "counts": counts}, default=str))
"""

WRITER = """
import os, sys, uuid, django
django.setup()
from django.contrib.auth import get_user_model
from journeymap.maps.models import JourneyMap, Stage
from journeymap.maps.services.ops import apply_ops
journey_map = JourneyMap.objects.get(workspace__memberships__user__username="outsider")
stage = Stage.objects.filter(map=journey_map).first()
actor = get_user_model().objects.get(username="outsider")
print("WRITING", flush=True)
n = 0
while not os.path.exists(sys.argv[1]) and n < 5000:
    op = {"action": "update", "entity": "stage", "id": str(stage.id), "fields": {"name": f"n{n}"}}
    apply_ops(map_id=journey_map.id, actor=actor, op_id=uuid.uuid4(), ops=[op])
    n += 1
print("WROTE", n, flush=True)
"""


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our interpreter, our manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def documents(env: dict[str, str]) -> dict[str, Any]:
    output = run(env, "-c", DOCUMENTS).stdout
    line = next(line for line in output.splitlines() if line.startswith("DOCS"))
    return dict(json.loads(line[4:]))


def seeded(env: dict[str, str]) -> None:
    migrate(env)
    run({**env, "DEBUG": "1"}, "manage.py", "seed_demo")


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    env = environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        JOURNEYMAP_TESTING="1",
    )
    seeded(env)
    return env


def test_sqlite_online_backup_of_a_database_in_use(sqlite_env, tmp_path):
    source = tmp_path / "db.sqlite3"
    copy = tmp_path / "backup.sqlite3"
    before = documents(sqlite_env)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", WRITER, str(stop)],
        cwd=ROOT,
        env=sqlite_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "WRITING"
        time.sleep(0.5)
        # docs/backups.md: Python's sqlite3 backup API, the same as `.backup` in the shell.
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
            live.backup(target)
        live.close()
        target.close()
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=60)
    assert int(out.split()[-1]) > 0, "the writer wrote nothing while the backup ran"

    copy_env = {**sqlite_env, "DATABASE_URL": f"sqlite:///{copy}"}
    assert run(copy_env, "manage.py", "check").returncode == 0
    restored, now = documents(copy_env), documents(sqlite_env)
    for map_id, saved in restored["maps"].items():
        if saved["workspace"] == "Northwind Outfitters":
            # Nobody wrote to these maps: the copy serves exactly what the source does.
            assert saved == before["maps"][map_id] == now["maps"][map_id]
        else:
            # The map being written is copied at one consistent point: its seq is its log's
            # last entry, between where the writer started and where it stopped.
            document = saved["document"]
            assert saved["log"] == list(range(1, document["seq"] + 1))
            assert before["maps"][map_id]["document"]["seq"] <= document["seq"]
            assert document["seq"] <= now["maps"][map_id]["document"]["seq"]
    assert restored["counts"].keys() == now["counts"].keys()


def test_the_commands_as_an_operator_runs_them(sqlite_env, tmp_path):
    path = tmp_path / "northwind.jsonl.gz"
    made = run(sqlite_env, "manage.py", "backup_workspace", "northwind outfitters", "-o", str(path))
    assert "Backed up Northwind Outfitters" in made.stdout
    assert "maps.stage: 14 rows" in made.stderr and "personas.purchase:" in made.stderr

    refused = run(sqlite_env, "manage.py", "restore_workspace", str(path), check=False)
    assert refused.returncode == 1
    assert "already exists" in refused.stderr and "nothing changed" in refused.stderr

    replaced = run(sqlite_env, "manage.py", "restore_workspace", str(path), "--replace")
    assert replaced.returncode == 0 and "Replaced Northwind Outfitters" in replaced.stdout

    garbage = tmp_path / "garbage.gz"
    garbage.write_bytes(b"not a backup")
    broken = run(sqlite_env, "manage.py", "restore_workspace", str(garbage), check=False)
    assert broken.returncode == 1 and "nothing changed" in broken.stderr

    missing = run(
        sqlite_env, "manage.py", "backup_workspace", "Nowhere", "-o", str(path), check=False
    )
    assert missing.returncode == 1 and "no workspace 'Nowhere'" in missing.stderr


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"


def test_pg_dump_and_pg_restore_bring_back_the_same_documents(tmp_path):
    server = _server_url()
    if not postgres_available(server):
        require_or_skip(f"PostgreSQL is not reachable at {server}")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")
    source, target = create_database(server), create_database(server)
    try:
        env = environment(DATABASE_URL=source, MEDIA_ROOT=str(tmp_path / "media"))
        seeded(env)
        dump = tmp_path / "journeymap.dump"
        # docs/backups.md, "PostgreSQL": the custom format, restored with --clean.
        subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={source}"],  # noqa: S607
            check=True,
            timeout=300,
        )
        subprocess.run(  # noqa: S603
            ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={target}", str(dump)],  # noqa: S607
            check=True,
            timeout=300,
        )
        target_env = {**env, "DATABASE_URL": target}
        assert run(target_env, "manage.py", "check").returncode == 0
        plan = run(target_env, "manage.py", "migrate", "--plan").stdout
        assert "No planned migration operations" in plan
        # Many-to-many id lists come in heap order, which a restore does not keep.
        restored, original = normalised(documents(target_env)), normalised(documents(env))
        assert restored == original, differences(original, restored)
    finally:
        drop_database(source)
        drop_database(target)
