"""Visits: drafts, the live verdict, finalising (immutable once final)."""

from __future__ import annotations

import json
from typing import Any

from fieldapp import rules
from fieldapp.errors import ImmutableRecord, InputRefused, NotFound, ValidationFailed
from fieldapp.ids import uuid7
from fieldapp.policy import load_policy
from fieldapp.services.common import age_on, loads_json, now_local, parse_dt
from fieldapp.services.households import HouseholdServices
from fieldapp.services.ledger import LedgerServices
from fieldapp.store import utc_now


class VisitServices(HouseholdServices, LedgerServices):
    """Visit drafts and finalised visits; finalising opens problems for unmet indicators."""

    def visits(self, hid: str, include_drafts: bool = True) -> list[dict[str, Any]]:
        sql = ("SELECT id, status, form_id, form_version, visited_at, started_at, ended_at, visitor, card_scan,"
               " answers, verdict, overall FROM visit WHERE household_id = ?")
        if not include_drafts:
            sql += " AND status = 'final'"
        rows = self.store.conn.execute(sql + " ORDER BY visited_at DESC, id DESC", (hid,)).fetchall()
        return [
            {"id": r[0], "household_id": hid, "status": r[1], "form_id": r[2], "form_version": r[3], "visited_at": r[4],
             "started_at": r[5], "ended_at": r[6], "visitor": r[7], "card_scan": r[8], "answers": loads_json(r[9], {}),
             "verdict": loads_json(r[10]), "overall": r[11]}
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
        on = parse_dt(visited_at).date()
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
        visited_at = visited_at or now_local().isoformat(timespec="seconds")
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
        """Check a visit's answers against the form and the rules, with the province's policy numbers."""
        from fieldapp.validate import validate_answers

        rec = self.household_record(hid)
        province = str(rec.get("village_code") or "")[:2]
        policy = load_policy(province) if province.isdigit() and len(province) == 2 else self.policy
        return list(validate_answers(
            self.form(), answers, self.members(hid), final, household=rec, policy=policy
        ))

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
        visited_at = visited_at or now_local().isoformat(timespec="seconds")

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
        now = now_local().isoformat(timespec="seconds")
        visited_at = visited_at or now
        parse_dt(visited_at)
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
