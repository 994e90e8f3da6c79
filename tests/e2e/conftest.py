"""End-to-end fixtures: the real ASGI app under daphne, a throwaway SQLite database, and
Debian's Chromium driven by Playwright.

Django's `live_server` is WSGI and cannot speak WebSockets, so the suite starts daphne in a
subprocess against its own SQLite file (migrated with manage.py, users created by a small
script) and points the browsers at it. Nothing here touches the database of the test
process, so pytest-django's own database setup is never involved.

Run (its own pytest invocation, apart from the async suite):
    .venv/bin/pytest tests/e2e -p no:asyncio -p no:playwright -o addopts="" -q
(`-o addopts=""` undoes the `--ignore=tests/e2e` that keeps the main run off this suite;
`-p no:playwright` keeps pytest-playwright, when installed, from parametrising the tests.)
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
MANIFEST = FRONTEND / "dist" / ".vite" / "manifest.json"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

PASSWORD = "journey-e2e-pass"
USERS = {"ana": "Ana Alvarez", "ben": "Ben Brooks"}

# Creates the workspace the tests work in: two editors, a channel and a persona.
SETUP_SCRIPT = f"""
from django.contrib.auth import get_user_model
from journeymap.workspaces.models import Membership, Workspace
from personas.models import Channel, Persona

User = get_user_model()
workspace = Workspace.objects.create(name="E2E Outfitters")
for username, full in {USERS!r}.items():
    first, last = full.split(" ", 1)
    user = User.objects.create_user(username, password={PASSWORD!r})
    user.first_name, user.last_name = first, last
    user.save()
    Membership.objects.create(workspace=workspace, user=user, role="editor")
Channel.objects.create(workspace=workspace, name="Website", kind="web", color="#6366f1")
Channel.objects.create(workspace=workspace, name="Email", kind="email", color="#0ea5e9")
Persona.objects.create(workspace=workspace, name="Maya Okafor", color="#0d9488")
print(workspace.pk)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_frontend_built() -> None:
    if MANIFEST.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.exit("frontend/dist is missing and npm is not installed", returncode=1)
    if not (FRONTEND / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)  # noqa: S603
    subprocess.run([npm, "run", "build"], cwd=FRONTEND, check=True)  # noqa: S603


@dataclass
class LiveApp:
    url: str
    workspace: str
    # The environment the server runs with, so management commands reach its database.
    env: dict[str, str] = field(default_factory=dict)

    def manage(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    _ensure_frontend_built()
    folder = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DEBUG": "1",
        "REDIS_URL": "",
        "MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SETTINGS_MODULE": "journeymap.settings",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    made = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", SETUP_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    workspace = made.stdout.strip().splitlines()[-1]
    port = _free_port()
    log = (folder / "daphne.log").open("w")
    daphne = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "journeymap.asgi:application"]
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, *daphne],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.exit(f"daphne did not start; see {folder / 'daphne.log'}", returncode=1)
        time.sleep(0.25)
    try:
        yield LiveApp(url=url, workspace=workspace, env=env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class User:
    """One person at one browser: a context with its own cookies and IndexedDB."""

    def __init__(
        self,
        browser: Browser,
        app: LiveApp,
        username: str,
        *,
        password: str = PASSWORD,
        name: str | None = None,
        bypass_csp: bool = False,
    ) -> None:
        self.app = app
        self.username = username
        self.password = password
        self.name = name or USERS[username]
        self.context: BrowserContext = browser.new_context(
            viewport={"width": 1440, "height": 900}, bypass_csp=bypass_csp
        )
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()

    def sign_in(self) -> None:
        page = self.page
        for attempt in range(3):
            page.goto(f"{self.app.url}/login/")
            # The form is the app's: fill it once the app has settled, not mid-load (a
            # reload under a half-filled form left it empty and the sign-in never sent).
            page.wait_for_load_state("networkidle")
            page.get_by_label("Username").fill(self.username)
            page.get_by_label("Password").fill(self.password)
            page.get_by_role("button", name="Sign in").click()
            try:
                page.wait_for_url(f"{self.app.url}/", timeout=10_000 if attempt == 2 else 5_000)
                return
            except PlaywrightTimeoutError:
                if attempt == 2:
                    raise

    def api(self, method: str, path: str, body: Any = None) -> Any:
        csrf = next(c["value"] for c in self.context.cookies() if c["name"] == "csrftoken")
        response = self.page.request.fetch(
            f"{self.app.url}{path}",
            method=method,
            data=json.dumps(body) if body is not None else None,
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": csrf,
                "Referer": f"{self.app.url}/",
            },
        )
        assert response.ok, f"{method} {path}: {response.status} {response.text()}"
        return response.json() if response.status != 204 else None

    def new_map(self, title: str, template: str = "blank") -> str:
        created = self.api(
            "POST",
            "/api/maps/",
            {"workspace": self.app.workspace, "title": title, "template": template},
        )
        return str(created["id"])

    def open_map(self, map_id: str) -> None:
        self.page.goto(f"{self.app.url}/maps/{map_id}/")
        self.wait_live()

    def wait_live(self, timeout: float = 15_000) -> None:
        """Connected, caught up and nothing left to send."""
        status = self.page.get_by_test_id("connection-status")
        status.filter(has_text="Live").wait_for(timeout=timeout)

    def board(self) -> dict[str, Any]:
        return self.page.evaluate("() => window.journeymap.document()")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def ana(browser: Browser, app: LiveApp) -> Iterator[User]:
    user = User(browser, app, "ana")
    user.sign_in()
    yield user
    user.close()


