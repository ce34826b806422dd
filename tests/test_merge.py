"""Merge rules as pure functions, and a randomized convergence proof."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.hlc import Clock, decode, encode
from fieldapp.merge import LiveValue, Op, Replica, apply_to_register, winner


def op(op_id, hlc, dev, value, supersedes=(), field="phone", entity="household", eid="h1", seq=1):
    return Op(op_id, dev, seq, hlc, entity, eid, field, value, tuple(supersedes))


def test_single_write_then_overwrite():
    r = Replica()
    r.apply(op("a", encode(1, 0), "d1", "111"))
    r.apply(op("b", encode(2, 0), "d1", "222", ["a"]))
    assert r.value("household", "h1", "phone") == "222"
    assert not r.conflicts()


def test_concurrent_edits_conflict_and_keep_both():
    r = Replica()
    r.apply(op("a", encode(5, 0), "d1", "111"))
    r.apply(op("b", encode(3, 0), "d2", "222"))
    assert [lv.value for lv in r.live("household", "h1", "phone")] == ["222", "111"]
    assert r.value("household", "h1", "phone") == "111"  # provisional: highest HLC
    assert len(r.conflicts()) == 1


def test_tie_broken_by_device_id():
    live = [LiveValue("a", encode(5, 0), "d1", "x"), LiveValue("b", encode(5, 0), "d2", "y")]
    assert winner(live).value == "y"


def test_resolution_supersedes_all():
    r = Replica()
    r.apply(op("a", encode(5, 0), "d1", "111"))
    r.apply(op("b", encode(3, 0), "d2", "222"))
    r.apply(op("c", encode(6, 0), "d1", "333", ["a", "b"]))
    assert r.value("household", "h1", "phone") == "333" and not r.conflicts()


def test_late_arrival_of_superseded_op_is_not_live():
    r = Replica()
    r.apply(op("b", encode(2, 0), "d1", "new", ["a"]))
    r.apply(op("a", encode(1, 0), "d1", "old"))
    assert [lv.value for lv in r.live("household", "h1", "phone")] == ["new"]


def test_different_fields_merge_without_conflict():
    r = Replica()
    r.apply(op("a", encode(1, 0), "d1", "111", field="phone"))
    r.apply(op("b", encode(1, 0), "d2", "东街", field="address"))
    assert not r.conflicts()


def test_fact_replay_and_alarm():
    r = Replica()
    f = Op("v1", "d1", 1, encode(1, 0), "visit", "v1", "*", {"a": 1})
    assert r.apply(f) is True
    assert r.apply(f) is False and not r.alarms
    evil = Op("v2", "d1", 2, encode(2, 0), "visit", "v1", "*", {"a": 2})
    assert r.apply(evil) is False
    assert r.alarms == ["v2"]


def test_apply_to_register_pure():
    live, is_live = apply_to_register([], op("a", encode(1, 0), "d", 1), set())
    assert is_live and [lv.op_id for lv in live] == ["a"]
    live2, is_live2 = apply_to_register(live, op("x", encode(0, 0), "d", 2), {"x"})
    assert not is_live2 and [lv.op_id for lv in live2] == ["a"]


def test_hlc_monotonic_and_observe():
    t = [1000]
    c = Clock(now=lambda: t[0])
    a = c.tick()
    b = c.tick()
    assert a < b and decode(b) == (1000, 1)
    c.observe(encode(5000, 3))
    assert decode(c.tick()) == (5000, 5)
    t[0] = 10_000
    assert decode(c.tick()) == (10_000, 0)
    assert c.too_far_ahead(encode(10_000 + 25 * 3600 * 1000, 0))
    assert not c.too_far_ahead(encode(10_000 + 23 * 3600 * 1000, 0))


class Device:
    def __init__(self, name: str, rng: random.Random) -> None:
        self.name = name
        self.rng = rng
        self.replica = Replica()
        self.seq = 0
        self.t = 0
        self.made: list[Op] = []

    def edit(self, field: str, value: str) -> Op:
        self.seq += 1
        self.t += self.rng.randint(1, 5)
        sup = tuple(lv.op_id for lv in self.replica.live("household", "h", field))
        o = Op(
            f"{self.name}-{self.seq}",
            self.name,
            self.seq,
            encode(self.t, 0),
            "household",
            "h",
            field,
            value,
            sup,
        )
        self.replica.apply(o)
        self.made.append(o)
        return o

    def fact(self) -> Op:
        self.seq += 1
        o = Op(
            f"{self.name}-{self.seq}",
            self.name,
            self.seq,
            encode(self.t, 0),
            "visit",
            f"v-{self.name}-{self.seq}",
            "*",
            {"n": self.seq},
        )
        self.replica.apply(o)
        self.made.append(o)
        return o


@settings(max_examples=120, deadline=None)
@given(seed=st.integers(0, 10**9), n_devices=st.integers(3, 5), n_steps=st.integers(5, 60))
def test_random_replicas_converge(seed, n_devices, n_steps):
    """Several replicas, random edits, random delivery with duplicates, drops and
    replays: once everything is eventually delivered all states are equal, no op
    is lost, and each conflict appears exactly once with all its values."""
    rng = random.Random(seed)
    devs = [Device(f"d{i}", rng) for i in range(n_devices)]
    fields = ["phone", "address", "group"]
    for _ in range(n_steps):
        d = rng.choice(devs)
        action = rng.random()
        if action < 0.6:
            d.edit(rng.choice(fields), f"{d.name}:{rng.randint(0, 99)}")
        elif action < 0.7:
            d.fact()
        else:  # partial, duplicated, out-of-order delivery to another device
            other = rng.choice(devs)
            batch = rng.sample(d.made, k=min(len(d.made), rng.randint(0, 4)))
            for o in batch + batch[: rng.randint(0, len(batch))]:
                other.replica.apply(o)
    all_ops = [o for d in devs for o in d.made]
    for d in devs:  # final anti-entropy in a random order, with replays
        order = all_ops + rng.sample(all_ops, k=len(all_ops) // 3)
        rng.shuffle(order)
        for o in order:
            d.replica.apply(o)
    states = [d.replica.state() for d in devs]
    assert all(s == states[0] for s in states)
    for d in devs:
        assert set(d.replica.ops) == {o.op_id for o in all_ops}
        assert not d.replica.alarms
    conflicts = devs[0].replica.conflicts()
    assert len(conflicts) == len(set(conflicts))
    for live in conflicts.values():
        assert len({lv.op_id for lv in live}) == len(live) >= 2
