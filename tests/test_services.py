"""Services over a real encrypted store: households, visits, problems, ops, conflicts."""

from __future__ import annotations

import json
import uuid

import pytest
from conftest import HEAD_ID, full_visit_input, household_input

from fieldapp.errors import (
    ImmutableRecord,
    InputRefused,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from fieldapp.merge import Op
from fieldapp.oplog import apply_op, outbox, outbox_size


def test_add_household_writes_ops_in_same_transaction(app):
    before = outbox_size(app.store)
    hid = app.add_household(household_input())
    ops = outbox(app.store)
    assert len(ops) - before == 2  # household fact + member fact
    assert [o.device_seq for o in ops] == list(range(1, len(ops) + 1))
    assert ops[0].entity == "household" and ops[0].entity_id == hid
    assert all(o.county == "370303" for o in ops)
    assert ops[0].hlc < ops[1].hlc
    d = app.household_detail(hid)
    assert d["head_name"] == "张三"
    assert d["members"][0]["birth_date"] == "1949-12-31" and d["members"][0]["sex"] == "female"


def test_failed_write_leaves_no_op(app, monkeypatch):
    hid = app.add_household(household_input())
    n = outbox_size(app.store)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(app.projector, "field", boom)
    with pytest.raises(RuntimeError):
        app.set_household_field(hid, "phone", "13900000000")
    assert outbox_size(app.store) == n
    assert app.household_record(hid)["phone"] == "13800000001"


def test_invalid_household_refused_with_field_messages(app):
    bad = household_input(
        members=[{"name": "李四", "id_number": "110105194912310021", "relation": "head"}]
    )
    with pytest.raises(ValidationFailed) as info:
        app.add_household(bad)
    assert any("id_number" in m.field for m in info.value.messages)
    assert all(m.zh and m.en for m in info.value.messages)
    assert app.list_households() == []


def test_duplicate_id_across_households_refused(app):
    app.add_household(household_input())
    with pytest.raises(ValidationFailed):
        app.add_household(household_input(address="西街2号"))


def test_search_by_name_initials_pinyin_id_phone(app):
    hid = app.add_household(household_input())
    app.add_household(
        {
            "village_code": "370303102202",
            "group": "2组",
            "address": "北街",
            "phone": "13912345678",
            "members": [{"name": "李四", "id_number": "370101190102039973", "relation": "head"}],
        }
    )
    ids = lambda q: [r["id"] for r in app.list_households(search=q)]  # noqa: E731
    assert ids("zs") == [hid]
    assert ids("zhangsan") == [hid]
    assert ids("张三") == [hid]
    assert ids("19491231") == [hid]
    assert ids("13800000001") == [hid]
    assert len(ids("")) == 2
    assert ids("zs 1组") == [hid]
    assert [r["head_name"] for r in app.list_households(village="370303102202")] == ["李四"]


def test_search_keys_follow_edits(app):
    hid = app.add_household(household_input())
    mid = app.members(hid)[0]["id"]
    app.set_household_field(hid, f"member:{mid}:name", "王五")
    assert [r["id"] for r in app.list_households(search="ww")] == [hid]
    assert app.list_households(search="zs") == []
    app.store.conn.execute("DELETE FROM search_key")
    app.rebuild_search_keys()
    assert [r["id"] for r in app.list_households(search="wangwu")] == [hid]


def test_visit_records_verdict_and_opens_problems(app):
    hid = app.add_household(household_input())
    inp = full_visit_input(housing={"grade": "D", "renovation": "none", "safe_alternative": False})
    answers = app.answers_from_assessment(hid, inp)
    vid, verdict = app.record_visit(
        hid, answers, visited_at="2026-05-01T10:00:00+08:00", validate=False
    )
    assert verdict["indicators"]["housing"]["verdict"] == "not_met"
    assert verdict["overall"] == "not_met"
    d = app.household_detail(hid)
    assert d["latest"]["housing"] == "not_met" and d["latest"]["food"] == "met"
    assert [(p["indicator"], p["status"]) for p in d["problems"]] == [("housing", "pending")]
    # a second visit with the same gap does not open a duplicate problem
    app.record_visit(hid, answers, visited_at="2026-06-01T10:00:00+08:00", validate=False)
    assert len(app.problems(hid)) == 1
    ops = outbox(app.store)
    assert [o.entity for o in ops].count("visit") == 2
    assert app.visit(vid)["status"] == "final"


def test_member_answers_match_by_id_and_age_from_birth_date(app):
    hid = app.add_household(
        household_input(
            members=[
                {"name": "张三", "id_number": HEAD_ID, "relation": "head"},
                {"name": "张小明", "id_number": "370303201501010013", "relation": "child"},
            ]
        )
    )
    kid = app.members(hid)[1]["id"]
    answers = app.answers_from_assessment(
        hid, {"household": {"members": [{"id": kid, "schooling": "not_enrolled"}]}}
    )
    verdict = app.evaluate(hid, answers, "2026-09-10T09:00:00+08:00")
    assert verdict["indicators"]["education"]["verdict"] == "not_met"  # aged 11, not enrolled
    later = app.evaluate(hid, answers, "2031-09-10T09:00:00+08:00")
    assert later["indicators"]["education"]["verdict"] == "not_applicable"  # aged 16


def test_drafts_are_editable_and_final_visits_immutable(app):
    hid = app.add_household(household_input())
    n = outbox_size(app.store)
    vid = app.save_draft(hid, {"food": {"staple_ok": True}})
    vid2 = app.save_draft(hid, {"food": {"staple_ok": True, "protein_ok": False}}, vid)
    assert vid == vid2 and outbox_size(app.store) == n  # drafts are local, no op
    assert app.visit(vid)["answers"]["food"]["protein_ok"] is False
    answers = app.answers_from_assessment(hid, full_visit_input())
    app.record_visit(hid, answers, visit_id=vid, validate=False)
    assert app.visit(vid)["status"] == "final"
    with pytest.raises(ImmutableRecord):
        app.save_draft(hid, {}, vid)
    with pytest.raises(ImmutableRecord):
        app.record_visit(hid, answers, visit_id=vid, validate=False)
    with pytest.raises(ImmutableRecord):
        app.discard_draft(vid)


def test_problem_flow_and_verifier_rule(app):
    hid = app.add_household(household_input())
    pid = app.open_problem(hid, "housing", "屋顶漏雨")
    with pytest.raises(InvalidTransition):
        app.move_problem(pid, "closed", "done")
    app.move_problem(pid, "in_progress", "已联系施工队")
    app.move_problem(pid, "awaiting_check", "维修完成")
    with pytest.raises(InvalidTransition):
        app.move_problem(pid, "closed", "自己验收")  # reporter cannot close
    with pytest.raises(InputRefused):
        app.move_problem(pid, "closed", "", actor="乡镇核查员")
    app.move_problem(pid, "closed", "现场验收合格", actor="乡镇核查员")
    p = app.problems(hid)[0]
    assert p["status"] == "closed"
    assert [h["status"] for h in p["history"]] == ["in_progress", "awaiting_check", "closed"]
    assert p["history"][-1]["actor"] == "乡镇核查员"
    with pytest.raises(InvalidTransition):
        app.move_problem(pid, "in_progress")


def _remote(
    app,
    entity,
    eid,
    field,
    value,
    supersedes,
    dev="01900000-0000-7000-8000-00000000beef",
    seq=1,
    hlc="9999999999999-000000",
):
    o = Op(
        str(uuid.uuid5(uuid.NAMESPACE_URL, f"remote-{seq}-{field}")),
        dev,
        seq,
        hlc,
        entity,
        eid,
        field,
        value,
        tuple(supersedes),
        county="370303",
    )
    with app.store.tx():
        r = apply_op(app.store, o, app.projector)
        app._commit_search_keys()
    return r


def test_concurrent_edit_becomes_conflict_and_resolves(app):
    hid = app.add_household(household_input())
    app.set_household_field(hid, "phone", "13911111111")
    # another laptop edited the same field from the original value (saw no op)
    _remote(app, "household", hid, "phone", "13722222222", [])
    conflicts = app.conflicts()
    assert len(conflicts) == 1 and sorted(conflicts[0]["values"]) == ["13722222222", "13911111111"]
    assert app.household_record(hid)["phone"] == "13722222222"  # provisional winner: highest HLC
    show = app.household_detail(hid)
    assert show["conflicts"][0]["field"] == f"household:{hid}:phone"
    app.resolve(f"household:{hid}:phone", "13933333333")
    assert app.conflicts() == []
    assert app.household_record(hid)["phone"] == "13933333333"
    last = outbox(app.store)[-1]
    assert set(last.supersedes) == {lv["op_id"] for lv in conflicts[0]["detail"]}


def test_different_fields_do_not_conflict(app):
    hid = app.add_household(household_input())
    app.set_household_field(hid, "phone", "13911111111")
    _remote(app, "household", hid, "address", "南街9号", [])
    assert app.conflicts() == []
    rec = app.household_record(hid)
    assert rec["phone"] == "13911111111" and rec["address"] == "南街9号"


def test_replayed_op_is_noop_and_tampered_op_alarms(app):
    hid = app.add_household(household_input())
    assert _remote(app, "household", hid, "address", "南街9号", []).status == "applied"
    assert _remote(app, "household", hid, "address", "南街9号", []).status == "duplicate"
    assert _remote(app, "household", hid, "address", "北街1号", []).status == "alarm"
    assert app.household_record(hid)["address"] == "南街9号"


def test_edit_arriving_before_its_record(app):
    """Another delivery order: a member edit before the member itself."""
    hid = app.add_household(household_input())
    _remote(app, "member", "m-remote", "name", "赵六", [], seq=2, hlc="0000000000002-000000")
    o = Op(
        "remote-fact",
        "remote-device",
        1,
        "0000000000001-000000",
        "member",
        "m-remote",
        "*",
        {"household_id": hid, "name": "赵", "relation": "spouse", "position": 1},
        (),
    )
    with app.store.tx():
        apply_op(app.store, o, app.projector)
    assert [m["name"] for m in app.members(hid)] == ["张三", "赵六"]


def test_unknown_field_and_missing_household(app):
    hid = app.add_household(household_input())
    with pytest.raises(InputRefused):
        app.set_household_field(hid, "colour", "red")
    with pytest.raises(NotFound):
        app.household_detail("nope")


def test_attachments_are_inside_the_store(app):
    hid = app.add_household(household_input())
    data = b"\xff\xd8\xff" + b"photo-bytes" * 100
    aid = app.add_attachment(hid, data)
    assert app.attachments(hid=hid)[0]["data"] == data and app.attachments(hid=hid)[0]["id"] == aid


def test_status_and_summary(app):
    hid = app.add_household(household_input())
    app.record_visit(hid, app.answers_from_assessment(hid, full_visit_input()), validate=False)
    st = app.status()
    assert st["outbox_pending"] == 3 and st["last_acked_seq"] == 0 and st["device_id"]
    s = app.summary()
    assert s["households"] == 1 and s["verdicts"]["food"] == {"met": 1}
    json.dumps(s)


def test_second_head_refused_but_old_warnings_do_not_block(app):
    hid = app.add_household(household_input(members=[
        {"name": "张三", "id_number": HEAD_ID, "relation": "head"},
        {"name": "张四", "id_number": "370101190102039973", "relation": "son"},
    ]))
    son = app.members(hid)[1]["id"]
    with pytest.raises(ValidationFailed):
        app.set_household_field(hid, f"member:{son}:relation", "head")
    app.set_household_field(hid, f"member:{son}:name", "张小四")  # unrelated edit still works
    assert app.members(hid)[1]["name"] == "张小四"


def test_latest_verdict_counts_each_household_once(app):
    hid = app.add_household(household_input())
    answers = app.answers_from_assessment(hid, full_visit_input())
    app.record_visit(hid, answers, visited_at="2026-05-01T10:00:00+08:00", validate=False)
    app.record_visit(hid, answers, visited_at="2026-05-01T10:00:00+08:00", validate=False)
    assert app.summary()["verdicts"]["food"] == {"met": 1}
    assert len(app.household_rows()) == 1
