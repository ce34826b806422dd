"""The services the CLI and the GUI both call. No Qt, no HTTP.

One :class:`Fieldapp` object wraps an unlocked :class:`~fieldapp.store.Store`
and offers the operations a first secretary performs: households and members,
visits (drafts and finalised), the problem ledger, measures, conflicts, cards
and search. Every write goes through the op log in one transaction.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fieldapp import rules
from fieldapp.errors import (
    Cancelled,
    ImmutableRecord,
    InputRefused,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from fieldapp.ids import uuid7
from fieldapp.merge import LiveValue, winner
from fieldapp.oplog import COLUMNS, OpWriter, Projector, live_values, outbox_size
from fieldapp.policy import Policy, load_policy
from fieldapp.search_keys import normalize_query, search_blob
from fieldapp.store import Store, utc_now

HOUSEHOLD_FIELDS = (
    "village_code", "group", "address", "phone", "household_type", "monitoring_type", "status",
    "flags", "cadre", "secretary", "natural_village", "risks", "identified_month", "elimination",
    "notes", "card_serial", "card_printed_at", "village_name", "township_name",
)
MEMBER_FIELDS = (
    "name", "id_number", "relation", "sex", "birth_date", "status", "education_attained", "schooling",
    "health", "disability", "labour", "medical_insurance", "serious_illness_insurance", "work_location",
    "work_months", "phone", "ethnicity", "political", "override_reason", "out_of_school_reason",
)
PROBLEM_FLOW: dict[str, tuple[str, ...]] = {
    # 问题台账 status flow (DOMAIN §10): pending -> in progress -> awaiting check -> closed;
    # a failed check sends it back to in progress.
    "pending": ("in_progress",),
    "in_progress": ("awaiting_check",),
    "awaiting_check": ("closed", "in_progress"),
    "closed": (),
}
INDICATOR_CATEGORY = {
    "food": "food", "clothing": "clothing", "education": "education", "medical": "medical",
    "housing": "housing", "water": "water", "income": "income",
}
OPEN_STATUSES = ("pending", "in_progress", "awaiting_check")
# The latest final visit of each household (exactly one row per household, even on equal times).
LATEST_VISITS = (
    "SELECT {cols} FROM (SELECT *, row_number() OVER (PARTITION BY household_id"
    " ORDER BY visited_at DESC, id DESC) AS rn FROM visit WHERE status = 'final') WHERE rn = 1"
)


def _loads(text: str | None, default: Any = None) -> Any:
    if text is None:
        return default
    return json.loads(text)


def _now_local() -> datetime:
    return datetime.now(UTC).astimezone()


def _parse_dt(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputRefused(f"'{text}' is not a date and time (use 2026-05-01T10:30)", f"“{text}”不是有效的日期时间（例如 2026-05-01T10:30）") from None
    return dt


def age_on(birth: str | None, on: date) -> int | None:
    if not birth:
        return None
    try:
        b = date.fromisoformat(birth)
    except ValueError:
        return None
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


@dataclass
class SearchIndex:
    """In-memory search keys, kept in step with the store; per keystroke it is a
    substring scan over one short string per household (no SQL, no decryption).

    Typing usually extends the previous query, so a query that extends the last
    one is answered from the last result only.
    """

    blobs: dict[str, str] = field(default_factory=dict)
    _last: tuple[str, tuple[str, ...] | None, list[str]] | None = None

    def set(self, hid: str, blob: str) -> None:
        self.blobs[hid] = blob
        self._last = None

    def search(self, query: str, candidates: Iterable[str] | None = None, limit: int | None = None) -> list[str]:
        terms = normalize_query(query).split()
        cand_key = None if candidates is None else tuple(candidates)
        if not terms:
            out = list(self.blobs) if cand_key is None else [h for h in cand_key if h in self.blobs]
            return out[:limit] if limit is not None else out
        q = " ".join(terms)
        pool: Iterable[str]
        last = self._last
        if last is not None and last[1] == cand_key and q.startswith(last[0]) and len(q.split()) == len(last[0].split()):
            pool = last[2]  # the new query extends the last one: narrow its result
        else:
            pool = self.blobs if cand_key is None else [h for h in cand_key if h in self.blobs]
        blobs = self.blobs
        if len(terms) == 1:
            t = terms[0]
            out = [h for h in pool if t in blobs[h]]
        else:
            out = [h for h in pool if all(t in blobs[h] for t in terms)]
        self._last = (q, cand_key, out)
        return out[:limit] if limit is not None else out


class Fieldapp:
    """The application services over one unlocked store."""

    def __init__(self, store: Store, policy: Policy | None = None, actor: str = "") -> None:
        self.store = store
        self._dirty_households: set[str] = set()
        self.projector = Projector(store, self._dirty_households.add)
        self.ops = OpWriter(store, self.projector)
        self.actor = actor or (store.meta("cadre_name") or "")
        self._policy = policy
        self._index: SearchIndex | None = None
        self._form: Any = None
        self.listeners: list[Callable[[str, str], None]] = []

    # ----- plumbing -----------------------------------------------------------
    @property
    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = load_policy()
        return self._policy

    @property
    def county(self) -> str:
        return self.store.meta("county", "") or ""

    def _commit_search_keys(self) -> None:
        """Refresh the search keys of households touched in this transaction."""
        for hid in sorted(self._dirty_households):
            blob = self._compute_blob(hid)
            self.store.conn.execute(
                "INSERT INTO search_key (household_id, blob) VALUES (?, ?)"
                " ON CONFLICT(household_id) DO UPDATE SET blob = excluded.blob",
                (hid, blob),
            )
            if self._index is not None:
                self._index.set(hid, blob)
        self._dirty_households.clear()

    def _compute_blob(self, hid: str) -> str:
        c = self.store.conn
        h = c.execute("SELECT grp, phone, address FROM household WHERE id = ?", (hid,)).fetchone()
        if h is None:
            return ""
        rows = c.execute("SELECT name, id_number, data FROM member WHERE household_id = ? AND status = 'active' ORDER BY position", (hid,)).fetchall()
        phones = [h[1]] + [(_loads(r[2], {}) or {}).get("phone", "") for r in rows]
        return search_blob([r[0] for r in rows], [r[1] for r in rows], [p for p in phones if p], [h[0], h[2]])

    def _write(self, fn: Callable[[], Any]) -> Any:
        with self.store.tx():
            result = fn()
            self._commit_search_keys()
        return result

    # ----- households -------------------------------------------------------------
    def add_household(self, data: dict[str, Any], *, validate: bool = True, other_id_numbers: set[str] | None = None) -> str:
        """Create a household with its members; returns its id.

        ``data`` is the CLI ``household add`` shape: village_code, group, address,
        phone, members [{name, id_number, relation, ...}] and optional extras.
        """
        if not isinstance(data, dict):
            raise InputRefused("the household must be a JSON object", "户信息必须是 JSON 对象")
        members_in = data.get("members") or []
        if not isinstance(members_in, list) or not members_in:
            raise InputRefused("a household needs at least one member (the head)", "一户至少需要一名成员（户主）")
        members = [self._normalise_member(m, i) for i, m in enumerate(members_in)]
        if validate:
            from fieldapp.validate import validate_household

            if other_id_numbers is None:
                other_id_numbers = self.all_id_numbers()
            errors = [m for m in validate_household(data, members, other_id_numbers) if m.severity == "error"]
            if errors:
                raise ValidationFailed(errors)
        hid = str(data.get("id") or uuid7())
        if self.store.conn.execute("SELECT 1 FROM household WHERE id = ?", (hid,)).fetchone():
            raise InputRefused(f"household {hid} already exists", f"户 {hid} 已存在")
        record = {k: v for k, v in data.items() if k not in ("members", "id")}
        record.setdefault("household_type", "ordinary")
        record.setdefault("monitoring_type", "none")
        record.setdefault("status", "active")
        record.setdefault("created_at", utc_now())

        def do() -> str:
            self.ops.fact("household", hid, record, self.actor)
            for i, m in enumerate(members):
                mid = m.pop("id", None) or uuid7()
                self.ops.fact("member", mid, {**m, "household_id": hid, "position": i}, self.actor)
            return hid

        return str(self._write(do))

    def _normalise_member(self, m: Any, position: int) -> dict[str, Any]:
        from fieldapp.idnumber import check_id

        if not isinstance(m, dict):
            raise InputRefused(f"member {position + 1} must be a JSON object", f"第 {position + 1} 名成员必须是 JSON 对象")
        out = dict(m)
        out.setdefault("relation", "other")
        out.setdefault("status", "active")
        raw = str(out.get("id_number") or "").strip()
        if raw:
            chk = check_id(raw)
            if chk.valid:
                out["id_number"] = chk.id
                out.setdefault("birth_date", chk.birth_date.isoformat() if chk.birth_date else None)
                out.setdefault("sex", chk.sex)
        return out

    def add_member(self, hid: str, member: dict[str, Any]) -> str:
        self._require_household(hid)
        m = self._normalise_member(member, 0)
        from fieldapp.validate import validate_household

        members = self.members(hid) + [m]
        others = self.all_id_numbers(exclude_household=hid)
        errors = [x for x in validate_household(self.household_record(hid), members, others) if x.severity == "error"]
        if errors:
            raise ValidationFailed(errors)
        pos = len(members) - 1
        mid = str(m.pop("id", None) or uuid7())
        self._write(lambda: self.ops.fact("member", mid, {**m, "household_id": hid, "position": pos}, self.actor))
        return mid

    def all_id_numbers(self, exclude_household: str | None = None) -> set[str]:
        rows = self.store.conn.execute(
            "SELECT id_number FROM member WHERE id_number != '' AND status = 'active' AND household_id != ?",
            (exclude_household or "",),
        ).fetchall()
        return {r[0][:18] for r in rows}

    def _require_household(self, hid: str) -> None:
        if not self.store.conn.execute("SELECT 1 FROM household WHERE id = ?", (hid,)).fetchone():
            raise NotFound(f"no household with id {hid} on this laptop", f"本机没有编号为 {hid} 的户")

    def household_record(self, hid: str) -> dict[str, Any]:
        row = self.store.conn.execute(
            "SELECT id, village_code, grp, address, phone, household_type, monitoring_type, status, head_name,"
            " card_serial, data, created_at, updated_at FROM household WHERE id = ?",
            (hid,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no household with id {hid} on this laptop", f"本机没有编号为 {hid} 的户")
        data = _loads(row[10], {}) or {}
        return {
            **data,
            "id": row[0], "village_code": row[1], "group": row[2], "address": row[3], "phone": row[4],
            "household_type": row[5], "monitoring_type": row[6], "status": row[7], "head_name": row[8],
            "card_serial": row[9], "created_at": row[11], "updated_at": row[12],
        }

    def members(self, hid: str, include_inactive: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT id, name, id_number, relation, sex, birth_date, status, position, data FROM member WHERE household_id = ?"
        if not include_inactive:
            sql += " AND status = 'active'"
        rows = self.store.conn.execute(sql + " ORDER BY position, id", (hid,)).fetchall()
        return [
            {**(_loads(r[8], {}) or {}), "id": r[0], "name": r[1], "id_number": r[2], "relation": r[3], "sex": r[4],
             "birth_date": r[5], "status": r[6], "position": r[7]}
            for r in rows
        ]

    def set_field(self, field_ref: str, value: Any, supersedes: tuple[str, ...] | None = None) -> None:
        """Change one field: ``FIELD`` of a household via :meth:`set_household_field`,
        or a full reference ``household:<id>:<field>`` / ``member:<id>:<field>`` /
        ``problem:<id>:<field>`` / ``measure:<id>:<field>``."""
        entity, eid, fname = self.parse_field_ref(field_ref)
        self._set(entity, eid, fname, value, supersedes)

    def parse_field_ref(self, ref: str) -> tuple[str, str, str]:
        parts = ref.split(":")
        if len(parts) != 3 or parts[0] not in ("household", "member", "problem", "measure"):
            raise InputRefused(
                f"'{ref}' is not a field reference; use household:<id>:<field> or member:<id>:<field>",
                f"“{ref}”不是字段引用；请用 household:<编号>:<字段> 或 member:<编号>:<字段>",
            )
        return parts[0], parts[1], parts[2]

    def set_household_field(self, hid: str, fname: str, value: Any) -> None:
        if fname.startswith("member:"):
            parts = fname.split(":")
            if len(parts) != 3:
                raise InputRefused("use member:<member id>:<field>", "请使用 member:<成员编号>:<字段>")
            self._set("member", parts[1], parts[2], value)
            return
        self._set("household", hid, fname, value)

    def _set(self, entity: str, eid: str, fname: str, value: Any, supersedes: tuple[str, ...] | None = None) -> None:
        allowed = {"household": HOUSEHOLD_FIELDS, "member": MEMBER_FIELDS, "problem": ("deadline", "responsible", "action", "evidence"), "measure": tuple(COLUMNS["measure"]) + ("member_id",)}[entity]
        if fname not in allowed:
            raise InputRefused(
                f"'{fname}' is not a field of {entity} that can be changed (one of: {', '.join(allowed)})",
                f"“{fname}”不是可修改的{entity}字段（可选：{'、'.join(allowed)}）",
            )
        table = {"household": "household", "member": "member", "problem": "problem", "measure": "measure"}[entity]
        row = self.store.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (eid,)).fetchone()  # noqa: S608
        if row is None:
            raise NotFound(f"no {entity} with id {eid}", f"找不到编号为 {eid} 的记录")
        value = self._check_value(entity, eid, fname, value)
        self._write(lambda: self.ops.set_field(entity, eid, fname, value, self.actor, supersedes))

    def _check_value(self, entity: str, eid: str, fname: str, value: Any) -> Any:
        from fieldapp.validate import validate_household

        if entity == "household":
            hid = eid
            rec = self.household_record(hid)
            rec[fname] = value
            members = self.members(hid)
        elif entity == "member":
            row = self.store.conn.execute("SELECT household_id FROM member WHERE id = ?", (eid,)).fetchone()
            hid = row[0]
            rec = self.household_record(hid)
            members = self.members(hid)
            if fname == "id_number":
                from fieldapp.idnumber import check_id

                chk = check_id(str(value))
                if chk.valid:
                    value = chk.id
            for m in members:
                if m["id"] == eid:
                    m[fname] = value
        else:
            return value
        others = self.all_id_numbers(exclude_household=hid)
        # Only errors about the edited field block the edit (older data errors elsewhere do not).
        targets = {f"household.{fname}"} if entity == "household" else {f"members.{eid}.{fname}", f"members.{eid}"}
        if entity == "member" and fname in ("relation", "status"):
            targets.add("members")  # e.g. a second head of household
        errors = [m for m in validate_household(rec, members, others) if m.severity == "error" and m.field in targets]
        if errors:
            raise ValidationFailed(errors)
        return value

    def list_households(
        self,
        *,
        village: str | None = None,
        search: str | None = None,
        group: str | None = None,
        monitoring_type: str | None = None,
        household_type: str | None = None,
        open_problems: bool = False,
        overdue: bool = False,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Households matching every given filter, with summary columns."""
        rows = self.household_rows()
        if village:
            rows = [r for r in rows if r["village_code"] == village]
        if group:
            rows = [r for r in rows if r["group"] == group]
        if monitoring_type:
            rows = [r for r in rows if r["monitoring_type"] == monitoring_type]
        if household_type:
            rows = [r for r in rows if r["household_type"] == household_type]
        if open_problems:
            rows = [r for r in rows if r["open_problems"] > 0]
        if overdue:
            rows = [r for r in rows if r["overdue"]]
        if search:
            keep = set(self.search_index().search(search, (r["id"] for r in rows)))
            rows = [r for r in rows if r["id"] in keep]
        return rows[:limit] if limit is not None else rows

    def household_rows(self, today: date | None = None) -> list[dict[str, Any]]:
        """One summary row per active household (for lists and the GUI model)."""
        today = today or date.today()
        c = self.store.conn
        last_visit = dict(c.execute("SELECT household_id, max(visited_at) FROM visit WHERE status='final' GROUP BY household_id").fetchall())
        last_overall = dict(c.execute(LATEST_VISITS.format(cols="household_id, overall")).fetchall())
        open_p = dict(c.execute(
            "SELECT household_id, count(*) FROM problem WHERE status != 'closed' GROUP BY household_id"
        ).fetchall())
        members = dict(c.execute("SELECT household_id, count(*) FROM member WHERE status='active' GROUP BY household_id").fetchall())
        out = []
        for r in c.execute(
            "SELECT id, head_name, village_code, grp, phone, household_type, monitoring_type, card_serial, data"
            " FROM household WHERE status = 'active' ORDER BY village_code, grp, head_name"
        ).fetchall():
            lv = last_visit.get(r[0])
            interval = self.policy.visit_interval_days(r[6] or "none")
            due = None
            if lv:
                due = (datetime.fromisoformat(lv.replace("Z", "+00:00")).date() + timedelta(days=interval))
            out.append({
                "id": r[0], "head_name": r[1], "village_code": r[2], "group": r[3], "phone": r[4],
                "household_type": r[5], "monitoring_type": r[6], "card_serial": r[7],
                "members": members.get(r[0], 0), "last_visit": lv, "overall": last_overall.get(r[0]),
                "open_problems": open_p.get(r[0], 0),
                "next_visit_due": due.isoformat() if due else None,
                "overdue": (due is None) or (due < today),
            })
        return out

    def search_index(self) -> SearchIndex:
        if self._index is None:
            idx = SearchIndex()
            idx.blobs = dict(self.store.conn.execute("SELECT household_id, blob FROM search_key").fetchall())
            self._index = idx
        return self._index

    def rebuild_search_keys(self, progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None) -> int:
        ids = [r[0] for r in self.store.conn.execute("SELECT id FROM household").fetchall()]
        for start in range(0, len(ids), 500):
            if cancelled is not None and cancelled():
                raise Cancelled()
            with self.store.tx():
                self._dirty_households.update(ids[start:start + 500])
                self._commit_search_keys()
            if progress is not None:
                progress(min(start + 500, len(ids)), len(ids))
        self._index = None
        return len(ids)

    def household_detail(self, hid: str) -> dict[str, Any]:
        """Everything ``household show`` prints and the household page shows."""
        rec = self.household_record(hid)
        members = self.members(hid, include_inactive=True)
        visits = self.visits(hid)
        latest: dict[str, str] = {}
        latest_reasons: dict[str, list[str]] = {}
        for v in visits:  # newest first
            for ind, res in ((v.get("verdict") or {}).get("indicators") or {}).items():
                if ind not in latest and res.get("verdict") != "unknown":
                    latest[ind] = res.get("verdict")
                    latest_reasons[ind] = res.get("reasons", [])
        for ind in rules.INDICATORS:
            latest.setdefault(ind, "unknown")
            latest_reasons.setdefault(ind, [])
        return {
            **rec,
            "members": members,
            "visits": [
                {"id": v["id"], "visited_at": v["visited_at"], "overall": v["overall"], "status": v["status"],
                 "visitor": v["visitor"], "card_scan": v["card_scan"]}
                for v in visits
            ],
            "latest": latest,
            "latest_reasons": latest_reasons,
            "problems": self.problems(hid),
            "measures": self.measures(hid),
            "conflicts": self.conflicts(household_id=hid),
            "card": self.card_status(hid),
        }

    # ----- visits ----------------------------------------------------------------
    def visits(self, hid: str, include_drafts: bool = True) -> list[dict[str, Any]]:
        sql = ("SELECT id, status, form_id, form_version, visited_at, started_at, ended_at, visitor, card_scan,"
               " answers, verdict, overall FROM visit WHERE household_id = ?")
        if not include_drafts:
            sql += " AND status = 'final'"
        rows = self.store.conn.execute(sql + " ORDER BY visited_at DESC, id DESC", (hid,)).fetchall()
        return [
            {"id": r[0], "household_id": hid, "status": r[1], "form_id": r[2], "form_version": r[3], "visited_at": r[4],
             "started_at": r[5], "ended_at": r[6], "visitor": r[7], "card_scan": r[8], "answers": _loads(r[9], {}),
             "verdict": _loads(r[10]), "overall": r[11]}
            for r in rows
        ]

    def visit(self, vid: str) -> dict[str, Any]:
        row = self.store.conn.execute("SELECT household_id FROM visit WHERE id = ?", (vid,)).fetchone()
        if row is None:
            raise NotFound(f"no visit with id {vid}", f"找不到编号为 {vid} 的走访")
        return next(v for v in self.visits(row[0]) if v["id"] == vid)

    def answers_from_assessment(self, hid: str, inp: dict[str, Any]) -> dict[str, Any]:
        """Turn the CLI assessment-input shape into stored visit answers.

        Per-member answers under ``household.members`` match household members
        by ``id`` or else by position.
        """
        if not isinstance(inp, dict):
            raise InputRefused("the visit must be a JSON object", "走访记录必须是 JSON 对象")
        answers: dict[str, Any] = {k: v for k, v in inp.items() if k not in ("household",)}
        hh = inp.get("household") or {}
        if not isinstance(hh, dict):
            raise InputRefused("'household' must be an object", "“household”必须是对象")
        members = self.members(hid)
        per_member: dict[str, Any] = {}
        extra: list[dict[str, Any]] = []
        for i, m in enumerate(hh.get("members") or []):
            if not isinstance(m, dict):
                raise InputRefused(f"household.members[{i}] must be an object", f"household.members[{i}] 必须是对象")
            mid = m.get("id")
            if mid and any(x["id"] == mid for x in members):
                per_member[mid] = {k: v for k, v in m.items() if k != "id"}
            elif i < len(members) and not mid:
                per_member[members[i]["id"]] = dict(m)
            else:
                extra.append(dict(m))
        answers["members"] = per_member
        if extra:
            answers["unlisted_members"] = extra
        if "is_tuopin" in hh:
            answers.setdefault("visit", {})["is_tuopin"] = bool(hh["is_tuopin"])
        return answers

    def assessment_input(self, hid: str, answers: dict[str, Any], visited_at: str) -> dict[str, Any]:
        """Build the verdict engine's input from stored answers and the household."""
        rec = self.household_record(hid)
        on = _parse_dt(visited_at).date()
        members = self.members(hid)
        per = answers.get("members") or {}
        inp_members = []
        for m in members:
            a = dict(per.get(m["id"]) or {})
            if "age" not in a:
                age = age_on(m.get("birth_date"), on)
                if age is not None:
                    a["age"] = age
            for k in ("schooling", "medical_insurance", "serious_illness_insurance", "health", "labour"):
                if k not in a and m.get(k) is not None:
                    a[k] = m[k]
            inp_members.append(a)
        inp_members.extend(answers.get("unlisted_members") or [])
        is_tuopin = (answers.get("visit") or {}).get("is_tuopin")
        if is_tuopin is None:
            is_tuopin = str(rec.get("household_type", "")).startswith("tuopin")
        inp: dict[str, Any] = {"household": {"is_tuopin": bool(is_tuopin), "members": inp_members}}
        for block in ("food", "clothing", "housing", "water", "income"):
            if block in answers and answers[block] is not None:
                inp[block] = dict(answers[block])
        if "income" in inp and "household_size" not in inp["income"]:
            inp["income"]["household_size"] = max(len(inp_members), 1)
        pol = dict(answers.get("policy") or {})
        pol.setdefault("province", (rec.get("village_code") or "")[:2] or None)
        pol.setdefault("year", on.year)
        inp["policy"] = pol
        return inp

    def evaluate(self, hid: str, answers: dict[str, Any], visited_at: str | None = None) -> dict[str, Any]:
        """The live verdict for answers (no write); used by the visit form as it is filled."""
        visited_at = visited_at or _now_local().isoformat(timespec="seconds")
        inp = self.assessment_input(hid, answers, visited_at)
        pol = inp.get("policy") or {}
        policy = load_policy(pol.get("province"), pol.get("year"))
        return rules.assess(inp, policy)

    def form(self) -> Any:
        """The current visit form definition (loaded once)."""
        if self._form is None:
            from fieldapp.forms import load_form

            self._form = load_form("visit")
        return self._form

    def validate_visit(self, hid: str, answers: dict[str, Any], final: bool) -> list[Any]:
        from fieldapp.validate import validate_answers

        return list(validate_answers(self.form(), answers, self.members(hid), final))

    def save_draft(self, hid: str, answers: dict[str, Any], visit_id: str | None = None, *,
                   visited_at: str | None = None, card_scan: str | None = None) -> str:
        """Autosave a draft visit (local only, editable, no op until finalised)."""
        self._require_household(hid)
        form = self.form()
        now = utc_now()
        vid = visit_id or uuid7()
        row = self.store.conn.execute("SELECT status, household_id FROM visit WHERE id = ?", (vid,)).fetchone()
        if row is not None and row[0] != "draft":
            raise ImmutableRecord("this visit is finalised and can no longer be changed", "该走访已定稿，不能再修改")
        visited_at = visited_at or _now_local().isoformat(timespec="seconds")

        def do() -> None:
            self.store.conn.execute(
                "INSERT INTO visit (id, household_id, status, form_id, form_version, visited_at, started_at, visitor,"
                " card_scan, answers, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at,"
                " card_scan = coalesce(excluded.card_scan, visit.card_scan), visited_at = excluded.visited_at",
                (vid, hid, "draft", form.form_id, form.version, visited_at, now, self.actor, card_scan,
                 json.dumps(answers, ensure_ascii=False), now),
            )

        self._write(do)
        return vid

    def discard_draft(self, vid: str) -> None:
        row = self.store.conn.execute("SELECT status FROM visit WHERE id = ?", (vid,)).fetchone()
        if row is None:
            return
        if row[0] != "draft":
            raise ImmutableRecord("a finalised visit cannot be deleted", "已定稿的走访不能删除")
        self._write(lambda: self.store.conn.execute("DELETE FROM visit WHERE id = ?", (vid,)))

    def record_visit(
        self,
        hid: str,
        answers: dict[str, Any],
        *,
        visited_at: str | None = None,
        visit_id: str | None = None,
        card_scan: str | None = None,
        started_at: str | None = None,
        validate: bool = True,
    ) -> tuple[str, dict[str, Any]]:
        """Validate, assess and finalise a visit; open problems for unmet indicators.

        Returns (visit id, verdict). A finalised visit is immutable.
        """
        self._require_household(hid)
        if visit_id is not None:
            row = self.store.conn.execute("SELECT status, card_scan, started_at FROM visit WHERE id = ?", (visit_id,)).fetchone()
            if row is not None and row[0] != "draft":
                raise ImmutableRecord("this visit is already finalised", "该走访已定稿")
            if row is not None:
                card_scan = card_scan or row[1]
                started_at = started_at or row[2]
        if validate:
            msgs = self.validate_visit(hid, answers, final=True)
            errors = [m for m in msgs if m.severity == "error"]
            if errors:
                raise ValidationFailed(errors)
        now = _now_local().isoformat(timespec="seconds")
        visited_at = visited_at or now
        _parse_dt(visited_at)
        verdict = self.evaluate(hid, answers, visited_at)
        form = self.form()
        vid = visit_id or uuid7()

        def do() -> None:
            self.store.conn.execute("DELETE FROM visit WHERE id = ? AND status = 'draft'", (vid,))
            self.ops.fact("visit", vid, {
                "household_id": hid, "form_id": form.form_id, "form_version": form.version,
                "visited_at": visited_at, "started_at": started_at, "ended_at": now, "visitor": self.actor,
                "card_scan": card_scan, "answers": answers, "verdict": verdict,
            }, self.actor)
            self._open_problems_for(hid, vid, verdict, visited_at)

        self._write(do)
        return vid, verdict

    def _open_problems_for(self, hid: str, vid: str, verdict: dict[str, Any], visited_at: str) -> list[str]:
        """Open a ledger entry per unmet indicator, unless one is already open for it."""
        opened = []
        open_now = {r[0] for r in self.store.conn.execute(
            "SELECT indicator FROM problem WHERE household_id = ? AND status != 'closed'", (hid,)).fetchall()}
        deadline = (_parse_dt(visited_at).date() + timedelta(days=self.policy.rectification_deadline_days)).isoformat()
        for p in verdict.get("problems") or []:
            ind = p.get("indicator")
            if ind in open_now:
                continue
            pid = uuid7()
            self.ops.fact("problem", pid, {
                "household_id": hid, "visit_id": vid, "indicator": ind,
                "category": INDICATOR_CATEGORY.get(ind, "data_error"), "source": "visit",
                "reason": p.get("reason", ""), "reporter": self.actor, "opened_at": visited_at, "deadline": deadline,
            }, self.actor)
            open_now.add(ind)
            opened.append(pid)
        return opened

    # ----- problems -----------------------------------------------------------------
    def problems(self, hid: str | None = None, *, open_only: bool = False) -> list[dict[str, Any]]:
        sql = ("SELECT id, household_id, visit_id, indicator, category, source, reason, reporter, opened_at, deadline,"
               " status, data FROM problem")
        where, params = [], []
        if hid:
            where.append("household_id = ?")
            params.append(hid)
        if open_only:
            where.append("status != 'closed'")
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.store.conn.execute(sql + " ORDER BY opened_at DESC, id", params).fetchall()
        out = []
        for r in rows:
            hist = self.store.conn.execute(
                "SELECT status, at, actor, note FROM problem_history WHERE problem_id = ? ORDER BY at, op_id", (r[0],)
            ).fetchall()
            out.append({
                **(_loads(r[11], {}) or {}),
                "id": r[0], "household_id": r[1], "visit_id": r[2], "indicator": r[3], "category": r[4], "source": r[5],
                "reason": r[6], "reporter": r[7], "opened_at": r[8], "deadline": r[9], "status": r[10],
                "history": [{"status": h[0], "at": h[1], "actor": h[2], "note": h[3]} for h in hist],
            })
        return out

    def open_problem(self, hid: str, indicator: str, reason: str, *, category: str | None = None,
                     source: str = "visit", deadline: str | None = None) -> str:
        """Open a ledger entry by hand."""
        self._require_household(hid)
        if not reason.strip():
            raise InputRefused("describe the problem", "请填写问题描述")
        pid = uuid7()
        deadline = deadline or (date.today() + timedelta(days=self.policy.rectification_deadline_days)).isoformat()
        self._write(lambda: self.ops.fact("problem", pid, {
            "household_id": hid, "indicator": indicator, "category": category or INDICATOR_CATEGORY.get(indicator, "data_error"),
            "source": source, "reason": reason, "reporter": self.actor, "opened_at": utc_now(), "deadline": deadline,
        }, self.actor))
        return pid

    def move_problem(self, pid: str, new_status: str, note: str = "", actor: str | None = None) -> None:
        """Move a problem one step along its flow; closing needs a verifier other than the reporter."""
        row = self.store.conn.execute("SELECT status, reporter FROM problem WHERE id = ?", (pid,)).fetchone()
        if row is None:
            raise NotFound(f"no problem with id {pid}", f"找不到编号为 {pid} 的问题")
        status, reporter = row
        if new_status not in PROBLEM_FLOW.get(status, ()):
            raise InvalidTransition(
                f"a problem that is '{status}' cannot move to '{new_status}' (next: {', '.join(PROBLEM_FLOW.get(status, ())) or 'none'})",
                f"问题当前为“{status}”，不能直接改为“{new_status}”",
            )
        who = actor if actor is not None else self.actor
        if new_status == "closed":
            if not note.strip():
                raise InputRefused("closing a problem needs a note on how it was fixed and checked", "销号需要填写整改和验收情况")
            if reporter and who == reporter:
                raise InvalidTransition(
                    "the person who reported a problem cannot also close it; another person must check it",
                    "问题的登记人不能自行销号，须由他人验收",
                )
        value = {"status": new_status, "note": note, "at": utc_now()}
        self._write(lambda: self.ops.set_field("problem", pid, "status", value, who))

    # ----- measures --------------------------------------------------------------------
    def add_measure(self, hid: str, category: str, description: str = "", *, member_id: str | None = None,
                    start_date: str | None = None, end_date: str | None = None) -> str:
        self._require_household(hid)
        from fieldapp.codes import is_code

        if not is_code("measure", category):
            raise InputRefused(f"'{category}' is not an assistance measure code", f"“{category}”不是帮扶措施代码")
        mid = uuid7()
        self._write(lambda: self.ops.fact("measure", mid, {
            "household_id": hid, "member_id": member_id, "category": category, "description": description,
            "start_date": start_date or date.today().isoformat(), "end_date": end_date, "status": "active",
        }, self.actor))
        return mid

    def measures(self, hid: str) -> list[dict[str, Any]]:
        rows = self.store.conn.execute(
            "SELECT id, member_id, category, description, start_date, end_date, status FROM measure WHERE household_id = ? ORDER BY start_date DESC, id",
            (hid,),
        ).fetchall()
        return [{"id": r[0], "member_id": r[1], "category": r[2], "description": r[3], "start_date": r[4],
                 "end_date": r[5], "status": r[6]} for r in rows]

    # ----- attachments ---------------------------------------------------------------
    def add_attachment(self, hid: str, data: bytes, *, visit_id: str | None = None, kind: str = "photo",
                       mime: str = "image/jpeg") -> str:
        self._require_household(hid)
        if not data:
            raise InputRefused("the photo is empty", "照片为空")
        aid = uuid7()
        self._write(lambda: self.ops.fact("attachment", aid, {
            "household_id": hid, "visit_id": visit_id, "kind": kind, "mime": mime,
            "sha256": hashlib.sha256(data).hexdigest(), "data": base64.b64encode(data).decode("ascii"),
            "created_at": utc_now(),
        }, self.actor))
        return aid

    def attachments(self, visit_id: str | None = None, hid: str | None = None) -> list[dict[str, Any]]:
        if visit_id:
            rows = self.store.conn.execute("SELECT id, kind, mime, data, created_at FROM attachment WHERE visit_id = ? ORDER BY created_at", (visit_id,)).fetchall()
        else:
            rows = self.store.conn.execute("SELECT id, kind, mime, data, created_at FROM attachment WHERE household_id = ? ORDER BY created_at", (hid,)).fetchall()
        return [{"id": r[0], "kind": r[1], "mime": r[2], "data": bytes(r[3]), "created_at": r[4]} for r in rows]

    # ----- conflicts ---------------------------------------------------------------
    def conflicts(self, household_id: str | None = None) -> list[dict[str, Any]]:
        """Every field with more than one live value, with all values, who and when."""
        rows = self.store.conn.execute(
            "SELECT entity, entity_id, field FROM live_value GROUP BY entity, entity_id, field HAVING count(*) > 1"
            " ORDER BY entity, entity_id, field"
        ).fetchall()
        out = []
        for entity, eid, fname in rows:
            if household_id is not None and self._household_of(entity, eid) != household_id:
                continue
            live = live_values(self.store, entity, eid, fname)
            w = winner(live)
            out.append({
                "field": f"{entity}:{eid}:{fname}", "entity": entity, "entity_id": eid, "name": fname,
                "household_id": self._household_of(entity, eid),
                "values": [lv.value for lv in live],
                "detail": [{"value": lv.value, "op_id": lv.op_id, "hlc": lv.hlc, "device_id": lv.device_id,
                            "author": lv.author, "at": _hlc_iso(lv.hlc)} for lv in live],
                "provisional": None if w is None else w.value,
            })
        return out

    def _household_of(self, entity: str, eid: str) -> str | None:
        if entity == "household":
            return eid
        table = {"member": "member", "problem": "problem", "measure": "measure"}.get(entity)
        if table is None:
            return None
        row = self.store.conn.execute(f"SELECT household_id FROM {table} WHERE id = ?", (eid,)).fetchone()  # noqa: S608
        return None if row is None else str(row[0])

    def resolve(self, field_ref: str, value: Any) -> None:
        """Resolve a conflict: one new op superseding every live value."""
        entity, eid, fname = self.parse_field_ref(field_ref)
        live = live_values(self.store, entity, eid, fname)
        if len(live) < 2:
            raise InputRefused(f"{field_ref} has no conflict to resolve", f"{field_ref} 没有需要处理的冲突")
        if entity == "problem" and fname == "status":
            value = {"status": value, "note": "conflict resolved", "at": utc_now()}
        self._write(lambda: self.ops.set_field(entity, eid, fname, value, self.actor, tuple(lv.op_id for lv in live)))

    def live(self, field_ref: str) -> list[LiveValue]:
        entity, eid, fname = self.parse_field_ref(field_ref)
        return live_values(self.store, entity, eid, fname)

    # ----- cards ---------------------------------------------------------------------
    def card_status(self, hid: str) -> dict[str, Any]:
        rec = self.household_record(hid)
        serial = int(rec.get("card_serial") or 0)
        return {"serial": serial, "printed_at": rec.get("card_printed_at"), "printed": serial > 0}

    @property
    def card_key(self) -> bytes:
        return bytes.fromhex(self.store.meta("card_key") or "")

    def card_county(self) -> str:
        county = self.county
        if len(county) != 6:
            row = self.store.conn.execute("SELECT village_code FROM household WHERE length(village_code) = 12 LIMIT 1").fetchone()
            county = row[0][:6] if row else "000000"
        return county

    def village_name(self, code: str) -> str:
        names = _loads(self.store.meta("village_names"), {}) or {}
        entry = names.get(code) or {}
        return str(entry.get("township", "")) + str(entry.get("village", "")) or code

    def card_views(self, household_ids: list[str], lang: str = "zh") -> list[Any]:
        """The cards as they will print next (serial + 1), without issuing them: for a preview."""
        from fieldapp.cards import CardView, make_payload
        from fieldapp.codes import label

        county = self.card_county()
        key = self.card_key
        secretary = _loads(self.store.meta("secretary"), {}) or {}
        views: list[Any] = []
        for hid in household_ids:
            rec = self.household_record(hid)
            serial = int(rec.get("card_serial") or 0) + 1
            cadre = rec.get("cadre") or {}
            sec = rec.get("secretary") or secretary
            category = label("household_type", rec.get("household_type", "ordinary"), lang)
            if rec.get("monitoring_type") not in (None, "", "none"):
                category += " · " + label("monitoring_type", rec["monitoring_type"], lang)
            views.append(CardView(
                household_id=hid, serial=serial, payload=make_payload(hid, serial, county, key),
                head_name=rec.get("head_name", ""), village_name=rec.get("village_name") or self.village_name(rec["village_code"]),
                group=rec.get("group", ""), category=category,
                cadre_name=str(cadre.get("name", "")), cadre_phone=str(cadre.get("phone", "")),
                secretary_name=str(sec.get("name", "")), secretary_phone=str(sec.get("phone", "")),
                county_name=str(rec.get("county_name", "")),
            ))
        return views

    def issue_cards(self, household_ids: list[str], lang: str = "zh") -> list[Any]:
        """Raise each household's card serial (a reprint replaces the old card) and return the card views."""
        now = utc_now()
        views: list[Any] = []

        def do() -> None:
            views.extend(self.card_views(household_ids, lang))
            for v in views:
                self.ops.set_field("household", v.household_id, "card_serial", v.serial, self.actor)
                self.ops.set_field("household", v.household_id, "card_printed_at", now, self.actor)

        self._write(do)
        return views

    def scan(self, payload: str) -> dict[str, Any]:
        """Resolve a scanned card payload: {valid, household_id, reason, code}."""
        from fieldapp.cards import assess_scan, parse_payload

        try:
            p = parse_payload(payload)
        except InputRefused as exc:
            return {"valid": False, "household_id": None, "code": exc.code, "reason": exc.en, "reason_zh": exc.zh}
        row = self.store.conn.execute("SELECT card_serial FROM household WHERE id = ?", (p.household_id,)).fetchone()
        res = assess_scan(p, self.card_county(), self.card_key, None if row is None else int(row[0]))
        return {"valid": res.code == "ok", "household_id": p.household_id if res.genuine else None, "code": res.code,
                "serial": p.serial, "reason": res.en, "reason_zh": res.zh}

    # ----- status --------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        s = self.store
        return {
            "device_id": s.device_id,
            "county": self.county,
            "server": s.meta("server_url"),
            "enrolled": bool(s.meta("enrolled_at")),
            "outbox_pending": outbox_size(s),
            "last_acked_seq": int(s.meta("last_acked_seq", "0") or 0),
            "device_seq": int(s.meta("device_seq", "0") or 0),
            "last_sync": s.meta("last_sync"),
            "schema_version": s.schema_version(),
            "households": int(s.conn.execute("SELECT count(*) FROM household WHERE status='active'").fetchone()[0]),
            "conflicts": len(self.conflicts()),
        }

    def summary(self) -> dict[str, Any]:
        """Counts for `make run` and the village overview: verdicts per indicator, open problems."""
        c = self.store.conn
        per: dict[str, dict[str, int]] = {ind: {} for ind in rules.INDICATORS}
        latest = c.execute(LATEST_VISITS.format(cols="verdict")).fetchall()
        for (vtext,) in latest:
            verdict = _loads(vtext, {}) or {}
            for ind, res in (verdict.get("indicators") or {}).items():
                per.setdefault(ind, {})
                per[ind][res["verdict"]] = per[ind].get(res["verdict"], 0) + 1
        problems: dict[str, dict[str, int]] = {}
        for ind, status, n in c.execute("SELECT indicator, status, count(*) FROM problem GROUP BY indicator, status"):
            problems.setdefault(ind, {})[status] = n
        return {
            "households": int(c.execute("SELECT count(*) FROM household WHERE status='active'").fetchone()[0]),
            "members": int(c.execute("SELECT count(*) FROM member WHERE status='active'").fetchone()[0]),
            "visits": int(c.execute("SELECT count(*) FROM visit WHERE status='final'").fetchone()[0]),
            "monitored": int(c.execute("SELECT count(*) FROM household WHERE monitoring_type != 'none' AND status='active'").fetchone()[0]),
            "verdicts": per,
            "problems": problems,
            "open_problems": int(c.execute("SELECT count(*) FROM problem WHERE status != 'closed'").fetchone()[0]),
        }


def _hlc_iso(hlc_text: str) -> str:
    try:
        ms = int(hlc_text.split("-")[0])
    except ValueError:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def open_app(home: Path, passphrase: str) -> Fieldapp:
    return Fieldapp(Store.open(home, passphrase))
