"""Adversarial sync: Hypothesis makes op shapes (wrong types, huge or NUL-laden
values, foreign villages and counties, reused sequence numbers, bad field
names) that an enrolled laptop signs and pushes, or seals into a bundle. After
every attack, every honest laptop of the village still syncs, all converge, and
nothing out of scope is stored, projected or pulled. Each run prints what it
tried, refused and stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import PASS, household_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.ids import uuid7
from fieldapp.oplog import trust_counts
from fieldapp.opschema import op_problem
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from sync import bundle as bf
from sync import device as dv

V1, V2, FOREIGN = "370303102201", "370303102202", "370323102201"

texts = st.one_of(st.text(max_size=20), st.just("a\x00b"), st.just("x" * 300_000), st.just("\ud800"),
                  st.just("=HYPERLINK(\"x\")"))
values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), texts),
                      lambda inner: st.one_of(st.lists(inner, max_size=3),
                                              st.dictionaries(st.sampled_from(["a", "b[", "$.x", "name"]), inner,
                                                              max_size=3)),
                      max_leaves=6)
shape = st.fixed_dictionaries({
    "target": st.sampled_from(["own", "neighbour", "new", "bad_id", "nul_id"]),
    "entity": st.sampled_from(["household", "member", "visit", "problem", "measure", "attachment", "spaceship"]),
    "field": st.sampled_from(["*", "phone", "village_code", "name", "status", "a[", "$.x", "", "x" * 70]),
    "value": st.one_of(values, st.fixed_dictionaries({"village_code": st.sampled_from([V1, V2, FOREIGN])}),
                       st.fixed_dictionaries({"household_id": st.just("HH"), "name": values, "position": values})),
    "county": st.sampled_from(["370303", "370323", ""]),
    "seq": st.sampled_from(["next", "reuse"]),
    "author": st.sampled_from(["a", "a\x00", "x" * 300]),
})
# Honest-looking edits mixed in, so that screening (not only the request model) decides.
benign = st.fixed_dictionaries({
    "target": st.sampled_from(["own", "neighbour"]), "entity": st.just("household"),
    "field": st.sampled_from(["phone", "address", "village_code"]),
    "value": st.sampled_from(["13600000000", "南街2号", V1, V2, FOREIGN, "a\x00"]),
    "county": st.just("370303"), "seq": st.sampled_from(["next", "next", "reuse"]), "author": st.just("a"),
})
attacks = st.tuples(st.lists(st.one_of(shape, benign, benign), min_size=1, max_size=8),
                    st.sampled_from(["push", "bundle"]))


def state(app: Fieldapp) -> dict[str, Any]:
    c = app.store.conn
    regs: dict[str, list[str]] = {}
    for e, i, f, o in c.execute("SELECT entity, entity_id, field, op_id FROM live_value"):
        regs.setdefault(f"{e}|{i}|{f}", []).append(o)
    return {"registers": {k: sorted(v) for k, v in regs.items()},
            "facts": {f"{e}|{i}": d for e, i, d in c.execute("SELECT entity, entity_id, digest FROM fact")}}


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(attacks, min_size=1, max_size=3))
def test_attacks_leave_every_honest_laptop_syncing(tmp_path_factory, plan) -> None:
    from fastapi.testclient import TestClient

    from sync.client import pull, push, signer
    from sync.server.app import create_app
    from sync.server.county import County

    root: Path = tmp_path_factory.mktemp("adv")
    county = County(root / "county", county="370303")
    http = TestClient(create_app(county))
    apps: dict[str, Fieldapp] = {}
    tried = refused = 0
    try:
        for name, village in (("attacker", V1), ("b1", V1), ("b2", V1), ("c", V2)):
            store = Store.create(root / name, PASS, county="370303")
            doc = county.enroll(county.create_enroll_code([village], name), store.device_id,
                                **dv.public_keys(store), recovery_wrap=None)
            dv.save_enrollment(store, doc, "http://testserver")
            apps[name] = Fieldapp(store, actor=name)
        a = apps["attacker"]
        own = apps["b1"].add_household(household_input(village_code=V1))
        neighbour = apps["c"].add_household(household_input(village_code=V2, phone="13700000000",
                                                             members=[{"name": "邻村户主", "relation": "head"}]))
        for x in apps.values():
            push(x, http)
            pull(x, http)
        sign = signer(a.store)
        held_before = 0
        for shapes, how in plan:
            docs = []
            for sh in shapes:
                with a.store.tx():
                    seq = a.store.next_seq()
                target = {"own": own, "neighbour": neighbour, "new": uuid7(), "bad_id": "x" * 40,
                          "nul_id": own[:-1] + "\x00"}[sh["target"]]
                value = sh["value"]
                if isinstance(value, dict) and value.get("household_id") == "HH":
                    value = {**value, "household_id": neighbour}
                docs.append({"op_id": uuid7(), "device_id": a.store.device_id,
                             "device_seq": 1 if sh["seq"] == "reuse" else seq, "hlc": a.store.clock.tick(),
                             "entity": sh["entity"], "entity_id": target, "field": sh["field"], "value": value,
                             "supersedes": [], "county": sh["county"], "schema_version": 1, "author": sh["author"]})
            tried += len(docs)
            if how == "push":
                body = json.dumps({"ops": docs}).encode()
                r = http.post("/api/v1/push", content=body,
                              headers={**sign("POST", "/api/v1/push", body), "content-type": "application/json"})
                assert r.status_code < 500, r.text
                refused += len(docs) if r.status_code != 200 else r.json()["quarantined"]
                held_before = r.json().get("held", held_before) if r.status_code == 200 else held_before
            else:
                from fieldapp.merge import Op

                try:
                    ops = [Op.from_json(d) for d in docs]
                    data = bf.seal_bundle(kind="uplink", county="370303", sender=a.store.device_id,
                                          sign_key=dv.device_keys(a.store)[0],
                                          recipient_public=bytes.fromhex(county.keys.public()["county_box_public"]),
                                          ops=ops, extra={"acked_seq": 0, "device_seq": 0, "downlink_cursor": 0}).data
                except (TypeError, ValueError):
                    refused += len(docs)  # not even sealable: no laptop can send it
                    continue
                r = http.post("/api/v1/bundles", content=data, headers={"content-type": "application/octet-stream"})
                assert r.status_code < 500, r.text
                if r.status_code != 200:
                    refused += len(docs)
                else:
                    refused += r.json()["held"] - held_before
                    held_before = r.json()["held"]
        # The honest laptops go on working and converge.
        apps["b1"].set_household_field(own, "address", "北街1号")
        apps["b2"].set_household_field(own, "phone", "13500000000")
        for name in ("b1", "b2", "c", "b1", "b2", "c"):
            push(apps[name], http)
            pull(apps[name], http)
        assert state(apps["b1"]) == state(apps["b2"])
        for x in (apps["b1"], apps["b2"]):
            assert x.household_record(own)["address"] == "北街1号"
            assert neighbour not in {h["id"] for h in x.list_households()}  # nothing out of scope pulled
        assert apps["c"].household_record(neighbour)["phone"] == "13700000000"
        # Nothing the attacker sent outside its villages, or malformed, was stored or projected.
        from sync.server.screen import list_held

        with county.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT o.op_id, o.device_id, o.device_seq, o.hlc, o.county, o.entity, o.entity_id, o.field, o.value,"
                " o.supersedes, o.schema_version, o.author, h.village_code FROM ops o LEFT JOIN households h"
                " ON h.household_id = o.household_id WHERE o.device_id = ?", (a.store.device_id,)).all()
            held = list_held(conn)
            villages = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT village_code FROM hh_state")}
        from fieldapp.merge import Op

        stored = [Op.from_json({"op_id": r[0], "device_id": r[1], "device_seq": r[2], "hlc": r[3], "county": r[4],
                                "entity": r[5], "entity_id": r[6], "field": r[7], "value": json.loads(r[8]),
                                "supersedes": json.loads(r[9]), "schema_version": r[10], "author": r[11]})
                  for r in rows]
        assert all(op_problem(op) is None for op in stored)
        assert all(r[12] == V1 for r in rows), [r[12] for r in rows]
        assert villages <= {V1, V2}
        assert trust_counts(apps["b1"].store)["set_aside"] == 0
        print(f"adversarial: tried {tried} ops ({len(plan)} attacks), refused or held {refused} "
              f"(held now {len(held)}), stored {len(stored)} in the attacker's village; honest laptops converged")
    finally:
        for x in apps.values():
            x.store.close()
        county.close()
