"""Item models without a window: household list model + proxy, record models."""

from __future__ import annotations

import random

from conftest import household_input

from ui.household_model import (
    COL_MEMBERS,
    COL_NAME,
    COL_PROBLEMS,
    ID_ROLE,
    SORT_ROLE,
    HouseholdFilter,
    HouseholdFilterProxy,
    HouseholdTableModel,
)
from ui.record_models import ConflictTableModel, MemberTableModel, ProblemTableModel, mask_id


def _two_households(app):
    a = app.add_household(household_input())
    b = app.add_household(household_input(group="2组", phone="13900000002", members=[
        {"name": "李四", "id_number": "110105194912310038", "relation": "head"}], monitoring_type="marginal"))
    return a, b


def test_household_model_and_search(qapp, app):
    a, b = _two_households(app)
    model = HouseholdTableModel("zh")
    model.set_rows(app.household_rows())
    proxy = HouseholdFilterProxy(lambda q, c: app.search_index().search(q, c))
    proxy.setSourceModel(model)
    assert model.rowCount() == 2 and proxy.rowCount() == 2
    assert isinstance(model.data(model.index(0, COL_MEMBERS), SORT_ROLE), int)
    for query, expect in (("zs", a), ("zhangsan", a), ("张三", a), ("13900000002", b), ("110105194912310038", b)):
        proxy.set_filter(HouseholdFilter(search=query))
        assert proxy.rowCount() == 1, query
        assert proxy.household_id(0) == expect
    proxy.set_filter(HouseholdFilter(monitored_only=True))
    assert [proxy.household_id(i) for i in range(proxy.rowCount())] == [b]
    proxy.set_filter(HouseholdFilter(group="1组"))
    assert proxy.household_id(0) == a
    proxy.set_filter(HouseholdFilter())
    proxy.sort(COL_NAME)
    names = [proxy.data(proxy.index(i, COL_NAME)) for i in range(2)]
    assert sorted(names) == names


def test_household_model_20k_and_100k_qt_calls(qapp):
    """Guards against the PySide6 refcount abort: many Qt calls through our models."""
    rows = [{"id": f"h{i}", "head_name": f"户主{i}", "village_code": "370303102201", "group": f"{i % 9}组",
             "phone": "", "household_type": "ordinary", "monitoring_type": "none" if i % 5 else "marginal",
             "card_serial": 0, "members": i % 7, "last_visit": None, "overall": None,
             "open_problems": i % 3, "next_visit_due": None, "overdue": bool(i % 2)} for i in range(20_000)]
    index = {r["id"]: r["head_name"] for r in rows}
    model = HouseholdTableModel("zh")
    model.set_rows(rows)
    proxy = HouseholdFilterProxy(lambda q, c: [h for h in (index if c is None else c) if q in index[h]])
    proxy.setSourceModel(model)
    proxy.set_filter(HouseholdFilter(search="户主1", overdue=True, open_problems=True))
    assert 0 < proxy.rowCount() < 20_000
    proxy.set_filter(HouseholdFilter())
    proxy.sort(COL_PROBLEMS)
    assert model.data(model.index(0, COL_PROBLEMS), SORT_ROLE) == 0
    n = 0
    rnd = random.Random(1)
    for _ in range(25_000):
        r = rnd.randrange(20_000)
        for col in (0, 3, 6, 10):
            model.data(model.index(r, col))
            n += 1
    assert n == 100_000
    assert proxy.data(proxy.index(0, 0), ID_ROLE)


def test_record_models(qapp, app):
    from fieldapp.merge import Op
    from fieldapp.oplog import apply_op

    hid = app.add_household(household_input())
    members = MemberTableModel("en")
    members.set_rows(app.members(hid))
    assert members.data(members.index(0, 0)) == "张三"
    assert members.data(members.index(0, 4)) == mask_id(app.members(hid)[0]["id_number"])
    pid = app.open_problem(hid, "housing", "屋顶漏雨 (roof leaks)")
    problems = ProblemTableModel("en")
    problems.set_rows(app.problems(hid))
    assert problems.data(problems.index(0, 1)) == "roof leaks"
    assert problems.data(problems.index(0, 2), SORT_ROLE) == 0
    assert problems.data(problems.index(0, 0), ID_ROLE) == pid
    app.set_household_field(hid, "phone", "13911111111")
    with app.store.tx():
        apply_op(app.store, Op("remote-1", "remote-device", 1, "9999999999999-000000", "household", hid, "phone",
                               "13722222222", (), county="370303"), app.projector)
    conflicts = ConflictTableModel("en", lambda h: "张三")
    conflicts.set_rows(app.conflicts())
    assert conflicts.rowCount() == 1 and "13722222222" in conflicts.data(conflicts.index(0, 2))
