"""The disclosure document: a pure function of the log, with its dates, counts and code."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from tests.publish_fixtures import run
from yishi.publish.code import normalise_code, verification_code
from yishi.publish.document import FORMAT, build_document, last_day
from yishi.publish.privacy import PrivacyPolicy


def _doc(engine, records, disclosure, **kw):
    matter = engine.state.disclosures[disclosure].matter
    ruleset = engine.rulesets[engine.state.matters[matter].procedure]
    return build_document(engine.state, ruleset, disclosure, records, **kw)


def test_the_resolution_notice_states_what_who_when_and_the_numbers():
    engine, records = run("01_land_lease_passes.toml")
    doc = _doc(engine, records, "m1-d1")
    assert doc["format"] == FORMAT
    assert doc["disclosure"]["posted_on"] == "2026-03-17"
    assert doc["disclosure"]["last_day"] == "2026-03-31"  # 15 days (2025 law), as recorded
    resolve = doc["decisions"][-1]
    assert resolve["body"] == "村民代表会议" and resolve["outcome_label"] == "通过"
    assert resolve["counts"] == {"entitled": 30, "present": 25, "yes": 22, "no": 2, "abstain": 1}
    assert any("赞成 22 票" in line for line in resolve["explanation"])
    assert doc["objecting"]["last_day"] == "2026-03-31" and doc["objecting"]["reply_days"] == 3
    # what happened after posting is not part of the notice (only its own end)
    types = [row["type"] for row in doc["timeline"]]
    assert "ExecutionSignedOff" not in types and types[-1] == "DisclosureClosed"
    assert doc["implementation"] is None
    # the monitoring committee reviewed the notice before it was posted (监督意见)
    review = doc["supervision"][0]
    assert review["by"] == "村务监督委员会（刘桂芳）" and review["text"].startswith("已审核")


def test_the_result_notice_has_the_outcome_supervision_and_evidence_section():
    engine, records = run("01_land_lease_passes.toml")
    doc = _doc(engine, records, "m1-d2", lang="en")
    assert doc["disclosure"]["kind_label"] == "Implementation result notice"
    signed = [s for s in doc["supervision"] if s["text"] == "合同、收款凭证已审核"]
    assert signed and signed[0]["by"].endswith("(刘桂芳)")
    assert "委员会" not in signed[0]["by"]  # English names of bodies in English
    impl = doc["implementation"]
    assert impl["progress"][0]["percent"] == 100
    assert impl["accounts"] == [] and impl["accounts_note"] == "No accounts recorded."


def test_objections_and_replies_appear_without_the_objectors_names():
    engine, records = run("04_objection_during_disclosure.toml")
    doc = _doc(engine, records, "m4-d1")
    texts = [o["text"] for o in doc["objections"]]
    assert "方案中 80 岁以上独居老人户也要筹劳，不合理。" in texts
    answered = next(o for o in doc["objections"] if o["status"] == "answered")
    assert answered["reply"].startswith("经核实")
    assert {o["status"] for o in doc["objections"]} == {"answered", "escalated"}
    people = {p.name for p in engine.state.people.values()}
    dumped = json.dumps(doc["objections"], ensure_ascii=False)
    assert not [n for n in people if n in dumped]


def test_recusals_are_listed_with_their_reasons():
    engine, records = run("05_recusal.toml")
    disclosure = next(iter(engine.state.disclosures))
    doc = _doc(engine, records, disclosure)
    reasons = {r["reason"] for r in doc["recusals"]}
    assert "其子经营的建筑队参与投标" in reasons and "其兄为投标人" in reasons


def test_the_document_is_a_pure_function_of_the_log():
    first, records = run("04_objection_during_disclosure.toml")
    second, again = run("04_objection_during_disclosure.toml")
    for disclosure in first.state.disclosures:
        assert _doc(first, records, disclosure) == _doc(second, again, disclosure)
        json.dumps(_doc(first, records, disclosure))  # JSON all the way down


def test_the_code_is_carried_and_found_again():
    engine, records = run("01_land_lease_passes.toml")
    d = engine.state.disclosures["m1-d1"]
    doc = _doc(engine, records, "m1-d1")
    assert doc["code"] == verification_code("m1-d1", d.checkpoint)
    assert doc["checkpoint"] == dict(d.checkpoint)
    assert normalise_code(doc["code"].lower().replace("-", " ")) == doc["code"]


def test_a_matter_type_can_withhold_sections():
    engine, records = run("04_objection_during_disclosure.toml")
    policy = PrivacyPolicy(
        matter_types={"public_welfare_project": frozenset({"counts", "objections"})}
    )
    doc = _doc(engine, records, "m4-d1", policy=policy)
    assert doc["objections"] == []
    assert all(d["counts"] == {} for d in doc["decisions"])
    assert doc["withheld"] == ["counts", "objections"]
    assert doc["withheld_labels"] == ["票数与到会人数", "异议及答复"]  # words, not key names
    assert "独居老人户" not in json.dumps(doc, ensure_ascii=False)


def test_named_fields_are_withheld_everywhere():
    engine, records = run("05_recusal.toml")
    disclosure = next(iter(engine.state.disclosures))
    doc = _doc(engine, records, disclosure, policy=PrivacyPolicy(frozenset({"reason"})))
    assert doc["recusals"] and all("reason" not in r for r in doc["recusals"])
    assert "其兄为投标人" not in json.dumps(doc, ensure_ascii=False)


@given(st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ-", min_size=1, max_size=12))
def test_codes_read_back_in_canonical_form(text):
    code = normalise_code(text)
    if code is not None:
        assert normalise_code(code) == code and len(code) == 9


@given(st.dates(), st.integers(1, 60))
def test_the_last_day_is_the_day_before_the_notice_may_come_down(posted, days):
    class D:
        until = posted + dt.timedelta(days=days)

    assert last_day(D()) == posted + dt.timedelta(days=days - 1)  # type: ignore[arg-type]


def test_the_rule_set_names_what_is_withheld(tmp_path):
    from yishi.rulesets.loader import load
    from yishi.rulesets.registry import shipped

    engine, records = run("05_recusal.toml")
    text = shipped()["siyi_liang_gongkai"].read_text(encoding="utf-8")
    text += '\n[privacy]\nwithhold = ["reason"]\n'
    text = text.replace(
        'name = "工程项目招投标与采购"\n', 'name = "工程项目招投标与采购"\nwithhold = ["counts"]\n'
    )
    path = tmp_path / "siyi_liang_gongkai.toml"
    path.write_text(text, encoding="utf-8")
    ruleset = load(path)
    assert ruleset.privacy_withhold == ("reason",)
    disclosure = next(iter(engine.state.disclosures))
    doc = build_document(engine.state, ruleset, disclosure, records)
    assert doc["withheld"] == ["counts", "reason"]
    dumped = json.dumps(doc, ensure_ascii=False)
    assert "其兄为投标人" not in dumped and '"yes"' not in dumped


def test_a_withheld_section_must_be_one_the_document_has(tmp_path):
    from yishi.rulesets.loader import check_text
    from yishi.rulesets.registry import shipped

    text = shipped()["siyi_liang_gongkai"].read_text(encoding="utf-8")
    text = text.replace(
        'name = "宅基地使用方案"\n', 'name = "宅基地使用方案"\nwithhold = ["votes"]\n'
    )
    _, problems = check_text(text.encode(), "x.toml")
    assert any("withhold" in p.render("en") and "votes" in p.render("en") for p in problems)


def test_the_monitoring_committees_review_is_shown_when_the_record_has_one():
    """A stage may ask the monitoring committee to review a notice before it is
    posted; the disclosure then records ``content["review"]``."""
    engine, records = run("01_land_lease_passes.toml")
    engine.state.disclosures["m1-d1"].content["review"] = {
        "by": "刘桂芳",
        "body": "村务监督委员会",
        "body_en": "Village affairs monitoring committee",
        "opinion": "经审核，公示内容与会议记录一致，同意公示。",
    }
    doc = _doc(engine, records, "m1-d1")
    assert doc["supervision"][0] == {
        "date": "2026-03-17",
        "by": "村务监督委员会（刘桂芳）",
        "text": "经审核，公示内容与会议记录一致，同意公示。",
    }
    english = _doc(engine, records, "m1-d1", lang="en")
    assert english["supervision"][0]["by"] == "Village affairs monitoring committee (刘桂芳)"


def test_a_meeting_called_at_short_notice_says_why():
    engine, records = run("01_land_lease_passes.toml")
    decisions = engine.state.disclosures["m1-d1"].content["decisions"]
    decisions[0]["urgent_notice"] = "汛期抢修，须当日议定"
    doc = _doc(engine, records, "m1-d1")
    assert doc["decisions"][0]["explanation"][-1] == "临时通知：汛期抢修，须当日议定"


def test_dates_counted_by_the_record_are_taken_as_they_are():
    """A record that counts its periods (民法典 Art. 201: from the day after posting,
    possibly in working days) carries them; the document shows those days."""
    from types import SimpleNamespace

    from yishi.publish.document import _counting_note, first_day, objections_last_day

    posted = dt.date(2026, 9, 30)
    d = SimpleNamespace(
        posted_on=posted,
        until=dt.date(2026, 10, 8),
        objections_until=dt.date(2026, 10, 8),
        periods={
            "posting": {
                "first_day": "2026-10-01",
                "last_day": "2026-10-14",
                "counting": "working_days",
                "estimated": True,
            },
            "objections": {"first_day": "2026-10-01", "last_day": "2026-10-12"},
        },
    )
    assert first_day(d) == dt.date(2026, 10, 1)
    assert last_day(d) == dt.date(2026, 10, 14)
    assert objections_last_day(d) == dt.date(2026, 10, 12)
    assert _counting_note(d, "zh") == "按工作日计算；节假日安排尚未公布，日期为估算"
    older = SimpleNamespace(posted_on=posted, until=dt.date(2026, 10, 7), objections_until=None)
    assert first_day(older) == posted and last_day(older) == dt.date(2026, 10, 6)
    assert objections_last_day(older) is None


def test_a_disclosure_made_without_a_log_has_no_code_and_the_board_says_nothing_false(tmp_path):
    from yishi.publish.site import BoardOptions, write_board

    engine, records = run("04_objection_during_disclosure.toml")
    for d in engine.state.disclosures.values():
        d.checkpoint = None
    engine.state.disclosures["m4-d2"].closed = None  # still up
    doc = _doc(engine, records, "m4-d2")
    assert doc["code"] is None and doc["checkpoint"] is None
    assert doc["disclosure"]["status"] == "posted"  # listed as current on the index
    write_board(tmp_path, engine.state, engine.rulesets, records, BoardOptions())
    for page in ("index.html", "verify.html", "matters/m4.html"):
        assert "None" not in (tmp_path / page).read_text(encoding="utf-8")


def test_outside_approvals_are_on_the_notices_that_follow_them():
    engine, records = run("01_land_lease_passes.toml")
    engine.state.disclosures["m1-d2"].content["approvals"] = [
        {"by": "青石镇人民政府", "approved": True, "document": "青政复〔2026〕12 号"}
    ]
    doc = _doc(engine, records, "m1-d2")
    assert doc["approvals"] == [
        {
            "by": "青石镇人民政府",
            "approved": True,
            "label": "批准",
            "document": "青政复〔2026〕12 号",
        }
    ]
    assert _doc(engine, records, "m1-d1")["approvals"] == []