@pytest.fixture
def ben(browser: Browser, app: LiveApp) -> Iterator[User]:
    user = User(browser, app, "ben")
    user.sign_in()
    yield user
    user.close()


@dataclass(frozen=True)
class Demo:
    """The demo workspace (`manage.py seed_demo`): maps full of stages, lanes, cards,
    touchpoints, friction and emotion points, with personas, segments and features."""

    workspace: str
    map_id: str
    share_token: str
    persona_id: str
    segment_id: str


DEMO_USER = {"username": "demo", "password": "demo", "name": "Dana Morgan"}


@pytest.fixture(scope="session")
def demo(app: LiveApp, browser: Browser) -> Demo:
    app.manage("seed_demo")
    owner = User(browser, app, **DEMO_USER)
    try:
        owner.sign_in()
        me = owner.api("GET", "/api/auth/me/")
        workspace = next(
            m["workspace"]
            for m in me["memberships"]
            if m["workspace_name"] == "Northwind Outfitters"
        )

        def listed(path: str) -> list[dict[str, Any]]:
            body = owner.api("GET", f"{path}?workspace={workspace}")
            return body["results"] if isinstance(body, dict) else body

        # The online purchase map is the one with every kind of lane on it.
        map_id = next(m["id"] for m in listed("/api/maps/") if m["title"].startswith("Buying"))
        link = owner.api("POST", "/api/share-links/", {"map": map_id, "label": "E2E"})
        return Demo(
            workspace=str(workspace),
            map_id=str(map_id),
            share_token=link["token"],
            persona_id=str(listed("/api/personas/")[0]["id"]),
            segment_id=str(listed("/api/segments/")[0]["id"]),
        )
    finally:
        owner.close()


def stage_and_lane(document: dict[str, Any], stage: str, lane: str) -> tuple[str, str]:
    stage_id = next(s["id"] for s in document["stages"] if s["name"] == stage)
    lane_id = next(lane_row["id"] for lane_row in document["lanes"] if lane_row["name"] == lane)
    return stage_id, lane_id


