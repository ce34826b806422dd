"""Randomized convergence: a county server and three laptops, random edits of
the same and different fields, visits and problem moves, delivered over the
network and by bundles with duplicates, reordering, replays, drops and
re-exports. Everyone ends with the same live values and facts, no op lost."""

from __future__ import annotations

from pathlib import Path

from conftest import PASS, full_visit_input, household_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.errors import FieldappError
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from sync import device as dv

VILLAGE = "370303102201"
N = 3
actions = st.lists(
    st.tuples(st.sampled_from(["edit", "edit_same", "visit", "problem", "sync", "export", "deliver", "downlink"]),
              st.integers(0, N - 1), st.integers(0, 50)),
    min_size=5, max_size=25,
)


def _state(app: Fieldapp) -> dict:
    c = app.store.conn
    regs: dict = {}
    for e, i, f, o in c.execute("SELECT entity, entity_id, field, op_id FROM live_value"):
        regs.setdefault(f"{e}|{i}|{f}", []).append(o)
    return {"registers": {k: sorted(v) for k, v in regs.items()},
            "facts": {f"{e}|{i}": d for e, i, d in c.execute("SELECT entity, entity_id, digest FROM fact")}}


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(actions)
def test_random_delivery_converges(tmp_path_factory, plan) -> None:
    from fastapi.testclient import TestClient

    from sync.client import pull, push
    from sync.server.app import create_app
    from sync.server.county import County

    root: Path = tmp_path_factory.mktemp("conv")
    county = County(root / "county", county="370303")
    http = TestClient(create_app(county))
    apps: list[Fieldapp] = []
    try:
        for i in range(N):
            store = Store.create(root / f"lap{i}", PASS, county="370303")
            app = Fieldapp(store, actor=f"cadre{i}")
            doc = county.enroll(county.create_enroll_code([VILLAGE], f"cadre{i}"), store.device_id,
                                **dv.public_keys(store), recovery_wrap=None)
            dv.save_enrollment(store, doc, "http://testserver")
            apps.append(app)
        hid = apps[0].add_household(household_input())
        pid = apps[0].open_problem(hid, "water", "no water")
        push(apps[0], http)
        for app in apps:
            pull(app, http)
        bundles: list[bytes] = []
        for kind, who, n in plan:
            app = apps[who]
            try:
                if kind == "edit":
                    app.set_household_field(hid, ["address", "group", "notes"][n % 3], f"v{n}")
                elif kind == "edit_same":
                    app.set_household_field(hid, "phone", f"1390000{n:04d}")
                elif kind == "visit":
                    app.record_visit(hid, app.answers_from_assessment(hid, full_visit_input()), validate=False)
                elif kind == "problem":
                    status = app.problems(hid)[0]["status"]
                    nxt = {"pending": "in_progress", "in_progress": "awaiting_check"}.get(status)
                    if nxt:
                        app.move_problem(pid, nxt, note="ok")
                elif kind == "sync":
                    push(app, http)
                    pull(app, http)
                elif kind == "export":
                    path, _ = dv.export_uplink(app, root / "usb")
                    bundles.append(path.read_bytes())
                elif kind == "deliver" and bundles:
                    # any bundle, any order, possibly again (replay), possibly never (drop)
                    county.import_bundle(bundles[n % len(bundles)])
                elif kind == "downlink":
                    dv.import_downlink(app, county.downlink(app.store.device_id))
            except FieldappError:
                pass
        for _ in range(2):
            for app in apps:
                push(app, http)
                pull(app, http)
        states = [_state(a) for a in apps]
        assert states[0] == states[1] == states[2]
        assert states[0] == county.state()
        total = sum(int(a.store.meta("device_seq")) for a in apps)
        assert county.stats()["ops"] == total
        for a in apps:
            assert int(a.store.meta("last_acked_seq")) == int(a.store.meta("device_seq"))
            phone_conflicts = [c for c in a.conflicts() if c["name"] == "phone"]
            assert len(phone_conflicts) <= 1
    finally:
        for a in apps:
            a.store.close()
        county.close()
