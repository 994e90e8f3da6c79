"""Production settings pass Django's deployment checklist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


# Settings a test states itself: inherited from the shell running the suite, they would
# change what the test sees.
_STATED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "JOURNEYMAP_TESTING",
    "REDIS_URL",
    "SQLITE_SYNCHRONOUS",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _STATED}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "x" * 64 + "-production-secret-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "journeymap.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://journeymap.example.com",
}


def test_check_deploy_is_clean_with_production_values() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for() -> None:
    """No DEBUG in the environment means production: without a key it refuses to start."""
    result = run_manage("check", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


_SHOW = (
    "from django.conf import settings as s; from django.core.cache import caches; "
    "print(s.DEBUG, s.NUM_PROXIES, s.ADMIN_ENABLED, type(caches['default']).__name__); "
    "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src']))"
)


def test_production_defaults() -> None:
    result = run_manage("shell", "-c", _SHOW, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    first, connect = result.stdout.strip().splitlines()[-2:]
    assert first == "False 0 False LocMemCache"
    assert connect.split() == ["'self'", "wss://journeymap.example.com"]
    with_redis = run_manage(
        "shell", "-c", _SHOW, REDIS_URL="redis://127.0.0.1:6379/15", **PRODUCTION
    )
    assert with_redis.stdout.strip().splitlines()[-2].endswith("RedisCache"), with_redis.stderr


def test_stack_check_runs_the_deployment_checklist_clean() -> None:
    """`python deploy/stack.py check`: the settings docs/deploy.md lists, no warning at all."""
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "deploy/stack.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_nginx_config_matches_the_app(settings: Any) -> None:
    from deploy.stack import Stack

    stack = Stack(workers=3)
    try:
        limits = {"STATIC_ROOT": str(settings.STATIC_ROOT), "MAX_BODY": 12345}
        conf = stack.nginx_conf(limits)
    finally:
        stack.stop()
    directives = "\n".join(line.split("#")[0] for line in conf.splitlines())
    assert "{{" not in directives
    # Any process serves any map: nothing pins a client to one.
    assert "ip_hash" not in directives and "sticky" not in directives and "hash " not in directives
    upstreams = [
        line.strip() for line in conf.splitlines() if line.strip().startswith("server 127")
    ]
    assert upstreams == [
        f"server 127.0.0.1:{w.port} max_fails=1 fail_timeout=2s;" for w in stack.workers
    ]
    assert "client_max_body_size 12345;" in conf
    assert f"alias {settings.STATIC_ROOT}/;" in conf
    assert not stack.workdir.exists()


def test_upload_limit_covers_every_upload(settings: Any) -> None:
    largest = max(
        settings.EVENT_IMPORT_MAX_BYTES, 2 * settings.IMPORT_MAX_BYTES, settings.PHOTO_MAX_BYTES
    )
    assert settings.UPLOAD_MAX_REQUEST_BYTES > largest


_SYNCHRONOUS = (
    "from django.db import connection; cursor = connection.cursor(); "
    "cursor.execute('PRAGMA synchronous'); print(cursor.fetchone()[0]); "
    "cursor.execute('PRAGMA journal_mode'); print(cursor.fetchone()[0])"
)


def _sqlite_pragmas(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return run_manage("shell", "-c", _SYNCHRONOUS, DEBUG="1", DATABASE_URL=url, **env)


def test_sqlite_commits_wait_for_the_disk_unless_told_otherwise(tmp_path: Path) -> None:
    """An acknowledged edit survives a power loss by default (synchronous FULL = 2, in WAL);
    SQLITE_SYNCHRONOUS=NORMAL (1) trades that for a commit without an fsync."""
    default = _sqlite_pragmas(tmp_path)
    assert default.returncode == 0, default.stderr
    assert default.stdout.split()[-2:] == ["2", "wal"]
    normal = _sqlite_pragmas(tmp_path, SQLITE_SYNCHRONOUS="normal")
    assert normal.returncode == 0, normal.stderr
    assert normal.stdout.split()[-2:] == ["1", "wal"]


def test_an_unknown_sqlite_synchronous_level_refuses_to_start(tmp_path: Path) -> None:
    result = _sqlite_pragmas(tmp_path, SQLITE_SYNCHRONOUS="OFF")
    assert result.returncode != 0
    assert "SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL, not 'OFF'" in result.stderr
