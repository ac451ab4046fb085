"""The JSON API as a portal uses it: a whole 智慧云 consultation, refusals that name the
field, idempotency keys, pagination, ETags, server-sent events, uploads, rate limits."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.web_fixtures import bearer, client, make_app
from yishi.store.verify import verify_sqlite
from yishi.web.schema import COMMANDS, body_fields


@pytest.fixture
def site(tmp_path):
    app, engine, access = make_app(tmp_path)
    tokens = {a: access.new_token(a) for a in ("k01", "k02", "c003", "c011", "c001", "c002", "reg")}
    return client(app), engine, tokens, tmp_path


def post(c, tokens, who, command, body, **headers):
    return c.post(
        f"/api/v1/c/main/commands/{command}", json=body, headers={**bearer(tokens[who]), **headers}
    )


def at(engine, *args):
    engine.clock.at = dt.datetime(*args)


def test_a_whole_consultation_through_the_api(site):
    c, engine, t, tmp = site
    at(engine, 2026, 9, 1, 20, 10)
    assert (
        post(
            c, t, "c003", "suggest", {"suggestion": "s1", "person": "c003", "title": "消防通道被堵"}
        ).status_code
        == 201
    )
    # a 网格员 enters an elderly resident's suggestion: both names are recorded
    r = post(
        c,
        t,
        "k02",
        "suggest",
        {"suggestion": "s3", "person": "c021", "title": "外来车辆", "on_behalf_of": "c021"},
    )
    assert r.status_code == 201, r.json()
    event = r.json()["events"][0]
    assert (event["actor"], event["on_behalf_of"]) == ("k02", "c021")
    at(engine, 2026, 9, 4, 9)
    r = post(
        c,
        t,
        "k01",
        "merge_suggestions",
        {"matter": "m9", "suggestions": ["s1", "s3"], "title": "停车秩序整治"},
    )
    assert r.status_code == 201, r.json()
    follow = c.get("/api/v1/c/main/suggestions/s1").json()
    assert follow["status"] == "merged" and follow["matter"]["id"] == "m9"
    at(engine, 2026, 9, 4, 10)
    body = {"matter": "m9", "meeting": "m9-d", "date": "2026-09-07", "method": "show_of_hands"}
    assert post(c, t, "k02", "convene_meeting", body).status_code == 201
    at(engine, 2026, 9, 7, 19)
    people = ["k02", "c001", "c002", "c003", "c004", "c005"]
    assert post(c, t, "k02", "check_in", {"meeting": "m9-d", "people": people}).status_code == 201
    # the tally sheet photographed and uploaded with the hand count
    r = c.post(
        "/api/v1/c/main/commands/enter_hand_count",
        data={"command": json.dumps({"meeting": "m9-d", "yes": 5, "no": 1}), "note": "计票单"},
        files={"evidence": ("计票单.jpg", b"\xff\xd8\xff photo bytes", "image/jpeg")},
        headers=bearer(t["k02"]),
    )
    assert r.status_code == 201, r.json()
    evidence = r.json()["events"][0]["evidence"][0]
    assert evidence["name"] == "计票单.jpg" and evidence["note"] == "计票单"
    assert post(c, t, "k02", "close_meeting", {"meeting": "m9-d"}).status_code == 201
    at(engine, 2026, 9, 8, 9)
    r = post(
        c, t, "k01", "publish", {"matter": "m9", "disclosure": "m9-d1", "text": "改建 18 个停车位"}
    )
    assert r.status_code == 201, r.json()
    board = c.get("/api/v1/c/main/board").json()
    assert [d["id"] for d in board["current"]] == ["m9-d1"]
    r = post(
        c,
        t,
        "c003",
        "raise_objection",
        {"disclosure": "m9-d1", "objection": "o1", "person": "c003", "text": "停车位太少"},
    )
    assert r.status_code == 201, r.json()
    r = post(
        c,
        t,
        "k01",
        "answer_objection",
        {"objection": "o1", "reply": "再增加 4 个", "resolved": True},
    )
    assert r.status_code == 201, r.json()
    at(engine, 2026, 9, 24, 9)  # the 15-day posting (居委会组织法 Art. 34) ended on 9-23
    assert post(c, t, "k01", "tick", {}).status_code == 201
    assert (
        post(
            c, t, "k02", "record_progress", {"matter": "m9", "text": "道闸安装完成", "percent": 100}
        ).status_code
        == 201
    )
    assert post(c, t, "k02", "complete_execution", {"matter": "m9"}).status_code == 201
    at(engine, 2026, 9, 25, 20)
    for resident in ("c001", "c002", "c003", "c011"):
        r = post(c, t, resident, "rate", {"matter": "m9", "person": resident, "rating": "满意"})
        assert r.status_code == 201, r.json()
    assert post(c, t, "k02", "close_evaluation", {"matter": "m9"}).status_code == 201
    matter = c.get("/api/v1/c/main/matters/m9").json()
    assert matter["status"] == "completed" and matter["ratings"]["满意"] == 4
    timeline = c.get("/api/v1/c/main/matters/m9/timeline?limit=200").json()["items"]
    assert any("计票单.jpg" in json.dumps(row, ensure_ascii=False) for row in timeline)
    engine.store.close()
    report = verify_sqlite(tmp / "yishi.db")
    assert report.ok and report.evidence_files == 1


def test_a_refusal_names_the_field_gives_the_rule_and_writes_nothing(site):
    c, engine, t, _ = site
    before = engine.position
    at(engine, 2026, 9, 4, 10)
    post(c, t, "c003", "suggest", {"suggestion": "s1", "person": "c003", "title": "停车"})
    post(c, t, "k01", "merge_suggestions", {"matter": "m9", "suggestions": ["s1"], "title": "停车"})
    before = engine.position
    # one day's notice where the rule set asks for two
    body = {"matter": "m9", "meeting": "m1", "date": "2026-09-05", "method": "show_of_hands"}
    r = post(c, t, "k02", "convene_meeting", body)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "notice_too_short" and error["rule"]
    assert "2" in error["message"]["zh"] and "notice" in error["message"]["en"]
    assert engine.position == before
    r = post(
        c, t, "k02", "convene_meeting", {**body, "method": "carrier_pigeon", "date": "2026-09-09"}
    )
    assert r.status_code == 409 and r.json()["error"]["field"] == "method"
    r = post(c, t, "k02", "convene_meeting", {**body, "matter": "nope"})
    assert r.status_code == 409 and r.json()["error"]["field"] == "matter"
    r = post(c, t, "k02", "convene_meeting", {**body, "date": "9月9日"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "date" and "日期" in r.json()["error"]["message"]["zh"]
    r = post(c, t, "k02", "convene_meeting", {**body, "actor": "k01"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "actor"
    r = c.post(
        "/api/v1/c/main/commands/convene_meeting", content=b"{not json", headers=bearer(t["k02"])
    )
    assert r.status_code == 400
    assert engine.position == before


def test_a_refusal_about_a_meeting_names_it_in_words_and_its_field_by_key(site):
    """The message names the meeting by its body and day; the field a portal marks
    still comes from the refusal's key (``meeting``), not from an id in the text."""
    c, engine, t, _ = site
    at(engine, 2026, 9, 4, 10)
    post(c, t, "c003", "suggest", {"suggestion": "s1", "person": "c003", "title": "停车"})
    post(c, t, "k01", "merge_suggestions", {"matter": "m9", "suggestions": ["s1"], "title": "停车"})
    body = {"matter": "m9", "meeting": "m9-d", "date": "2026-09-07", "method": "show_of_hands"}
    assert post(c, t, "k02", "convene_meeting", body).status_code == 201
    at(engine, 2026, 9, 7, 19)
    people = ["k02", "c001", "c002", "c003", "c004", "c005"]
    assert post(c, t, "k02", "check_in", {"meeting": "m9-d", "people": people}).status_code == 201
    count = {"meeting": "m9-d", "yes": 5, "no": 1}
    assert post(c, t, "k02", "enter_hand_count", count).status_code == 201
    assert post(c, t, "k02", "close_meeting", {"meeting": "m9-d"}).status_code == 201
    r = post(c, t, "k02", "enter_hand_count", count)
    error = r.json()["error"]
    assert (r.status_code, error["code"], error["field"]) == (409, "meeting_closed", "meeting")
    assert error["message"]["zh"] == "线下议事小组会议（2026-09-07）已结束"
    assert error["message"]["en"] == "Offline deliberation group meeting (2026-09-07) is closed"


