"""Visit cards: serials, previews, issuing and resolving a scan."""

from __future__ import annotations

from typing import Any

from fieldapp.errors import InputRefused
from fieldapp.services.common import loads_json
from fieldapp.services.households import HouseholdServices
from fieldapp.store import utc_now


class CardServices(HouseholdServices):
    """The QR visit cards of households."""

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
        entry = self._village_entry(code)
        return str(entry.get("township", "")) + str(entry.get("village", "")) or code

    def _village_entry(self, code: str) -> dict[str, Any]:
        names = loads_json(self.store.meta("village_names"), {}) or {}
        entry = names.get(code)
        return entry if isinstance(entry, dict) else {}

    def card_language(self) -> str:
        """The store's language for printed cards: Chinese unless the user chose English."""
        chosen = str(self.store.meta("language") or "zh")
        return "en" if chosen.lower().startswith("en") else "zh"

    def set_card_language(self, lang: str) -> None:
        """Remember the user's language choice in the store (``zh`` or ``en``)."""
        self.store.set_meta("language", "en" if lang.lower().startswith("en") else "zh")

    def _card_risks_and_measures(self, hid: str, lang: str) -> tuple[str, str]:
        """The household's risks and running measures, as labels joined for the card.

        Risks are the household's own list, else those of its latest visit;
        measures are the active measure records plus those of the latest visit.
        """
        from fieldapp.codes import label

        rec = self.household_record(hid)
        row = self.store.conn.execute(
            "SELECT answers FROM visit WHERE household_id = ? AND status = 'final'"
            " ORDER BY visited_at DESC, id DESC LIMIT 1",
            (hid,),
        ).fetchone()
        answers = (loads_json(row[0], {}) or {}) if row else {}
        risk_items = rec.get("risks") or answers.get("risks") or []
        risks: list[str] = []
        for item in risk_items if isinstance(risk_items, list) else []:
            code = item.get("code") if isinstance(item, dict) else item
            if isinstance(code, str) and code:
                risks.append(label("risk", code, lang))
        measures: list[str] = []
        active = [
            str(r[0])
            for r in self.store.conn.execute(
                "SELECT category FROM measure WHERE household_id = ? AND status = 'active'"
                " ORDER BY start_date DESC, id",
                (hid,),
            )
        ]
        visit_measures = answers.get("measures") or []
        for item in visit_measures if isinstance(visit_measures, list) else []:
            if isinstance(item, dict) and isinstance(item.get("category"), str):
                active.append(item["category"])
        for code in active:
            text = label("measure", code, lang)
            if text not in measures:
                measures.append(text)
        separator = "、" if lang == "zh" else ", "
        return separator.join(dict.fromkeys(risks)), separator.join(measures)

    def card_views(self, household_ids: list[str], lang: str = "zh") -> list[Any]:
        """The cards as they will print next (serial + 1), without issuing them: for a preview."""
        from fieldapp.cards import CardView, make_payload
        from fieldapp.codes import label

        county = self.card_county()
        key = self.card_key
        secretary = loads_json(self.store.meta("secretary"), {}) or {}
        views: list[Any] = []
        for hid in household_ids:
            rec = self.household_record(hid)
            serial = int(rec.get("card_serial") or 0) + 1
            cadre = rec.get("cadre") or {}
            sec = rec.get("secretary") or secretary
            entry = self._village_entry(rec["village_code"])
            category = label("household_type", rec.get("household_type", "ordinary"), lang)
            if rec.get("monitoring_type") not in (None, "", "none"):
                category += " · " + label("monitoring_type", rec["monitoring_type"], lang)
            risks, measures = self._card_risks_and_measures(hid, lang)
            views.append(CardView(
                household_id=hid, serial=serial, payload=make_payload(hid, serial, county, key),
                head_name=rec.get("head_name", ""), village_name=rec.get("village_name") or self.village_name(rec["village_code"]),
                group=rec.get("group", ""), category=category,
                cadre_name=str(cadre.get("name", "")), cadre_phone=str(cadre.get("phone", "")),
                secretary_name=str(sec.get("name", "")), secretary_phone=str(sec.get("phone", "")),
                county_name=str(rec.get("county_name") or entry.get("county", "")),
                cadre_unit=str(cadre.get("unit", "")), risks=risks, measures=measures,
                county_hotline=str(self.store.meta("county_hotline") or entry.get("hotline", "")),
                national_hotline=self.policy.national_hotline,
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
