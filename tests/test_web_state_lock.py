"""Every read of the folded state by the web application holds the engine's lock,
and never on the event loop.

The group-commit writer folds into ``engine.state`` while it holds ``engine.lock``
(the service's lock); a page that read the state without it could see half a batch,
or fail with "dictionary changed size during iteration". The event loop must not
wait for that lock either: the writer holds it through the fsync and the plugins'
after-commit hooks. The state's tables and the service's reads of matters' records
are swapped here for copies that note each read made otherwise; one key's ``.get`` is atomic and left
free (the page header's name of the person signed in).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from starlette.testclient import TestClient

from tests.test_web_pages import csrf_of, sign_in
from tests.web_fixtures import bearer, make_app
from yishi.domain import commands as cmd
from yishi.web.service import Service

HERE = str(Path(__file__).resolve())


class Watch:
    """Notes each read of the state made without the lock, or on the event loop."""

    def __init__(self, lock: Any) -> None:
        self.lock = lock
        self.found: list[str] = []
        self._mutex = threading.Lock()

    def check(self, what: str) -> None:
        try:
            asyncio.get_running_loop()
            loop = True
        except RuntimeError:
            loop = False
        if self.lock._is_owned() and not loop:
            return
        why = "on the event loop" if loop else "without the lock"
        where = [
            f"{f.filename.rsplit('/src/', 1)[-1]}:{f.lineno} {f.name}"
            for f in traceback.extract_stack()[:-2]
            if "/src/yishi/" in f.filename
        ]
        with self._mutex:
            self.found.append(f"{what} {why}: {' < '.join(reversed(where[-4:]))}")

    def take(self) -> list[str]:
        with self._mutex:
            found, self.found = self.found, []
        return sorted(set(found))


class Table(dict[Any, Any]):
    """A state table that reports reads other than one key's ``.get``."""

    def __init__(self, items: dict[Any, Any], watch: Watch, name: str) -> None:
        super().__init__(items)
        self.watch, self.name = watch, name

    def __iter__(self) -> Iterator[Any]:
        self.watch.check(f"iter(state.{self.name})")
        return super().__iter__()

    def __len__(self) -> int:
        self.watch.check(f"len(state.{self.name})")
        return super().__len__()

    def __contains__(self, key: object) -> bool:
        self.watch.check(f"state.{self.name} contains")
        return super().__contains__(key)

    def __getitem__(self, key: Any) -> Any:
        self.watch.check(f"state.{self.name}[]")
        return super().__getitem__(key)

    def keys(self) -> Any:
        self.watch.check(f"state.{self.name}.keys()")
        return super().keys()

    def values(self) -> Any:
        self.watch.check(f"state.{self.name}.values()")
        return super().values()

    def items(self) -> Any:
        self.watch.check(f"state.{self.name}.items()")
        return super().items()


def watch_reads(service: Service) -> Watch:
    watch = Watch(service.lock)
    with service.lock:
        state = service.engine.state
        for field in attrs.fields(type(state)):
            value = getattr(state, field.name)
            if type(value) is dict:
                setattr(state, field.name, Table(value, watch, field.name))
        watch_log(service, watch)
    return watch


def watch_log(service: Service, watch: Watch) -> None:
    """The service's reads of the log that keep matters' records between pages
    (and read the state's position): under the lock, as the state's."""
    log = service.log
    for name in ("of_matter", "hash_at"):
        real = getattr(log, name)

        def checked(*args: Any, _real: Any = real, _name: str = name) -> Any:
            watch.check(f"service.log.{_name}")
            return _real(*args)

        setattr(log, name, checked)


def at(engine: Any, year: int, month: int, day: int, hour: int) -> None:
    engine.clock.at = dt.datetime(year, month, day, hour)


def post(c: TestClient, token: str, command: str, body: dict[str, Any]) -> None:
    r = c.post(f"/api/v1/c/main/commands/{command}", json=body, headers=bearer(token))
    assert r.status_code == 201, r.json()


@attrs.define
class Site:
    app: Any
    engine: Any
    service: Service
    tokens: dict[str, str]
    watch: Watch
    code: str