def add_cards(user: User, map_id: str, stage: str, lane: str, titles: list[str]) -> list[str]:
    """Put cards on a map through the REST op endpoint (the same write path as the socket)."""
    document = user.api("GET", f"/api/maps/{map_id}/")
    stage_id, lane_id = stage_and_lane(document, stage, lane)
    ids = [str(uuid.uuid4()) for _ in titles]
    ops = [
        {
            "action": "create",
            "entity": "card",
            "id": card_id,
            "fields": {"stage": stage_id, "lane": lane_id, "title": title},
        }
        for card_id, title in zip(ids, titles, strict=True)
    ]
    user.api("POST", f"/api/maps/{map_id}/ops/", {"op_id": str(uuid.uuid4()), "ops": ops})
    return ids


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """A map document with what legitimately differs between readers taken out: the seq a
    reader happens to be at, the workspace directory, and list order of unordered rows."""
    skip = {"seq", "directory"}
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key in skip:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out[key] = sorted(value, key=lambda row: row["id"])
        else:
            out[key] = value
    return out


# ---- journey analytics -----------------------------------------------------------------


def apply_ops(user: User, map_id: str, ops: list[dict[str, Any]]) -> None:
    """One batch of ops through the REST op endpoint (the socket's write path)."""
    user.api("POST", f"/api/maps/{map_id}/ops/", {"op_id": str(uuid.uuid4()), "ops": ops})


@dataclass(frozen=True)
class AnalyticsMap:
    map_id: str
    persona_id: str
    website: str
    email: str
    touchpoints: dict[str, str]  # title → id
    stages: dict[str, str]  # name → id


ANALYTICS_TOUCHPOINTS = [
    ("Before", "Landing page", "Website"),
    ("During", "Signup form", "Website"),
    ("During", "Pricing page", "Website"),
    ("After", "Welcome email", "Email"),
]


@pytest.fixture
def analytics_map(ana: User) -> AnalyticsMap:
    """A blank map with four touchpoints, a friction point on the signup form, an emotion lane
    and the persona Maya on it, who prefers the website; no transitions yet."""
    map_id = ana.new_map(f"Signup funnel {uuid.uuid4().hex[:6]}")
    document = ana.api("GET", f"/api/maps/{map_id}/")
    channels = {c["name"]: c["id"] for c in document["directory"]["channels"]}
    personas = ana.api("GET", f"/api/personas/?workspace={ana.app.workspace}")
    personas = personas["results"] if isinstance(personas, dict) else personas
    maya = next(p for p in personas if p["name"] == "Maya Okafor")
    ana.api("PATCH", f"/api/personas/{maya['id']}/", {"preferred_channels": [channels["Website"]]})
    stages = {s["name"]: s["id"] for s in document["stages"]}
    lane = next(row["id"] for row in document["lanes"] if row["kind"] == "touchpoints")
    friction_lane = next(row["id"] for row in document["lanes"] if row["kind"] == "friction")
    touchpoints = {title: str(uuid.uuid4()) for _, title, _ in ANALYTICS_TOUCHPOINTS}
    last_lane = max(row["order_key"] for row in document["lanes"])
    ops: list[dict[str, Any]] = [
        {"action": "update", "entity": "map", "id": map_id, "fields": {"personas": [maya["id"]]}},
        {
            "action": "create",
            "entity": "lane",
            "id": str(uuid.uuid4()),
            "fields": {"name": "Emotions", "kind": "emotions", "order_key": f"{last_lane}V"},
        },
        {
            "action": "create",
            "entity": "emotion",
            "id": str(uuid.uuid4()),
            "fields": {"stage": stages["During"], "persona": maya["id"], "score": 2},
        },
    ]
    for index, (stage, title, channel) in enumerate(ANALYTICS_TOUCHPOINTS):
        ops.append(
            {
                "action": "create",
                "entity": "touchpoint",
                "id": touchpoints[title],
                "fields": {
                    "stage": stages[stage],
                    "lane": lane,
                    "title": title,
                    "channel": channels[channel],
                    "order_key": f"a{index}",
                },
            }
        )
    ops.append(
        {
            "action": "create",
            "entity": "friction",
            "id": str(uuid.uuid4()),
            "fields": {
                "stage": stages["During"],
                "lane": friction_lane,
                "title": "Password rules are unclear",
                "touchpoint": touchpoints["Signup form"],
                "severity": 4,
            },
        }
    )
    apply_ops(ana, map_id, ops)
    return AnalyticsMap(
        map_id=map_id,
        persona_id=str(maya["id"]),
        website=channels["Website"],
        email=channels["Email"],
        touchpoints=touchpoints,
        stages=stages,
    )


