"""The production set-up on loopback: PostgreSQL, Redis, N daphne processes and nginx in front
(docs/deploy.md). Everything runs from a work directory of its own, on free ports; the
system's PostgreSQL, Redis and nginx are never touched.

    python deploy/stack.py up      # start it, create an owner account, serve until Ctrl-C
    python deploy/stack.py check   # manage.py check --deploy with the production settings

The tests and reliability/ drive it through `Stack`.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python deploy/stack.py`
    sys.path.insert(0, str(ROOT))

from journeymap.realtime.testing import Server, environment, free_port, migrate  # noqa: E402

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
TEMPLATE = Path(__file__).with_name("nginx.conf")
PYTHON = sys.executable
IS_ROOT = os.geteuid() == 0


def binaries_missing() -> list[str]:
    """What the stack needs from the system and cannot find."""
    wanted = {
        "nginx": Path(NGINX),
        "initdb": PG_BIN / "initdb",
        "pg_ctl": PG_BIN / "pg_ctl",
        "redis-server": Path(REDIS_SERVER),
    }
    return [name for name, path in wanted.items() if not os.access(path, os.X_OK)]


def production_env(*, host: str = "journeymap.example.com") -> dict[str, str]:
    """The settings of a real deployment behind TLS (docs/deploy.md, "Settings"), minus the
    database and Redis URLs. `check` runs Django's deployment checklist against these."""
    return {
        "DEBUG": "0",
        "JOURNEYMAP_TESTING": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": host,
        "CSRF_TRUSTED_ORIGINS": f"https://{host}",
        "WS_ALLOWED_ORIGINS": f"https://{host}",
        "NUM_PROXIES": "1",
    }


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _wait(what: str, ready: Any, timeout: float, alive: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if alive is not None and not alive():
            raise RuntimeError(f"{what} exited before it was ready")
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and the server refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if IS_ROOT else command


class Worker:
    """One daphne (or uvicorn) process on a fixed 127.0.0.1 port."""

    def __init__(self, *, port: int, env: dict[str, str], server: str = "daphne") -> None:
        self.port = port
        self.env = env
        self.server = server
        self._process: Server | None = None

    @property
    def pid(self) -> int | None:
        return self._process.process.pid if self._process is not None else None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.process.poll() is None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        """Start the process without waiting for it (see `wait_ready`)."""
        if self.alive:
            return
        self._process = Server(self.server, self.env, port=self.port)

    def wait_ready(self, timeout: float = 60) -> None:
        try:
            _wait(
                f"{self.server} on {self.port}",
                lambda: _get(self.url + "/health/", timeout=5) == 200,
                timeout,
                alive=lambda: self.alive,
            )
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}:\n{self.log()}") from None

    def start(self) -> None:
        """(Re)start on the same port; returns once it answers /health/ with 200."""
        self.launch()
        self.wait_ready()

    def kill(self, sig: int = signal.SIGKILL, *, wait: bool = True) -> None:
        """Send `sig` (SIGKILL: as a crash would); waits for the process to end when the
        signal ends it."""
        if self._process is not None and self.alive:
            self._process.process.send_signal(sig)
            if wait and sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
                self._process.process.wait(15)

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()

    def rss_bytes(self) -> int:
        """Resident memory of the process, from /proc (0 when it is not running)."""
        if not self.alive or self.pid is None:
            return 0
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def log(self) -> str:
        return self._process.stderr() if self._process is not None else ""


