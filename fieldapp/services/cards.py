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
        names = loads_json(self.store.meta("village_names"), {}) or {}
        entry = names.get(code) or {}
        return str(entry.get("township", "")) + str(entry.get("village", "")) or code

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
