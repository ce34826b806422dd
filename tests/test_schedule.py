"""Visit scheduling and cadre load (issue 12): every policy number used.

Pure table tests of the due date, then the household list over a real store:
the next-visit date entered on a visit wins, intervals follow the monitoring
type, the household type and the laptop's role, and a cadre over the cap is
warned about where households are assigned (service and command line).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import full_visit_input, household_input, run_cli

from fieldapp.policy import load_policy
from fieldapp.schedule import next_visit_due, parse_due, visit_interval
from fieldapp.validate import cadre_load_warnings

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(n: int) -> str:
    body = f"37030319800101{n:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


@pytest.mark.parametrize(
    ("last", "entered", "interval", "due"),
    [
        (date(2026, 1, 1), None, 30, date(2026, 1, 31)),
        (date(2026, 1, 1), None, 365, date(2027, 1, 1)),
        (date(2026, 1, 1), date(2026, 1, 10), 365, date(2026, 1, 10)),  # entered date wins
        (date(2026, 1, 1), date(2026, 6, 1), 30, date(2026, 6, 1)),  # ... later or earlier
        (None, None, 30, None),  # never visited: due now
        (None, date(2026, 2, 1), 30, date(2026, 2, 1)),
    ],
)
def test_next_visit_due(last: date | None, entered: date | None, interval: int, due: date | None) -> None:
    assert next_visit_due(last, entered, interval) == due


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("2026-04-01", date(2026, 4, 1)), ("2026-04-01T00:00", date(2026, 4, 1)), ("", None),
     (None, None), ("next week", None), ("2026-13-01", None), (20260401, None)],
)  # fmt: skip
def test_parse_due(value: object, parsed: date | None) -> None:
    assert parse_due(value) == parsed


@pytest.mark.parametrize(
    ("monitoring", "household_type", "role", "days"),
    [
        (None, "ordinary", "first_secretary", 365),
        ("none", "tuopin_general", "first_secretary", 90),
        ("unstable", "tuopin_general", "first_secretary", 30),
        ("marginal", "ordinary", "cadre", 14),
    ],
)
def test_visit_interval(monitoring: str | None, household_type: str, role: str, days: int) -> None:
    assert visit_interval(load_policy(), monitoring, household_type, role) == days


@pytest.mark.parametrize(("count", "warned"), [(1, False), (5, False), (6, True), (9, True)])
def test_cadre_cap_boundary(count: int, warned: bool) -> None:
    got = cadre_load_warnings("李四", count, load_policy())
    assert bool(got) is warned
    for m in got:
        assert (m.field, m.code, m.severity) == ("household.cadre", "cadre_over_cap", "warning")
        assert str(count) in m.zh and str(count) in m.en and "5" in m.zh


# --- over a real store ---------------------------------------------------------------------


def _household(app, n: int, **over) -> str:
    members = [{"name": f"户主{n}", "id_number": make_id(n), "relation": "head"}]
    return app.add_household(household_input(members=members, address=f"东街{n}号", **over))


def _row(app, hid: str, today: date) -> dict:
    return next(r for r in app.household_rows(today) if r["id"] == hid)


def _visit(app, hid: str, at: str, **visit_fields) -> None:
    answers = app.answers_from_assessment(hid, full_visit_input())
    answers.setdefault("visit", {}).update(visit_fields)
    app.record_visit(hid, answers, visited_at=at, validate=False)


def test_entered_next_visit_date_wins(app) -> None:
    hid = _household(app, 1)
    today = date(2026, 3, 1)
    assert _row(app, hid, today)["next_visit_due"] is None
    assert _row(app, hid, today)["overdue"]
    _visit(app, hid, "2026-02-01T10:00:00+08:00")
    assert _row(app, hid, today)["next_visit_due"] == "2027-02-01"  # ordinary: yearly
    _visit(app, hid, "2026-02-20T10:00:00+08:00", next_visit_due="2026-02-28")
    row = _row(app, hid, today)
    assert row["next_visit_due"] == "2026-02-28" and row["overdue"]
    assert not _row(app, hid, date(2026, 2, 28))["overdue"]


@pytest.mark.parametrize(
    ("household_type", "monitoring", "role", "due"),
    [
        ("ordinary", "none", None, "2027-01-10"),
        ("tuopin_general", "none", None, "2026-04-10"),  # 90 days, not once a year
        ("tuopin_dibao", "unstable", None, "2026-02-09"),  # monitored: monthly
        ("ordinary", "sudden", "first_secretary", "2026-02-09"),
        ("ordinary", "none", "cadre", "2026-01-24"),  # a cadre's laptop: every two weeks
    ],
)
def test_interval_by_type_monitoring_and_role(app, household_type, monitoring, role, due) -> None:
    if role is not None:
        app.store.set_meta("role", role)
    hid = _household(app, 2, household_type=household_type, monitoring_type=monitoring)
    _visit(app, hid, "2026-01-10T09:00:00+08:00")
    assert _row(app, hid, date(2026, 1, 11))["next_visit_due"] == due


def test_cadre_over_cap_is_a_warning_where_households_are_assigned(app) -> None:
    cadre = {"name": "李四", "phone": "13812345678", "unit": "县农业农村局"}
    hids = [_household(app, n) for n in range(1, 8)]
    for hid in hids[:5]:
        assert app.set_household_field(hid, "cadre", cadre) == []
    warnings = app.set_household_field(hids[5], "cadre", cadre)
    assert [w.code for w in warnings] == ["cadre_over_cap"]
    assert app.household_record(hids[5])["cadre"] == cadre  # a warning, never a block
    assert app.set_household_field(hids[6], "cadre", {**cadre, "name": "王五"}) == []
    assert app.set_household_field(hids[6], "phone", "13900000000") == []


def test_cli_prints_the_cadre_warning(home) -> None:
    assert run_cli("init", home=home).returncode == 0
    cadre = {"name": "李四", "phone": "13812345678", "unit": "县农业农村局"}
    for n in range(1, 7):
        data = household_input(
            members=[{"name": f"户主{n}", "id_number": make_id(n), "relation": "head"}],
            address=f"东街{n}号",
            cadre=cadre,
        )
        path = home / f"h{n}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        done = run_cli("household", "add", "--json-file", str(path), "--json", home=home)
        assert done.returncode == 0, done.stderr
        doc = json.loads(done.stdout)
        assert [w["code"] for w in doc["warnings"]] == (["cadre_over_cap"] if n == 6 else [])
    hid = doc["id"]
    done = run_cli("household", "set", hid, "cadre", json.dumps(cadre, ensure_ascii=False), home=home,
                   env={"FIELDAPP_LANG": "zh_CN"})
    assert done.returncode == 0
    assert "warning:" in done.stderr and "李四" in done.stderr and "6" in done.stderr


def test_visit_validation_knows_the_household(app) -> None:
    """The service passes the household (脱贫户 rule 5) and its province's policy to the validator."""
    hid = _household(app, 3, household_type="tuopin_general")
    mid = app.members(hid)[0]["id"]
    answers = {"members": {mid: {"medical_insurance": "resident", "serious_illness_insurance": False}}}
    codes = {m.code for m in app.validate_visit(hid, answers, final=False)}
    assert "serious_illness_insurance" in codes
    ordinary = _household(app, 4)
    mid = app.members(ordinary)[0]["id"]
    answers = {"members": {mid: {"medical_insurance": "resident", "serious_illness_insurance": False}}}
    assert "serious_illness_insurance" not in {m.code for m in app.validate_visit(ordinary, answers, final=False)}
