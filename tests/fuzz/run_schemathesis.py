"""Fuzz the live REST API with schemathesis, as an owner, a viewer and a stranger.

Starts the real ASGI app under uvicorn on a throwaway SQLite database holding the demo
workspace, takes a token for each of `demo` (owner), `viewer` and `outsider` (owner of another
workspace), and runs schemathesis against `/api/schema/` once per role with the checks that
the schema and the API agree and that nothing answers 5xx. Exits non-zero on any failure, or
when fewer cases than `--min-cases` ran in all (a run that tests nothing is no run).

    .venv/bin/python tests/fuzz/run_schemathesis.py [--max-examples N] [--seed S]

Uvicorn rather than daphne: daphne's HTTP layer (Twisted) parses multipart bodies itself and
answers a malformed one with a bare 400 before the request reaches the app, so under daphne
the fuzzer would be testing Twisted. The app is the same under both servers.

The sign-in endpoints are left out: they are throttled (a fuzzer would lock itself out) and
logout would revoke the very token the run uses; tests/workspaces covers them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
EXCLUDED_PATHS = ["/api/auth/login/", "/api/auth/logout/", "/api/auth/token/"]
ROLES = {"owner": "demo", "viewer": "viewer", "outsider": "outsider"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DEBUG="1",  # seed_demo creates its well-known accounts only in DEBUG
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(database.parent / "media"),
        LOG_LEVEL="ERROR",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def token_for(base: str, username: str) -> str:
    body = json.dumps({"username": username, "password": username}).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        f"{base}/api/auth/token/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return str(json.load(response)["token"])


def fuzz(base: str, token: str, *, max_examples: int, seed: int) -> tuple[int, int, str]:
    """Run schemathesis once; returns (cases run, failures, output)."""
    command = [
        str(Path(PYTHON).parent / "st"),
        "run",
        f"{base}/api/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "20",
        "--no-color",
    ]
    for path in EXCLUDED_PATHS:
        command += ["--exclude-path", path]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    output = run.stdout + run.stderr
    cases = sum(int(n) for n in re.findall(r"(\d+) generated", output))
    failed = 0 if run.returncode == 0 else max(1, len(re.findall(r"^_+ ", output, re.M)))
    return cases, failed, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--min-cases", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="journeymap-fuzz-") as tmp:
        database = Path(tmp) / "fuzz.sqlite3"
        env = server_env(database)
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(PYTHON).parent / "uvicorn"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "journeymap.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(tmp) / "server.log", "w"),  # noqa: SIM115
        )
        total_cases = total_failed = 0
        try:
            wait_for(f"{base}/api/schema/")
            tokens = {role: token_for(base, user) for role, user in ROLES.items()}
            for role, token in tokens.items():
                cases, failed, output = fuzz(
                    base, token, max_examples=args.max_examples, seed=args.seed
                )
                total_cases += cases
                total_failed += failed
                print(f"schemathesis as {role}: {cases} cases, {failed} failing operations")
                if failed:
                    print(output[-20000:])
        finally:
            server.terminate()
            server.wait(timeout=10)
            if total_failed or not total_cases:
                log = (Path(tmp) / "server.log").read_text()[-5000:]
                if log.strip():
                    print("server log (tail):\n" + log)
    print(f"schemathesis: {total_cases} cases in all, {total_failed} failing operations")
    if total_cases < args.min_cases:
        print(f"schemathesis ran {total_cases} cases, fewer than the required {args.min_cases}")
        return 1
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