def build(tmp: Path) -> Site:
    """A community with a matter past its meeting and on notice with an objection
    pending, another in a meeting, and a suggestion still open; every read watched."""
    app, engine, access = make_app(tmp)
    t = {a: access.new_token(a) for a in ("k01", "k02", "c003")}
    c = TestClient(app, base_url="http://testserver")
    at(engine, 2026, 9, 1, 20)
    for s in ("s1", "s2", "s3"):
        post(c, t["c003"], "suggest", {"suggestion": s, "person": "c003", "title": f"建议 {s}"})
    at(engine, 2026, 9, 4, 9)
    post(c, t["k01"], "merge_suggestions", {"matter": "m9", "suggestions": ["s1"], "title": "停车"})
    post(c, t["k01"], "merge_suggestions", {"matter": "m8", "suggestions": ["s2"], "title": "路灯"})
    for matter in ("m9", "m8"):
        meeting = {"matter": matter, "meeting": f"{matter}-d", "date": "2026-09-07"}
        post(c, t["k02"], "convene_meeting", {**meeting, "method": "show_of_hands"})
    at(engine, 2026, 9, 7, 19)
    people = ["k02", "c001", "c002", "c003", "c004", "c005"]
    post(c, t["k02"], "check_in", {"meeting": "m9-d", "people": people})
    post(c, t["k02"], "check_in", {"meeting": "m8-d", "people": ["c002"]})
    post(c, t["k02"], "enter_hand_count", {"meeting": "m9-d", "yes": 5, "no": 1})
    post(c, t["k02"], "close_meeting", {"meeting": "m9-d"})
    at(engine, 2026, 9, 8, 9)
    post(c, t["k01"], "publish", {"matter": "m9", "disclosure": "m9-d1", "text": "18 个停车位"})
    objection = {"disclosure": "m9-d1", "objection": "o1", "person": "c003", "text": "太少"}
    post(c, t["c003"], "raise_objection", objection)
    code = c.get("/api/v1/c/main/disclosures/m9-d1").json()["code"]
    service = app.state.web.services["main"]
    watch = watch_reads(service)
    # one more command, so that no view computed before the watch is served from cache
    post(c, t["c003"], "suggest", {"suggestion": "s4", "person": "c003", "title": "最后一条"})
    assert watch.take() == []
    return Site(app, engine, service, t, watch, code)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    built = build(tmp_path_factory.mktemp("lock"))
    yield built
    built.engine.store.close()


@pytest.fixture
def fresh_site(tmp_path: Path) -> Iterator[Site]:
    built = build(tmp_path)
    yield built
    built.engine.store.close()


def signed_in(app: Any, who: str | None) -> TestClient:
    c = TestClient(app, base_url="http://testserver")
    if who is not None:
        sign_in(c, who)
    return c


# (path, who is signed in, status); every page and API read of the state.
READS = [
    ("/c/main/", None, 200),
    ("/c/main/?lang=en", "c003", 200),
    ("/c/main/suggest", "c003", 200),
    ("/c/main/mine", "c003", 200),
    ("/c/main/s/s1", "c003", 200),
    ("/c/main/s/nothing", None, 404),
    ("/c/main/object/m9-d1", "c003", 200),
    ("/c/main/object/nothing", None, 404),
    ("/c/main/rate/m9", "c003", 200),
    ("/c/main/rate/nothing", None, 404),
    ("/c/main/signin", None, 200),
    ("/c/main/console", "k01", 200),
    ("/c/main/console?lang=en", "k01", 200),
    ("/c/main/console/convene_meeting?matter=m8", "k01", 200),
    ("/c/main/console/check_in?meeting=m8-d", "k01", 200),
    ("/c/main/console/cast_vote?meeting=m8-d", "k01", 200),
    ("/c/main/console/enter_ballots?meeting=m8-d", "k01", 200),
    ("/c/main/console/answer_objection?objection=o1", "k01", 200),
    ("/c/main/console/merge_suggestions?suggestions=s3", "k01", 200),
    ("/c/main/console/publish?matter=m8", "k01", 200),
    ("/c/main/console/propose_matter", "k01", 200),
    ("/c/main/console/record_canvass?matter=m9", "k01", 200),
    ("/c/main/stats", "k01", 200),
    ("/c/main/board/index.html", None, 200),
    ("/c/main/board/en/index.html", None, 200),
    ("/api/v1/c/main/matters", None, 200),
    ("/api/v1/c/main/matters/m9", None, 200),
    ("/api/v1/c/main/matters/nothing", None, 404),
    ("/api/v1/c/main/matters/m9/timeline", None, 200),
    ("/api/v1/c/main/suggestions/s1", None, 200),
    ("/api/v1/c/main/disclosures", None, 200),
    ("/api/v1/c/main/disclosures/m9-d1", None, 200),
    ("/api/v1/c/main/board", None, 200),
    ("/api/v1/c/main/stats", None, 200),
    ("/api/v1/c/main/events?timeout=0&after=0", None, 200),
]


@pytest.mark.parametrize(("path", "who", "status"), READS)
def test_every_read_of_the_state_holds_the_lock(
    site: Site, path: str, who: str | None, status: int
) -> None:
    c = signed_in(site.app, who)
    site.watch.take()
    r = c.get(path)
    assert r.status_code == status, r.text[-500:]
    assert site.watch.take() == []


def test_verifying_a_code_reads_the_records_under_the_lock(site: Site) -> None:
    c = signed_in(site.app, None)
    site.watch.take()
    r = c.get(f"/api/v1/c/main/verify?code={site.code}")
    assert r.status_code == 200 and r.json()["found"], r.json()
    assert site.watch.take() == []