def test_an_idempotency_key_records_a_retry_once(site):
    c, engine, t, _ = site
    body = {"suggestion": "s1", "person": "c003", "title": "路灯坏了"}
    first = post(c, t, "c003", "suggest", body, **{"Idempotency-Key": "phone-1"})
    position = engine.position
    again = post(c, t, "c003", "suggest", body, **{"Idempotency-Key": "phone-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["events"] == again.json()["events"] and engine.position == position
    other = post(
        c, t, "c003", "suggest", {**body, "title": "别的"}, **{"Idempotency-Key": "phone-1"}
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    # keys are per actor: another resident's "phone-1" is a different request
    mine = post(
        c,
        t,
        "c011",
        "suggest",
        {"suggestion": "s2", "person": "c011", "title": "x"},
        **{"Idempotency-Key": "phone-1"},
    )
    assert mine.status_code == 201 and engine.position == position + 1


def test_pagination_and_link_header(site):
    c, _engine, t, _ = site
    for i in range(5):
        post(
            c, t, "c003", "suggest", {"suggestion": f"s{i}", "person": "c003", "title": f"建议{i}"}
        )
        post(
            c,
            t,
            "k01",
            "merge_suggestions",
            {"matter": f"m{i}", "suggestions": [f"s{i}"], "title": f"议题{i}"},
        )
    r = c.get("/api/v1/c/main/matters?limit=2")
    page = r.json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["next"] == "2"
    assert 'rel="next"' in r.headers["link"]
    seen = [m["id"] for m in page["items"]]
    while page["next"]:
        page = c.get(f"/api/v1/c/main/matters?limit=2&cursor={page['next']}").json()
        seen += [m["id"] for m in page["items"]]
    assert sorted(seen) == [f"m{i}" for i in range(5)]
    assert c.get("/api/v1/c/main/matters?limit=0").status_code == 422
    assert c.get("/api/v1/c/main/matters?limit=x").json()["error"]["field"] == "limit"


def test_board_etag_and_conditional_get(site):
    c, _engine, t, _ = site
    for path in ("/api/v1/c/main/board", "/c/main/board/index.html"):
        first = c.get(path)
        tag = first.headers["etag"]
        assert c.get(path, headers={"If-None-Match": tag}).status_code == 304
    post(c, t, "c003", "suggest", {"suggestion": "s1", "person": "c003", "title": "x"})
    for path in ("/api/v1/c/main/board", "/c/main/board/index.html"):
        assert c.get(path, headers={"If-None-Match": tag}).status_code == 200


def test_server_sent_events_say_which_matter_changed(site):
    c, engine, t, _ = site
    post(c, t, "c003", "suggest", {"suggestion": "s1", "person": "c003", "title": "x"})
    start = engine.position
    post(c, t, "k01", "merge_suggestions", {"matter": "m9", "suggestions": ["s1"], "title": "停车"})
    with c.stream(
        "GET", "/api/v1/c/main/events?timeout=0&matter=m9", headers={"Last-Event-ID": str(start)}
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    assert f"id: {engine.position}" in text and "event: changed" in text
    data = json.loads(text.split("data: ")[1].split("\n")[0])
    assert "m9" in data["matters"]
    with c.stream(
        "GET", "/api/v1/c/main/events?timeout=0&matter=other", headers={"Last-Event-ID": str(start)}
    ) as r:
        assert "event: changed" not in "".join(r.iter_text())


def test_public_submissions_are_rate_limited(tmp_path):
    app, _engine, access = make_app(tmp_path, rate=0.001, burst=2)
    c = client(app)
    token = access.new_token("c003")
    codes = [
        c.post(
            "/api/v1/c/main/commands/suggest",
            json={"suggestion": f"s{i}", "person": "c003", "title": "x"},
            headers=bearer(token),
        )
        for i in range(3)
    ]
    assert [r.status_code for r in codes] == [201, 201, 429]
    assert (
        int(codes[2].headers["retry-after"]) > 0
        and codes[2].json()["error"]["code"] == "web_slow_down"
    )


def test_verify_a_code_from_a_notice(site):
    c, engine, t, _ = site
    post(c, t, "c003", "suggest", {"suggestion": "s1", "person": "c003", "title": "x"})
    post(c, t, "k01", "merge_suggestions", {"matter": "m9", "suggestions": ["s1"], "title": "停车"})
    at(engine, 2026, 9, 4, 10)
    post(
        c,
        t,
        "k02",
        "convene_meeting",
        {"matter": "m9", "meeting": "g", "date": "2026-09-07", "method": "show_of_hands"},
    )
    at(engine, 2026, 9, 7, 19)
    post(
        c, t, "k02", "check_in", {"meeting": "g", "people": ["k02", "c001", "c002", "c003", "c004"]}
    )
    post(c, t, "k02", "enter_hand_count", {"meeting": "g", "yes": 5, "no": 0})
    post(c, t, "k02", "close_meeting", {"meeting": "g"})
    assert post(c, t, "k01", "publish", {"matter": "m9", "disclosure": "d1"}).status_code == 201
    code = c.get("/api/v1/c/main/disclosures/d1").json()["code"]
    found = c.get(f"/api/v1/c/main/verify?code={code.lower()}").json()["found"]
    assert found[0]["disclosure"] == "d1" and found[0]["matches_log"]
    assert c.get("/api/v1/c/main/verify?code=12-3").status_code == 422


def test_the_openapi_document_is_generated_from_every_command(site):
    c, *_ = site
    doc = c.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for name, cls in COMMANDS.items():
        op = doc["paths"][f"/api/v1/c/{{community}}/commands/{name}"]["post"]
        schema = doc["components"]["schemas"][cls.__name__]
        assert set(schema["properties"]) == {f.name for f in body_fields(cls)}
        assert "actor" not in schema["properties"]
        assert {"401", "403", "409", "422"} <= set(op["responses"])


def test_a_refusal_names_a_person_without_their_register_id(site):
    """The engine says 姓名（id）; the API's words, which a portal shows its users,
    and the pages' (the same ``submit``) name the person alone."""
    c, engine, t, _ = site
    at(engine, 2026, 9, 1, 20)
    post(c, t, "c003", "suggest", {"suggestion": "s1", "person": "c003", "title": "停车"})
    at(engine, 2026, 9, 4, 9)
    post(c, t, "k01", "merge_suggestions", {"matter": "m9", "suggestions": ["s1"], "title": "停车"})
    meeting = {"matter": "m9", "meeting": "m9-d", "date": "2026-09-07", "method": "show_of_hands"}
    assert post(c, t, "k02", "convene_meeting", meeting).status_code == 201
    at(engine, 2026, 9, 7, 19)
    assert post(c, t, "k02", "check_in", {"meeting": "m9-d", "people": ["c002"]}).status_code == 201
    r = post(c, t, "k02", "check_in", {"meeting": "m9-d", "people": ["c002"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_checked_in"
    name = engine.state.people["c002"].name
    for text in r.json()["error"]["message"].values():
        assert name in text and "c002" not in text, text
    assert r.json()["error"]["people"] == ["c002"]  # for the portal, beside the words
    r = post(c, t, "k02", "check_in", {"meeting": "nothing", "people": ["c002"]})
    assert r.status_code == 409 and "people" not in r.json()["error"]