class Stack:
    def __init__(
        self,
        *,
        workers: int = 2,
        server: str = "daphne",
        nginx_port: int | None = None,
        env: dict[str, str] | None = None,
        workdir: Path | None = None,
    ) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="journeymap-stack-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.nginx_port = nginx_port or free_port()
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.nginx_port}"
        self.database_url = f"postgres://postgres@127.0.0.1:{self.pg_port}/journeymap"
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.pgdata = self.workdir / "pg"
        self.metrics_dir = self.workdir / "metrics"
        self.nginx_prefix = self.workdir / "nginx"
        loopback = {
            **production_env(host="127.0.0.1"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": self.base_url,
            "WS_ALLOWED_ORIGINS": self.base_url,
            # Loopback has no TLS: the only production setting turned off here.
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
        }
        self.env = environment(**{**loopback, **(env or {})})
        self.workers = [
            Worker(port=free_port(), env=self.env, server=server) for _ in range(workers)
        ]
        self._redis: subprocess.Popen[bytes] | None = None
        self._nginx: subprocess.Popen[bytes] | None = None
        self._pg_started = False
        # Extra `postgres -c` settings (deploy/measure.py loads pg_stat_statements).
        self.pg_options: list[str] = []

    # --- the whole stack ---------------------------------------------------------------------

    def start(self) -> None:
        try:
            migrated = self._restore_migrated_cluster()
            self._start_postgres(init=not migrated)
            self._start_redis()
            self.metrics_dir.mkdir(exist_ok=True)
            if not migrated:
                self._create_database()
                migrate(self.env)
                self._keep_migrated_cluster()
            limits = self._app_settings()
            collect_static(self.env, Path(limits["STATIC_ROOT"]))
            for worker in self.workers:
                worker.launch()
            for worker in self.workers:
                worker.wait_ready()
            self._start_nginx(limits)
            _wait("nginx", lambda: _get(self.base_url + "/health/") == 200, 30, self._nginx_alive)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for worker in self.workers:  # all at once: each may take seconds to close its sockets
            worker.kill(signal.SIGTERM, wait=False)
        for worker in self.workers:
            worker.stop()
        if self._nginx is not None and self._nginx.poll() is None:
            self._nginx.terminate()
            try:
                self._nginx.wait(10)
            except subprocess.TimeoutExpired:
                self._nginx.kill()
        if self._redis is not None and self._redis.poll() is None:
            self._redis.terminate()
            self._redis.wait(10)
        if self._pg_started:
            self._pg_ctl("stop", "-m", "immediate", check=False)
            self._pg_started = False
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            for part in (self.pgdata, self.metrics_dir, self.nginx_prefix, self.workdir / "redis"):
                shutil.rmtree(part, ignore_errors=True)

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own manage.py
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=check,
        )

    # --- PostgreSQL --------------------------------------------------------------------------

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), *args]
        subprocess.run(  # noqa: S603
            _as_postgres(command), check=check, capture_output=True, timeout=120
        )

    def _start_postgres(self, *, init: bool) -> None:
        if init:
            self.pgdata.mkdir()
            if IS_ROOT:
                shutil.chown(self.pgdata, "postgres", "postgres")
                self.workdir.chmod(0o755)  # postgres must reach its data directory
            initdb = [str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-U", "postgres"]
            initdb += ["-A", "trust", "-E", "UTF8", "--no-sync"]
            subprocess.run(_as_postgres(initdb), check=True, capture_output=True, timeout=120)  # noqa: S603
        options = f"-p {self.pg_port} -c listen_addresses=127.0.0.1"
        options += f" -c unix_socket_directories={self.pgdata} -c max_connections=300"
        options += "".join(f" -c {option}" for option in self.pg_options)
        log = self.pgdata / "server.log"
        self._pg_ctl("start", "-w", "-t", "60", "-o", options, "-l", str(log))
        self._pg_started = True

    def _cluster_cache(self) -> Path:
        """Where a freshly migrated cluster is kept, keyed by every migration file: a new
        stack copies it instead of running initdb and ~40 s of migrations."""
        digest = hashlib.sha256(Path(PG_BIN).as_posix().encode())
        for path in sorted(ROOT.glob("**/migrations/*.py")):
            if ".venv" not in path.parts and "node_modules" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
        return Path(tempfile.gettempdir()) / f"journeymap-stack-pg-{digest.hexdigest()[:16]}"

    def _restore_migrated_cluster(self) -> bool:
        cache = self._cluster_cache()
        if not (cache / "PG_VERSION").exists():
            return False
        shutil.copytree(cache, self.pgdata, symlinks=True)
        for leftover in ("postmaster.pid", "server.log"):
            (self.pgdata / leftover).unlink(missing_ok=True)
        if IS_ROOT:
            self.workdir.chmod(0o755)
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.pgdata)], check=True)  # noqa: S603, S607
        return True

    def _keep_migrated_cluster(self) -> None:
        """Copy the cluster, stopped cleanly, to the cache (atomically: a rename)."""
        cache = self._cluster_cache()
        if cache.exists():
            return
        self._pg_ctl("stop", "-m", "fast", "-w")
        self._pg_started = False
        partial = Path(tempfile.mkdtemp(prefix=cache.name + "-", dir=cache.parent))
        shutil.copytree(self.pgdata, partial, symlinks=True, dirs_exist_ok=True)
        (partial / "postmaster.pid").unlink(missing_ok=True)
        try:
            partial.rename(cache)
        except OSError:  # another stack kept one first
            shutil.rmtree(partial, ignore_errors=True)
        self._start_postgres(init=False)

    def restart_postgres(self, *, down_seconds: float = 1.0) -> None:
        """Stop this stack's PostgreSQL (fast: open sessions are cut), wait, start it again."""
        self._pg_ctl("stop", "-m", "fast", "-w")
        self._pg_started = False
        time.sleep(down_seconds)
        self._start_postgres(init=False)

    def _create_database(self) -> None:
        import psycopg

        url = self.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE journeymap")

    # --- Redis -------------------------------------------------------------------------------

    def _start_redis(self) -> None:
        data = self.workdir / "redis"
        data.mkdir()
        command = [REDIS_SERVER, "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(data)]
        command += ["--maxclients", "10000", "--loglevel", "warning"]
        self._redis = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

        def ready() -> bool:
            import redis

            try:
                return bool(redis.Redis.from_url(self.redis_url, socket_timeout=1).ping())
            except redis.RedisError:
                return False

        _wait(
            "redis-server",
            ready,
            20,
            lambda: self._redis is not None and self._redis.poll() is None,
        )

    # --- nginx -------------------------------------------------------------------------------

    def _app_settings(self) -> dict[str, Any]:
        """The settings nginx must agree with, read from the settings module itself."""
        script = (
            "import json; import journeymap.settings as s; print('SETTINGS' + json.dumps("
            "{'STATIC_ROOT': str(s.STATIC_ROOT), 'MAX_BODY': s.UPLOAD_MAX_REQUEST_BYTES}))"
        )
        output = subprocess.run(  # noqa: S603
            [PYTHON, "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("SETTINGS"))
        return dict(json.loads(line[len("SETTINGS") :]))

    def nginx_conf(self, limits: dict[str, Any]) -> str:
        servers = "\n".join(
            f"        server 127.0.0.1:{worker.port} max_fails=1 fail_timeout=2s;"
            for worker in self.workers
        )
        values = {
            "user": "user nobody nogroup;" if IS_ROOT else "",
            "prefix": str(self.nginx_prefix),
            "client_max_body_size": str(int(limits["MAX_BODY"])),
            "upstream_servers": servers,
            "listen": f"127.0.0.1:{self.nginx_port}",
            "server_name": "127.0.0.1 localhost",
            "static_root": str(limits["STATIC_ROOT"]).rstrip("/"),
        }
        text = TEMPLATE.read_text()
        for name, value in values.items():
            text = text.replace("{{ " + name + " }}", value)
        return text

    def _start_nginx(self, limits: dict[str, Any]) -> None:
        self.nginx_prefix.mkdir()
        conf = self.nginx_prefix / "nginx.conf"
        conf.write_text(self.nginx_conf(limits))
        command = [NGINX, "-p", str(self.nginx_prefix), "-c", str(conf)]
        command += ["-e", str(self.nginx_prefix / "error.log")]
        subprocess.run([*command, "-t", "-q"], check=True, capture_output=True, timeout=30)  # noqa: S603
        self._nginx = subprocess.Popen(  # noqa: S603
            [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def _nginx_alive(self) -> bool:
        return self._nginx is not None and self._nginx.poll() is None

    def nginx_log(self) -> str:
        path = self.nginx_prefix / "error.log"
        return path.read_text()[-4000:] if path.exists() else ""


def collect_static(env: dict[str, str], static_root: Path) -> None:
    """collectstatic into STATIC_ROOT unless it is newer than the frontend build and the
    installed packages (compressing every file takes ~30 s here). A lock keeps two stacks
    started at once from writing the same directory together."""
    static_root.mkdir(parents=True, exist_ok=True)
    sources = [
        ROOT / "frontend" / "dist" / ".vite" / "manifest.json",
        ROOT / "pyproject.toml",
        Path(sysconfig.get_paths()["purelib"]),  # changes when packages are installed
    ]
    with open(static_root.parent / ".journeymap-collectstatic.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = static_root / "staticfiles.json"
        newest = max((p.stat().st_mtime for p in sources if p.exists()), default=0.0)
        if manifest.exists() and manifest.stat().st_mtime >= newest:
            return
        subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": str(static_root)},
            check=True,
            timeout=600,
        )


# --- the command line -------------------------------------------------------------------------

_OWNER = """
import secrets
from django.contrib.auth import get_user_model
from journeymap.workspaces.services import workspace_create
password = secrets.token_urlsafe(12)
user = get_user_model().objects.create_user(username="admin", password=password)
workspace_create(name="Journeymap", owner=user)
print("PASSWORD" + password)
"""


def up(args: argparse.Namespace) -> int:
    missing = binaries_missing()
    if missing:
        print(f"missing: {', '.join(missing)} (make prod-deps; PostgreSQL 15 server)")
        return 1
    # Ctrl-C and `kill` both stop everything (a shell may start us with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stack = Stack(workers=args.workers, nginx_port=args.port)
    print(f"starting PostgreSQL, Redis, {args.workers} daphne processes and nginx ...", flush=True)
    try:
        stack.start()
    except KeyboardInterrupt:  # start() has stopped what it started
        return 130
    try:
        output = stack.manage("shell", "-c", _OWNER).stdout
        password = next(x for x in output.splitlines() if x.startswith("PASSWORD"))[8:]
        print(f"\nJourneymap on {stack.base_url}/  — sign in as admin / {password}")
        print(f"  health   {stack.base_url}/health/")
        print(f"  metrics  {stack.workers[0].url}/metrics   (loopback only)")
        for worker in stack.workers:
            print(f"  daphne   {worker.url}  pid {worker.pid}")
        print(f"  work dir {stack.workdir} (removed on exit)\nCtrl-C stops everything.", flush=True)
        while True:
            time.sleep(1)
            for worker in stack.workers:
                if not worker.alive:
                    print(f"worker on {worker.port} died; restarting it", flush=True)
                    worker.start()
    except KeyboardInterrupt:
        print("\nstopping ...")
    finally:
        stack.stop()
    return 0


def check(_args: argparse.Namespace) -> int:
    env = environment(**production_env())
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    print(result.stdout + result.stderr, end="")
    return result.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start the stack in the foreground")
    start.add_argument("--workers", type=int, default=2)
    start.add_argument("--port", type=int, default=None, help="nginx port (default: free)")
    start.set_defaults(run=up)
    commands.add_parser("check", help="manage.py check --deploy").set_defaults(run=check)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
