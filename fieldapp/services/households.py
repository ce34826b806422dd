"""Households and members: create, read, change a field (validated), list and filter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fieldapp.errors import InputRefused, NotFound, ValidationFailed
from fieldapp.ids import uuid7
from fieldapp.oplog import COLUMNS
from fieldapp.services.common import LATEST_VISITS, loads_json
from fieldapp.services.unit import UnitOfWork
from fieldapp.store import utc_now

HOUSEHOLD_FIELDS = (
    "village_code", "group", "address", "phone", "household_type", "monitoring_type", "status",
    "flags", "cadre", "secretary", "natural_village", "risks", "identified_month", "elimination",
    "notes", "card_serial", "card_printed_at", "village_name", "township_name",
)


MEMBER_FIELDS = (
    "name", "id_number", "relation", "sex", "birth_date", "status", "education_attained", "schooling",
    "health", "disability", "labour", "medical_insurance", "serious_illness_insurance", "work_location",
    "work_months", "phone", "ethnicity", "political", "override_reason", "out_of_school_reason",
    "insurance_place",
)


class HouseholdServices(UnitOfWork):
    """Households and their members."""

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

    def household_record(self, hid: str) -> dict[str, Any]:
        row = self.store.conn.execute(
            "SELECT id, village_code, grp, address, phone, household_type, monitoring_type, status, head_name,"
            " card_serial, data, created_at, updated_at FROM household WHERE id = ?",
            (hid,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no household with id {hid} on this laptop", f"本机没有编号为 {hid} 的户")
        data = loads_json(row[10], {}) or {}
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
            {**(loads_json(r[8], {}) or {}), "id": r[0], "name": r[1], "id_number": r[2], "relation": r[3], "sex": r[4],
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

    def set_household_field(self, hid: str, fname: str, value: Any) -> list[Any]:
        """Change one field of a household (or ``member:<id>:<field>``).

        Returns:
            Warnings that do not block the change (a cadre assigned more
            households than the policy's cap), as validation messages.
        """
        if fname.startswith("member:"):
            parts = fname.split(":")
            if len(parts) != 3:
                raise InputRefused("use member:<member id>:<field>", "请使用 member:<成员编号>:<字段>")
            self._set("member", parts[1], parts[2], value)
            return []
        self._set("household", hid, fname, value)
        return self.cadre_warnings(hid) if fname == "cadre" else []

    def cadre_warnings(self, hid: str) -> list[Any]:
        """Warn when the household's cadre now assists more households than the policy's cap."""
        from fieldapp.validate import cadre_load_warnings

        cadre = self.household_record(hid).get("cadre")
        name = str(cadre.get("name") or "").strip() if isinstance(cadre, dict) else ""
        if not name:
            return []
        (count,) = self.store.conn.execute(
            "SELECT count(*) FROM household WHERE status = 'active'"
            " AND json_extract(data, '$.cadre.name') = ?",
            (name,),
        ).fetchone()
        return cadre_load_warnings(name, int(count), self.policy)

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
        from fieldapp.schedule import DEFAULT_ROLE, next_visit_due, parse_due, visit_interval

        today = today or date.today()
        c = self.store.conn
        latest = {
            r[0]: r[1:]
            for r in c.execute(LATEST_VISITS.format(
                cols="household_id, visited_at, overall, json_extract(answers, '$.visit.next_visit_due')"
            ))
        }
        role = self.store.meta("role") or DEFAULT_ROLE
        open_p = dict(c.execute(
            "SELECT household_id, count(*) FROM problem WHERE status != 'closed' GROUP BY household_id"
        ).fetchall())
        members = dict(c.execute("SELECT household_id, count(*) FROM member WHERE status='active' GROUP BY household_id").fetchall())
        out = []
        for r in c.execute(
            # row by row, without the JSON extras: 20,000 of them at once were a 50 MB peak
            "SELECT id, head_name, village_code, grp, phone, household_type, monitoring_type, card_serial"
            " FROM household WHERE status = 'active' ORDER BY village_code, grp, head_name"
        ):
            lv, overall, entered = latest.get(r[0], (None, None, None))
            due = next_visit_due(
                datetime.fromisoformat(lv.replace("Z", "+00:00")).date() if lv else None,
                parse_due(entered),
                visit_interval(self.policy, r[6], r[5], role),
            )
            out.append({
                "id": r[0], "head_name": r[1], "village_code": r[2], "group": r[3], "phone": r[4],
                "household_type": r[5], "monitoring_type": r[6], "card_serial": r[7],
                "members": members.get(r[0], 0), "last_visit": lv, "overall": overall,
                "open_problems": open_p.get(r[0], 0),
                "next_visit_entered": entered,
                "next_visit_due": due.isoformat() if due else None,
                "overdue": (due is None) or (due < today),
            })
        return out