def test_the_stats_of_an_engine_without_a_clock_read_no_state_unlocked(site: Site) -> None:
    c = signed_in(site.app, "k01")
    clock, site.engine.clock = site.engine.clock, None
    try:
        site.watch.take()
        assert c.get("/api/v1/c/main/stats").status_code == 200
        assert c.get("/c/main/stats").status_code == 200
        assert site.watch.take() == []
    finally:
        site.engine.clock = clock


def test_console_posts_read_the_state_under_the_lock(fresh_site: Site) -> None:
    site = fresh_site
    at(site.engine, 2026, 9, 7, 19)
    c = signed_in(site.app, "k01")
    form = c.get("/c/main/console/check_in?meeting=m8-d").text
    site.watch.take()
    sent = {"meeting": "m8-d", "csrf": csrf_of(form)}
    # a name that names no one: refused before anything is sent
    r = c.post("/c/main/console/check_in", data={**sent, "people": "没有这个人"})
    assert r.status_code == 422, r.text[-500:]
    # someone already checked in: the engine refuses, naming them
    present = site.engine.state.people.get("c002").name
    r = c.post("/c/main/console/check_in", data={**sent, "people": present})
    assert r.status_code == 409, r.text[-500:]
    # a new record whose id the console names
    r = c.post(
        "/c/main/console/merge_suggestions",
        data={"suggestions": "s3", "title": "新议题", "csrf": sent["csrf"]},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[-500:]
    assert site.watch.take() == []


def test_a_resident_writing_reads_the_state_under_the_lock(fresh_site: Site) -> None:
    site = fresh_site
    c = signed_in(site.app, "c003")
    form = c.get("/c/main/suggest").text
    site.watch.take()
    r = c.post("/c/main/suggest", data={"title": "新建议", "text": "", "csrf": csrf_of(form)})
    assert r.status_code == 200, r.text[-500:]
    api = signed_in(site.app, None)
    post(api, site.tokens["c003"], "suggest", {"suggestion": "s9", "person": "c003", "title": "x"})
    assert site.watch.take() == []


def test_the_boards_etag_is_the_one_of_the_body_it_comes_with(
    fresh_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command committed while the board is being answered: the ETag still names
    the position the body shows, or a reader keeps a stale board under a new tag."""
    site = fresh_site
    service, engine = site.service, site.engine
    computed = service.cached
    moved: list[Any] = []

    def cached_then_commit(key: Any, view: Any) -> Any:
        value = computed(key, view)
        if key[0] == "board" and not moved:
            suggest = cmd.Suggest(actor="c003", suggestion="b1", person="c003", title="x")
            moved.append(engine.execute(suggest))
        return value

    monkeypatch.setattr(service, "cached", cached_then_commit)
    c = signed_in(site.app, None)
    r = c.get("/api/v1/c/main/board")
    assert moved, "the board was not computed"
    body = r.json()
    assert r.headers["etag"] == f'"{body["position"]}-{body["head"][:16]}"'
    # the tag names the body's position: the newer board is sent, not a 304
    again = c.get("/api/v1/c/main/board", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 200 and again.json()["position"] > body["position"]


def test_pages_stay_whole_while_commands_are_committed(fresh_site: Site) -> None:
    site = fresh_site
    service = site.service
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for i in range(120):
                command = cmd.Suggest(
                    actor="c003", suggestion=f"w{i}", person="c003", title=f"w{i}"
                )
                service.execute(command)
                if i % 10 == 0:
                    merged = cmd.MergeSuggestions(
                        actor="k01", matter=f"wm{i}", suggestions=(f"w{i}",), title=f"wm{i}"
                    )
                    service.execute(merged)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            stop.set()

    staff = TestClient(site.app, base_url="http://testserver", raise_server_exceptions=False)
    sign_in(staff, "k01")
    public = TestClient(site.app, base_url="http://testserver", raise_server_exceptions=False)
    paths = [
        (public, "/api/v1/c/main/board"),
        (public, "/api/v1/c/main/matters"),
        (public, "/api/v1/c/main/disclosures"),
        (public, "/c/main/"),
        (public, "/c/main/board/index.html"),
        (staff, "/c/main/console"),
        (staff, "/c/main/console/merge_suggestions"),
        (staff, "/api/v1/c/main/stats"),
    ]
    site.watch.take()
    writer = threading.Thread(target=write)
    writer.start()
    answers: list[tuple[str, int]] = []
    mismatched: list[tuple[str, str]] = []
    try:
        while not stop.is_set():
            for c, path in paths:
                r = c.get(path)
                answers.append((path, r.status_code))
                if path == "/api/v1/c/main/board" and r.status_code == 200:
                    body = r.json()
                    tag = f'"{body["position"]}-{body["head"][:16]}"'
                    if r.headers["etag"] != tag:
                        mismatched.append((r.headers["etag"], tag))
    finally:
        writer.join()
    assert not errors, errors
    assert len(answers) > len(paths)
    assert [a for a in answers if a[1] != 200] == []
    assert mismatched == []
    assert site.watch.take() == []