# ---- team and invitations --------------------------------------------------------------

TEAM_SCRIPT = """
from django.contrib.auth import get_user_model
from journeymap.workspaces.models import Membership, Workspace

User = get_user_model()
for username, first, last, workspace_name in {people!r}:
    user = User.objects.create_user(username, password={password!r})
    user.first_name, user.last_name = first, last
    user.save()
    workspace = Workspace.objects.create(name=workspace_name)
    Membership.objects.create(workspace=workspace, user=user, role="owner")
    print(username, workspace.pk)
"""


@dataclass(frozen=True)
class Team:
    """Two people new to each other, each the owner of a workspace of their own."""

    owner: str
    workspace: str
    workspace_name: str
    invitee: str
    invitee_workspace: str


@pytest.fixture
def team(app: LiveApp) -> Team:
    suffix = uuid.uuid4().hex[:6]
    people = [
        (f"olive{suffix}", "Olive", "Owens", f"Harbor Lights {suffix}"),
        (f"cara{suffix}", "Cara", "Diaz", f"Cara's Studio {suffix}"),
    ]
    made = app.manage("shell", "-c", TEAM_SCRIPT.format(people=people, password=PASSWORD))
    workspaces = dict(line.split() for line in made.strip().splitlines()[-2:])
    return Team(
        owner=people[0][0],
        workspace=workspaces[people[0][0]],
        workspace_name=people[0][3],
        invitee=people[1][0],
        invitee_workspace=workspaces[people[1][0]],
    )


@pytest.fixture
def team_owner(browser: Browser, app: LiveApp, team: Team) -> Iterator[User]:
    user = User(browser, app, team.owner, name="Olive Owens")
    user.sign_in()
    yield user
    user.close()


@pytest.fixture
def invitee(browser: Browser, app: LiveApp, team: Team) -> Iterator[User]:
    """The person invited, in a browser of their own, not signed in yet."""
    user = User(browser, app, team.invitee, name="Cara Diaz")
    yield user
    user.close()


# ---- exports and share links -----------------------------------------------------------


@dataclass(frozen=True)
class ExportMap:
    map_id: str
    title: str
    persona: str  # the persona's name


@pytest.fixture
def export_map(ana: User) -> ExportMap:
    """A blank map with a title of its own, two cards, a touchpoint and Maya on it."""
    title = f"Harbour rentals {uuid.uuid4().hex[:6]}"
    map_id = ana.new_map(title)
    add_cards(ana, map_id, "Before", "Customer actions", ["Compares boats", "Reads reviews"])
    document = ana.api("GET", f"/api/maps/{map_id}/")
    personas = ana.api("GET", f"/api/personas/?workspace={ana.app.workspace}")
    personas = personas["results"] if isinstance(personas, dict) else personas
    maya = next(p for p in personas if p["name"] == "Maya Okafor")
    stages = {s["name"]: s["id"] for s in document["stages"]}
    lane = next(row["id"] for row in document["lanes"] if row["kind"] == "touchpoints")
    apply_ops(
        ana,
        map_id,
        [
            {
                "action": "update",
                "entity": "map",
                "id": map_id,
                "fields": {"personas": [maya["id"]]},
            },
            {
                "action": "create",
                "entity": "touchpoint",
                "id": str(uuid.uuid4()),
                "fields": {"stage": stages["During"], "lane": lane, "title": "Booking page"},
            },
        ],
    )
    return ExportMap(map_id=map_id, title=title, persona=str(maya["name"]))
