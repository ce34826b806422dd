"""Synthetic demo villages: households, members and visits (pure, deterministic, no I/O but resources).

Nothing here describes a real person. Names are random combinations of
common characters, ID numbers are built from a real county code, a birth date
and a random sequence number (with the right sex parity and check character),
and phone numbers are random.

Every random choice comes from one ``random.Random(seed)``, so the same
``(n, seed, today)`` always gives the same households. Thresholds (income line,
water, education ages) are read from the policy files, so generated answers
fall clearly on the intended side of whatever the policy says.

Each village gets a handful of households with a fixed scenario for their
latest visit, so that the village shows every verdict of every indicator
(and problems in every status) once it has about 20 households; the rest are
random, mostly fine, with about one household in eight showing a gap.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

from fieldapp.errors import InputRefused
from fieldapp.idnumber import age_on, check_char
from fieldapp.policy import Policy, load_policy
from fieldapp.resources import load_json
from fieldapp.rules import INDICATORS

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

__all__ = [
    "INDICATORS",
    "PROBLEM_TARGET_STATUSES",
    "SCENARIOS",
    "DemoHousehold",
    "generate_households",
    "village_count",
]

#: Statuses a demo problem may be progressed to; problems not in the plan stay ``pending``.
PROBLEM_TARGET_STATUSES: tuple[str, ...] = ("in_progress", "awaiting_check", "closed")

#: Scenarios forced on the latest visit of a few households per village, so that
#: every verdict of every indicator appears (CLI.md "Verdict rules").
SCENARIOS: tuple[str, ...] = (
    "all_met",
    "food_not_met",
    "clothing_not_met",
    "education_not_met",
    "education_exempt",
    "education_not_applicable",
    "medical_not_met",
    "housing_not_met",
    "water_not_met",
    "water_basic",
    "income_not_met",
    "food_unknown",
    "clothing_unknown",
    "housing_unknown",
    "water_unknown",
    "income_unknown",
    "household_unknown",
)

_HOUSEHOLDS_PER_VILLAGE = 250
GRADUATED = "graduated"
# Schooling answers that need a reason out of school (the visit form asks for it).
_NEEDS_REASON = ("not_enrolled", "out_of_school")
_EXEMPT_INSURANCE = ("military", "detained", "newborn")
_INSURED_ELSEWHERE = "务工地（外省）"
_STATUS_CYCLE = ("pending", "in_progress", "awaiting_check", "closed")
_TZ = timezone(timedelta(hours=8))  # Beijing time
_MIN_BIRTH = date(1900, 1, 1)

_T = TypeVar("_T")


@dataclass
class DemoHousehold:
    """One generated household.

    Attributes:
        household: the ``household add`` input (CLI.md) with extra keys:
            ``village_code``, ``group``, ``address``, ``phone``,
            ``household_type``, ``monitoring_type``, ``flags``, ``cadre``,
            ``members`` (each with ``name``, ``id_number``, ``relation``,
            ``sex``, ``birth_date``, exactly one of ``education_attained`` and
            ``schooling``, ``health``, ``labour``, ``medical_insurance``,
            ``serious_illness_insurance``, ...; ``phone`` on the head).
        visits: 0-3 visits in the last 12 months, oldest first, each
            ``{"visited_at": ISO datetime (+08:00), "answers": <assessment input
            plus form fields such as visit.type, risks, measures>, "expected":
            {indicator: verdict the rules must give}}``.
            ``answers.household.members`` are in member order; members out of
            school after grade 9 answer ``schooling: "graduated"``, children who
            left before it ``"out_of_school"``. ``"shock"``: whether the
            visit's income block shows a shock (CLI.md "shock").
        problem_plan: ``(indicator, target_status)`` for problems of the latest
            visit to progress; unlisted problems stay ``pending``.
        scenario: the forced scenario of the latest visit, or ``None``.
    """

    household: dict[str, Any]
    visits: list[dict[str, Any]]
    problem_plan: list[tuple[str, str]]
    scenario: str | None = None


# --- resources ----------------------------------------------------------------


@dataclass(frozen=True)
class _Village:
    code: str
    name: str
    township: str
    county_code: str
    county: str
    prefecture: str
    province: str
    zone: str
    groups: int


def _villages() -> list[_Village]:
    """All demo villages, interleaved so that consecutive villages are in different counties."""
    per_county: list[list[_Village]] = []
    for county in load_json("demo", "regions.json")["counties"]:
        rows = [
            _Village(
                code=str(v["code"]),
                name=str(v["name"]),
                township=str(t["name"]),
                county_code=str(county["code"]),
                county=str(county["name"]),
                prefecture=str(county["prefecture"]),
                province=str(county["province"]),
                zone=str(county["water_zone"]),
                groups=int(v["groups"]),
            )
            for t in county["townships"]
            for v in t["villages"]
        ]
        per_county.append(rows)
    out: list[_Village] = []
    for i in range(max(len(rows) for rows in per_county)):
        out.extend(rows[i] for rows in per_county if i < len(rows))
    return out


def village_count(n: int) -> int:
    """How many demo villages ``n`` households are spread over (about 250 per village)."""
    return max(1, min(len(_villages()), n // _HOUSEHOLDS_PER_VILLAGE))


# --- small random helpers -------------------------------------------------------


class _FastRandom(random.Random):
    """``random.Random`` with one-call ``randint``/``choice``/``randrange``.

    The standard ones go through several Python frames each; demo data does not
    need their exact uniformity, and this keeps 100,000 households well under 20 s.
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]


def _weighted(rng: random.Random, pairs: Sequence[tuple[_T, float]]) -> _T:
    total = 0.0
    for _, weight in pairs:
        total += weight
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 Feb in a non-leap year
        return d.replace(year=d.year - years, day=28)


# Mainland mobile prefixes; the eight digits after them are random.
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180",
    "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip


def _phone(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# --- people ---------------------------------------------------------------------


@dataclass
class _Person:
    sex: str
    age: int
    relation: str
    surname: str
    name: str = ""
    birth: date = _MIN_BIRTH
    id_number: str = ""
    ethnicity: str = "han"
    # School track for people up to 22: grade9, high_school, vocational, college,
    # dropout, exempt; "adult" for everybody older.
    track: str = "adult"
    education: str | None = None
    health: list[str] = field(default_factory=lambda: ["healthy"])
    disability: tuple[str, str] | None = None
    labour: str = "none"
    insurance: str = "resident"
    late_start: bool = False  # delayed enrolment: still in pre-school at 6
    work: tuple[str, int] | None = None
    phone: str | None = None
    family_doctor: bool = False


_ETHNICITY: dict[str, list[tuple[str, float]]] = {
    "433130": [("tujia", 55), ("han", 35), ("miao", 10)],
    "430524": [("han", 92), ("miao", 4), ("yao", 4)],
    "530627": [("han", 88), ("yi", 6), ("miao", 6)],
    "621126": [("han", 96), ("hui", 3), ("tibetan", 1)],
}

_STRUCTURES: list[tuple[str, float]] = [
    ("single_elder", 10),
    ("elder_couple", 17),
    ("couple_children", 24),
    ("three_generations", 20),
    ("with_parent", 12),
    ("single_parent", 5),
    ("single_adult", 5),
    ("grandparents_grandchildren", 7),
]


def _kid_ages(rng: random.Random, count: int, eldest_max: int) -> list[int]:
    ages: list[int] = []
    age = rng.randint(max(1, eldest_max - 12), max(1, eldest_max))
    for _ in range(count):
        if age < 1:
            break
        ages.append(age)
        age -= rng.randint(1, 6)
    return ages


def _child(rng: random.Random, age: int, surname: str, grand: bool = False) -> _Person:
    sex = "male" if rng.random() < 0.52 else "female"
    if grand:
        relation = "grandson" if sex == "male" else "granddaughter"
    else:
        relation = "son" if sex == "male" else "daughter"
    return _Person(sex=sex, age=age, relation=relation, surname=surname)


def _family(
    rng: random.Random, structure: str, kids: list[int] | None, surnames: list[str]
) -> list[_Person]:
    """Relations, sexes and ages (today) of one household; ``kids`` fixes the children's ages."""
    family = rng.choice(surnames)
    # Children take the father's surname; a widowed mother's children take their late father's.
    kin = family
    people: list[_Person] = []

    def head_and_spouse(head_age: int, female_head: float = 0.08) -> tuple[_Person, _Person]:
        head_sex = "female" if rng.random() < female_head else "male"
        spouse_sex = "female" if head_sex == "male" else "male"
        gap = rng.randint(-1, 5) if head_sex == "male" else rng.randint(-5, 1)
        head = _Person(sex=head_sex, age=head_age, relation="head", surname=family)
        spouse = _Person(
            sex=spouse_sex,
            age=max(20, min(95, head_age - gap)),
            relation="spouse",
            surname=rng.choice(surnames),
        )
        return head, spouse

    if structure == "single_elder":
        sex = "female" if rng.random() < 0.55 else "male"
        people.append(_Person(sex=sex, age=rng.randint(62, 92), relation="head", surname=family))
    elif structure == "elder_couple":
        people.extend(head_and_spouse(rng.randint(60, 88), female_head=0.04))
    elif structure in ("couple_children", "with_parent", "single_parent"):
        child_ages = kids or _kid_ages(rng, rng.choice((1, 1, 2, 2, 2, 3)), 20)
        head_age = max(child_ages) + rng.randint(23, 36)
        if structure == "single_parent":
            sex = "female" if rng.random() < 0.6 else "male"
            people.append(_Person(sex=sex, age=head_age, relation="head", surname=family))
            if sex == "female":
                kin = rng.choice(surnames)
        else:
            # A female head's husband married in (上门女婿): the children keep her surname.
            people.extend(head_and_spouse(head_age))
        if structure == "with_parent":
            head = people[0]
            parent_sex = "female" if rng.random() < 0.65 else "male"
            relation = "mother" if parent_sex == "female" else "father"
            parent_age = min(95, head.age + rng.randint(22, 34))
            surname = family if parent_sex == "male" else rng.choice(surnames)
            people.append(
                _Person(sex=parent_sex, age=parent_age, relation=relation, surname=surname)
            )
        people.extend(_child(rng, a, kin) for a in child_ages)
    elif structure == "three_generations":
        grand_ages = kids or _kid_ages(rng, rng.choice((1, 1, 2)), 14)
        son_age = max(grand_ages) + rng.randint(22, 32)
        head_age = min(85, son_age + rng.randint(22, 32))
        if rng.random() < 0.8:
            people.extend(head_and_spouse(head_age, female_head=0.03))
        else:
            sex = "female" if rng.random() < 0.6 else "male"
            people.append(_Person(sex=sex, age=head_age, relation="head", surname=family))
            if sex == "female":
                kin = rng.choice(surnames)
        people.append(_Person(sex="male", age=son_age, relation="son", surname=kin))
        if rng.random() < 0.85:
            dil_age = max(20, son_age + rng.randint(-4, 2))
            people.append(
                _Person(
                    sex="female",
                    age=dil_age,
                    relation="daughter_in_law",
                    surname=rng.choice(surnames),
                )
            )
        people.extend(_child(rng, a, kin, grand=True) for a in grand_ages)
    elif structure == "single_adult":
        people.append(
            _Person(
                sex="male" if rng.random() < 0.8 else "female",
                age=rng.randint(30, 59),
                relation="head",
                surname=family,
            )
        )
    elif structure == "grandparents_grandchildren":
        grand_ages = kids or _kid_ages(rng, rng.choice((1, 2, 2)), 15)
        head_age = min(82, max(grand_ages) + rng.randint(45, 60))
        people.extend(head_and_spouse(head_age, female_head=0.05))
        people.extend(_child(rng, a, family, grand=True) for a in grand_ages)
    else:  # pragma: no cover - guarded by _STRUCTURES
        raise ValueError(structure)
    return people[:6]


def _given_name(rng: random.Random, sex: str, old: bool, names: dict[str, list[str]]) -> str:
    own = names["given_male"] if sex == "male" else names["given_female"]
    neutral = names["given_neutral"]
    two = rng.random() < (0.85 if old else 0.72)
    if not two:
        return rng.choice(own)
    first = rng.choice(neutral) if rng.random() < 0.3 else rng.choice(own)
    second = rng.choice(own)
    while second == first:
        second = rng.choice(own)
    return first + second


_EDUCATION_BY_COHORT: list[tuple[int, list[tuple[str, float]]]] = [
    (1950, [("illiterate", 45), ("primary", 45), ("junior_high", 10)]),
    (1965, [("illiterate", 20), ("primary", 50), ("junior_high", 25), ("senior_high", 5)]),
    (
        1980,
        [
            ("illiterate", 5),
            ("primary", 35),
            ("junior_high", 45),
            ("senior_high", 12),
            ("college", 3),
        ],
    ),
    (
        1995,
        [
            ("primary", 15),
            ("junior_high", 55),
            ("senior_high", 20),
            ("college", 7),
            ("bachelor_or_above", 3),
        ],
    ),
    (
        9999,
        [
            ("primary", 5),
            ("junior_high", 40),
            ("senior_high", 30),
            ("college", 15),
            ("bachelor_or_above", 10),
        ],
    ),
]

_TRACKS: list[tuple[str, float]] = [
    ("grade9", 20),
    ("high_school", 35),
    ("vocational", 15),
    ("college", 30),
]
_TRACK_EDUCATION = {
    "grade9": "junior_high",
    "high_school": "senior_high",
    "vocational": "senior_high",
    "dropout": "primary",
    "exempt": "illiterate",
}


def _schooling(p: _Person, age: int) -> str | None:
    """Schooling code at ``age`` (CLI.md enumeration); ``graduated`` once out of school after grade 9.

    A delayed starter is still in pre-school at 6 (DOMAIN §4: enrolment may wait until 7).
    """
    track = p.track
    if track == "adult":
        return None
    if age <= 5 or (age == 6 and p.late_start):
        return "preschool"
    if track == "exempt":
        return "exempt_disability" if age <= 15 else None
    if track == "dropout" and age >= 12:
        return "out_of_school" if age <= 15 else None
    if age <= 11:
        return "primary"
    if age <= 14:
        return ("grade7", "grade8", "grade9")[age - 12]
    if age <= 17:
        if track == "grade9":
            return GRADUATED
        return "vocational" if track == "vocational" else "high_school"
    if age <= 21 and track == "college":
        return "college"
    return GRADUATED


def _record_schooling(p: _Person, age: int) -> str | None:
    """Schooling for the registration record: ``None`` once out of school (education_attained instead)."""
    value = _schooling(p, age)
    return None if value == GRADUATED else value


_DISABILITY_TYPES: list[tuple[str, float]] = [
    ("4", 40), ("1", 12), ("2", 15), ("3", 4), ("5", 12), ("6", 10), ("7", 7),
]  # fmt: skip
_DISABILITY_GRADES: list[tuple[str, float]] = [("1", 10), ("2", 25), ("3", 35), ("4", 30)]


def _health(rng: random.Random, p: _Person, structure: str) -> None:
    age = p.age
    if age < 16:
        table = [("healthy", 97.0), ("chronic", 1.5), ("disabled", 1.5), ("serious", 0.3)]
    elif age < 45:
        table = [("healthy", 90.0), ("chronic", 5.0), ("disabled", 3.0), ("serious", 2.0)]
    elif age < 60:
        table = [("healthy", 72.0), ("chronic", 20.0), ("disabled", 4.0), ("serious", 4.0)]
    elif age < 75:
        table = [("healthy", 45.0), ("chronic", 43.0), ("disabled", 6.0), ("serious", 6.0)]
    else:
        table = [("healthy", 30.0), ("chronic", 55.0), ("disabled", 8.0), ("serious", 7.0)]
    state = _weighted(rng, table)
    if structure == "single_adult" and p.relation == "head" and rng.random() < 0.4:
        state = "disabled"
    if state == "disabled":
        p.disability = (_weighted(rng, _DISABILITY_TYPES), _weighted(rng, _DISABILITY_GRADES))
        p.health = ["disabled", "chronic"] if age >= 30 and rng.random() < 0.25 else ["disabled"]
    else:
        p.health = [state]
    p.family_doctor = "chronic" in p.health and rng.random() < 0.85


def _labour(rng: random.Random, p: _Person, in_school: bool) -> str:
    age = p.age
    if age < 16 or in_school:
        return "none"
    severe = p.disability is not None and p.disability[1] in ("1", "2")
    if severe or "serious" in p.health:
        return "lost" if severe or rng.random() < 0.5 else "weak"
    if p.disability is not None:
        return "weak" if age < 60 else _weighted(rng, [("weak", 50), ("lost", 50)])
    if age < 60:
        if "chronic" in p.health:
            return _weighted(rng, [("ordinary", 65), ("weak", 35)])
        # DOMAIN §1.4 rule 6: a healthy 16-59 year-old out of school is not weak or without labour.
        return _weighted(rng, [("skilled", 25), ("ordinary", 75)])
    if age < 70:
        return _weighted(rng, [("ordinary", 50), ("weak", 50)])
    if age < 80:
        return _weighted(rng, [("weak", 60), ("lost", 40)])
    return "lost"


# --- visits -------------------------------------------------------------------------


@dataclass
class _Profile:
    """Persistent circumstances of a household that visits observe."""

    zone: str
    piped: bool
    source: str
    water_basic_parts: tuple[str, ...]
    housing_mode: str  # A, B, renovated, alternative
    housing_grade: str
    per_capita_factor: float
    rigid_base: int


@dataclass
class _Targets:
    """What one visit should find: verdict per block-based indicator, and missing blocks."""

    food: str = "met"
    clothing: str = "met"
    housing: str = "met"
    water: str = "met"
    income: str = "met"
    household_block: bool = True
    water_untested: bool = False
    renovation_in_progress: bool = False
    sudden: bool = False


class _Bands:
    """Integer answer ranges that fall clearly in each verdict band of the policy."""

    def __init__(self, policy: Policy) -> None:
        w = policy.water
        self.quantity: dict[str, dict[str, tuple[int, int]]] = {}
        for zone in w.quantity_met:
            met = math.ceil(w.quantity_met[zone])
            basic = math.ceil(w.quantity_basic[zone])
            self.quantity[zone] = {
                "met": (met, met * 2),
                "basic": (basic, max(basic, met - 1)),
                "not_met": (max(1, basic // 3), max(1, basic - 1)),
            }
        fm, fb = math.floor(w.fetch_met_minutes), math.floor(w.fetch_basic_minutes)
        self.fetch = {
            "met": (2, max(2, fm)),
            "basic": (fm + 1, max(fm + 1, fb)),
            "not_met": (fb + 5, fb + 45),
        }
        dm, db = math.floor(w.distance_met_m), math.floor(w.distance_basic_m)
        cm, cb = math.floor(w.climb_met_m), math.floor(w.climb_basic_m)
        # (distance range, climb range) per grade: basic is a distance past the met
        # one with a climb within basic; not_met a distance past the basic one.
        self.path = {
            "met": ((20, max(20, dm)), (0, cm)),
            "basic": ((dm + 1, max(dm + 1, db)), (0, cb)),
            "not_met": ((db + 1, db * 3), (0, cb * 2)),
        }
        days = w.days_per_year

        def longest(ratio: float) -> int:
            # Largest whole number of outage days whose supply ratio still reaches ``ratio``.
            return math.floor((1 - Fraction(str(ratio))) * days)

        om, ob = longest(w.reliability_met), longest(w.reliability_basic)
        self.outage = {
            "met": (0, om),
            "basic": (om + 1, max(om + 1, ob)),
            "not_met": (ob + 4, min(days, ob + 90)),
        }
        self.education_min = policy.education.age_min
        self.education_max = policy.education.age_max
        self.policy = policy


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng: random.Random = _FastRandom(seed)
        self.today = today
        self.names: dict[str, list[str]] = load_json("demo", "names.json")
        self.surnames: list[str] = list(self.names["surnames"])
        self.used_ids: set[str] = set()
        self._bands: dict[tuple[str, int], _Bands] = {}
        self._lines: dict[tuple[str, int], int] = {}
        self.forced_problems = 0

    # --- helpers ------------------------------------------------------------------

    def bands(self, province: str, year: int) -> _Bands:
        key = (province, year)
        found = self._bands.get(key)
        if found is None:
            found = self._bands[key] = _Bands(load_policy(province, year))
        return found

    def line(self, province: str, year: int) -> int:
        key = (province, year)
        if key not in self._lines:
            policy = self.bands(province, year).policy
            try:
                self._lines[key] = policy.income_line(province, year)
            except InputRefused:  # a year before the policy tables start: use the latest line
                self._lines[key] = policy.income_line(province, None)
        return self._lines[key]

    def birth_date(self, age: int) -> date:
        hi = _years_before(self.today, age)
        lo = _years_before(self.today, age + 1) + timedelta(days=1)
        if age == 1:  # born at least a year ago, so the age at any visit is >= 0
            hi = min(hi, self.today - timedelta(days=366))
        born = lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))
        return max(born, _MIN_BIRTH)

    def id_number(self, county: str, born: date, sex: str) -> str:
        stem = f"{county}{born:%Y%m%d}"
        rng = self.rng
        parity = 1 if sex == "male" else 0
        for _ in range(200):
            seq = rng.randrange(500) * 2 + parity
            first17 = f"{stem}{seq:03d}"
            if first17 not in self.used_ids:
                break
        else:  # pragma: no cover - 500 numbers per day, county and sex
            seq = next(s for s in range(parity, 1000, 2) if f"{stem}{s:03d}" not in self.used_ids)
            first17 = f"{stem}{seq:03d}"
        self.used_ids.add(first17)
        return first17 + check_char(first17)

    # --- one household --------------------------------------------------------------

    def household(
        self, village: _Village, index: int, size: int, scenario: str | None, cadre: dict[str, str]
    ) -> DemoHousehold:
        """Generate household ``index`` of ``size`` in ``village``, forcing ``scenario`` if given."""
        rng = self.rng
        today = self.today

        # Visits first: forced scenarios need a visit.
        n_visits = _weighted(rng, [(0, 8), (1, 35), (2, 35), (3, 22)])
        if scenario is not None:
            n_visits = max(1, n_visits)
        offsets = sorted(rng.sample(range(1, 366), n_visits), reverse=True)
        visit_times = [
            datetime.combine(today - timedelta(days=o), datetime.min.time(), _TZ)
            + timedelta(minutes=rng.randint(8 * 60 + 30, 18 * 60))
            for o in offsets
        ]

        # Structure, constrained by the scenario.
        kids: list[int] | None = None
        if scenario == "education_not_met":
            structure = rng.choice(("couple_children", "with_parent", "grandparents_grandchildren"))
            kids = [rng.randint(13, 15)]
        elif scenario == "education_exempt":
            structure, kids = "couple_children", [rng.randint(8, 15)]
        elif scenario == "education_not_applicable":
            structure = "elder_couple"
        elif scenario == "all_met":
            structure, kids = "couple_children", [rng.randint(7, 14)]
        else:
            structure = _weighted(rng, _STRUCTURES)
        people = _family(rng, structure, kids, self.surnames)

        # People: names, dates, IDs, health, schooling, labour, insurance.
        eth_table = _ETHNICITY.get(village.county_code, [("han", 1.0)])
        family_ethnicity = _weighted(rng, eth_table)
        for p in people:
            p.birth = self.birth_date(p.age)
            p.name = p.surname + _given_name(rng, p.sex, p.age >= 50, self.names)
            blood = (
                p.relation not in ("spouse", "daughter_in_law") and p.surname == people[0].surname
            )
            p.ethnicity = family_ethnicity if blood else _weighted(rng, eth_table)
            p.id_number = self.id_number(village.county_code, p.birth, p.sex)
            if p.age <= 22:
                p.track = _weighted(rng, _TRACKS)
                p.late_start = rng.random() < 0.08
            _health(rng, p, structure)
        # Children who are in the education window at every visit of the last year, old
        # enough to have dropped out (DOMAIN §4: 控辍保学).
        edu_max = self.bands(village.county_code[:2], today.year).education_max
        teens = [p for p in people if 13 <= p.age <= edu_max and p.relation != "head"]
        if scenario == "education_not_met":
            kid = teens[0] if teens else next(p for p in people if p.age == (kids or [0])[0])
            kid.track = "dropout"
        elif scenario == "education_exempt":
            kid = next(p for p in people if p.relation in ("son", "daughter"))
            kid.track = "exempt"
            kid.disability = (rng.choice(("5", "7")), rng.choice(("1", "2")))
            kid.health = ["disabled"]

        for p in people:
            school = _record_schooling(p, p.age)
            if school is None:
                if p.track == "adult":
                    cohort = next(t for year, t in _EDUCATION_BY_COHORT if p.birth.year < year)
                    p.education = _weighted(rng, cohort)
                elif p.track == "college":
                    p.education = _weighted(rng, [("college", 45), ("bachelor_or_above", 55)])
                else:
                    p.education = _TRACK_EDUCATION[p.track]
            p.labour = _labour(rng, p, school is not None)
            if p.labour in ("skilled", "ordinary") and 18 <= p.age <= 55 and rng.random() < 0.45:
                where = _weighted(
                    rng,
                    [
                        ("in_township", 15),
                        ("in_county", 20),
                        ("in_province", 25),
                        ("out_of_province", 40),
                    ],
                )
                p.work = (where, rng.randint(4, 12))
            p.insurance = _insurance(rng, p)
        head = people[0]
        head.phone = _phone(rng)

        # Household type and flags.
        earners = [p for p in people if p.labour in ("skilled", "ordinary")]
        no_labour = not earners
        disabled = any(p.disability is not None for p in people)
        elderly_only = all(p.age >= 60 for p in people)
        tuopin_chance = 0.35 + (0.25 if no_labour else 0) + (0.1 if disabled else 0)
        if rng.random() < tuopin_chance:
            if no_labour and len(people) <= 2 and (elderly_only or disabled):
                household_type = _weighted(
                    rng, [("tuopin_tekun", 40), ("tuopin_dibao", 35), ("tuopin_general", 25)]
                )
            elif no_labour or disabled:
                household_type = _weighted(rng, [("tuopin_dibao", 40), ("tuopin_general", 60)])
            else:
                household_type = _weighted(rng, [("tuopin_dibao", 8), ("tuopin_general", 92)])
        else:
            household_type = "ordinary"
        is_tuopin = household_type != "ordinary"
        dibao = household_type == "tuopin_dibao" or (
            household_type == "ordinary" and rng.random() < (0.25 if no_labour else 0.03)
        )
        tekun = household_type == "tuopin_tekun" or (
            household_type == "ordinary" and no_labour and len(people) == 1 and rng.random() < 0.1
        )
        near_dibao = not dibao and not tekun and rng.random() < 0.05
        flags = {
            "dibao": dibao,
            "tekun": tekun,
            "near_dibao": near_dibao,
            "disabled_member": disabled,
            "military": rng.random() < 0.02,
            "no_labour": no_labour,
        }

        # Latest visit: random gaps weighted by risk, or the forced scenario.
        risk = 1.0 + 0.5 * is_tuopin + 0.5 * (dibao or tekun) + 0.5 * no_labour + 0.3 * disabled
        risk += 0.3 * elderly_only
        latest = _Targets()
        uninsured: _Person | None = None
        if n_visits and scenario is None:
            r = rng.random
            if r() < 0.035 * risk:
                latest.income = "not_met"
            if r() < 0.012 * risk:
                latest.housing = "not_met"
            if r() < (0.018 if village.zone == "scarce" else 0.008):
                latest.water = "not_met"
            if r() < 0.006 * risk:
                latest.food = "not_met"
            if r() < 0.005 * risk:
                latest.clothing = "not_met"
            if r() < 0.012:
                uninsured = rng.choice(people)
            in_school = [p for p in teens if p.track not in ("exempt", "dropout")]
            if in_school and r() < 0.04:
                rng.choice(in_school).track = "dropout"
            if r() < 0.02:
                missing = rng.choice(
                    ("food", "clothing", "housing", "water", "income", "household")
                )
                _set_unknown(latest, missing)
            elif r() < 0.01:
                latest.water_untested = True
        elif scenario is not None:
            indicator, _, verdict = scenario.partition("_")
            if scenario == "medical_not_met":
                adults = [p for p in people if 16 <= p.age <= 50] or people
                uninsured = rng.choice(adults)
            elif verdict == "unknown":
                _set_unknown(latest, indicator)
            elif indicator in ("food", "clothing", "housing", "water", "income"):
                setattr(latest, indicator, verdict)
        if uninsured is not None:
            uninsured.insurance = "none"

        # Persistent circumstances.
        zone = village.zone
        piped = rng.random() < (0.82 if zone == "rich" else 0.7)
        source = (
            "centralised"
            if piped and rng.random() < 0.7
            else ("piped_extension" if piped else rng.choice(("well", "cistern", "spring")))
        )
        basic_share = 0.2 if zone == "rich" else 0.45
        if latest.water == "basic" or (scenario is None and rng.random() < basic_share):
            choices = ["quantity", "reliability", "quality"] + ([] if piped else ["convenience"])
            parts = tuple(sorted(rng.sample(choices, rng.choice((1, 1, 2)))))
        else:
            parts = ()
        if latest.water == "met" and scenario is not None:
            parts = ()
        housing_mode = _weighted(rng, [("A", 55), ("B", 35), ("renovated", 7), ("alternative", 3)])
        factor = {
            "ordinary": 2.2,
            "tuopin_general": 1.8,
            "tuopin_dibao": 1.45,
            "tuopin_tekun": 1.5,
        }[household_type] * math.exp(rng.gauss(0, 0.3))
        serious = any("serious" in p.health for p in people)
        chronic = any("chronic" in p.health for p in people)
        rigid = rng.randint(8000, 40000) if serious else (rng.randint(300, 4000) if chronic else 0)
        profile = _Profile(
            zone=zone,
            piped=piped,
            source=source,
            water_basic_parts=parts,
            housing_mode=housing_mode,
            housing_grade=rng.choice(("C", "D"))
            if housing_mode in ("renovated", "alternative")
            else housing_mode,
            per_capita_factor=factor,
            rigid_base=rigid,
        )
        if scenario is None and serious and n_visits and rng.random() < 0.15:
            latest.sudden = True
        if latest.water == "met" and parts:
            latest.water = "basic"

        # Visits.
        visits: list[dict[str, Any]] = []
        for i, when in enumerate(visit_times):
            is_latest = i == n_visits - 1
            if is_latest:
                targets = latest
            else:
                targets = _Targets(water="basic" if parts else "met")
                if housing_mode == "renovated" and rng.random() < 0.5:
                    targets.renovation_in_progress = True
                    targets.housing = "not_met"
                if rng.random() < 0.04:
                    targets.income = "not_met"
                if rng.random() < 0.02:
                    _set_unknown(
                        targets,
                        rng.choice(("food", "clothing", "housing", "water", "income", "household")),
                    )
            visits.append(self.visit(village, when, people, is_tuopin, profile, targets))

        # Problems of the latest visit and their progress.
        plan: list[tuple[str, str]] = []
        monitoring = "none"
        if visits:
            expected = visits[-1]["expected"]
            unmet = [k for k in INDICATORS if expected[k] == "not_met"]
            for k in unmet:
                if scenario is not None:
                    # Forced problems cycle through every status, so each village shows all four.
                    status = _STATUS_CYCLE[self.forced_problems % len(_STATUS_CYCLE)]
                    self.forced_problems += 1
                else:
                    status = _weighted(
                        rng,
                        [
                            ("pending", 35),
                            ("in_progress", 30),
                            ("awaiting_check", 15),
                            ("closed", 20),
                        ],
                    )
                if status != "pending":
                    plan.append((k, status))
            suggested = _suggest(expected, is_tuopin, latest.sudden and latest.income != "unknown")
            if suggested != "none":
                monitoring = suggested if rng.random() < 0.85 else "none"
            elif is_tuopin and rng.random() < 0.04:
                monitoring = "unstable"
        elif is_tuopin and rng.random() < 0.05:
            monitoring = "unstable"

        group_no = 1 + index * village.groups // max(1, size)
        group = f"{group_no}组"
        address = (
            f"{village.province}{village.prefecture}{village.county}{village.township}"
            f"{village.name}{group}{index + 1}号"
        )
        household = {
            "village_code": village.code,
            "group": group,
            "address": address,
            "phone": head.phone,
            "household_type": household_type,
            "monitoring_type": monitoring,
            "flags": flags,
            "cadre": dict(cadre),
            "members": [self.member_record(p) for p in people],
        }
        return DemoHousehold(
            household=household, visits=visits, problem_plan=plan, scenario=scenario
        )

    def member_record(self, p: _Person) -> dict[str, Any]:
        """The member as registered today (``household add`` shape plus extra fields)."""
        school = _record_schooling(p, p.age)
        record: dict[str, Any] = {
            "name": p.name,
            "id_number": p.id_number,
            "relation": p.relation,
            "sex": p.sex,
            "birth_date": p.birth.isoformat(),
            "ethnicity": p.ethnicity,
        }
        if school is not None:
            record["schooling"] = school
            if school in _NEEDS_REASON:
                record["out_of_school_reason"] = "weariness"
        else:
            record["education_attained"] = p.education or "junior_high"
        record["health"] = list(p.health)
        if p.disability is not None:
            kind, grade = p.disability
            record["disability"] = {
                "type": kind,
                "grade": grade,
                "certificate_number": p.id_number + kind + grade,
            }
        record["labour"] = p.labour
        if p.work is not None:
            record["work_location"], record["work_months"] = p.work
        record["medical_insurance"] = p.insurance
        record["serious_illness_insurance"] = p.insurance == "resident"
        if p.insurance == "elsewhere":
            record["insurance_place"] = _INSURED_ELSEWHERE
        if "chronic" in p.health:
            record["family_doctor"] = p.family_doctor
        if p.phone:
            record["phone"] = p.phone
        return record

    def visit(
        self,
        village: _Village,
        when: datetime,
        people: list[_Person],
        is_tuopin: bool,
        profile: _Profile,
        t: _Targets,
    ) -> dict[str, Any]:
        """One visit: answers in the assessment-input shape and the verdicts they must give."""
        rng = self.rng
        day = when.date()
        province = village.county_code[:2]
        bands = self.bands(province, day.year)
        answers: dict[str, Any] = {"policy": {"province": province, "year": day.year}}
        met_people = [p for p in people if rng.random() < 0.7] or people[:1]
        answers["visit"] = {
            "type": "home",
            "people_met": "、".join(p.name for p in met_people),
            "policies_explained": True,
            "household_confirmed": True,
        }
        expected: dict[str, str] = {}

        # Members (education, medical).
        if t.household_block:
            members = []
            for p in people:
                age = age_on(p.birth, day)
                # A baby not yet enrolled is exempt in its first year (CLI.md "medical").
                insurance = "newborn" if age == 0 and p.insurance == "resident" else p.insurance
                m: dict[str, Any] = {
                    "age": age,
                    "schooling": _schooling(p, age) or GRADUATED,
                    "medical_insurance": insurance,
                    "serious_illness_insurance": insurance == "resident",
                    "health": list(p.health),
                    "labour": p.labour,
                }
                if m["schooling"] in _NEEDS_REASON:
                    m["out_of_school_reason"] = "weariness"
                if insurance == "elsewhere":
                    m["insurance_place"] = _INSURED_ELSEWHERE
                if "chronic" in p.health:
                    m["family_doctor"] = p.family_doctor
                if p.work is not None:
                    m["work_location"], m["work_months"] = p.work
                members.append(m)
            answers["household"] = {"is_tuopin": is_tuopin, "members": members}
            expected["education"] = _education_verdict(members, bands)
            expected["medical"] = _medical_verdict(members)
        else:
            expected["education"] = expected["medical"] = "unknown"

        # When food or clothing fails, usually only one item does: mostly protein, bedding.
        if t.food != "unknown":
            protein_short = rng.random() < 0.7
            answers["food"] = {
                "staple_ok": t.food == "met" or protein_short,
                "protein_ok": t.food == "met" or not protein_short,
            }
        if t.clothing != "unknown":
            bedding_short = rng.random() < 0.6
            answers["clothing"] = {
                "seasonal_ok": t.clothing == "met" or bedding_short,
                "bedding_ok": t.clothing == "met" or not bedding_short,
            }
        expected["food"], expected["clothing"] = t.food, t.clothing

        if t.housing != "unknown":
            answers["housing"] = self.housing(profile, t, day)
        expected["housing"] = t.housing

        if t.water != "unknown":
            answers["water"] = self.water(profile, t, bands)
            expected["water"] = "unknown" if t.water_untested and t.water != "not_met" else t.water
        else:
            expected["water"] = "unknown"

        if t.income != "unknown":
            answers["income"] = self.income(people, profile, t, self.line(province, day.year))
        expected["income"] = t.income
        shock = t.income != "unknown" and (t.sudden or t.income == "not_met")

        risks, measures = _risks_and_measures(rng, expected, people, day)
        if risks:
            answers["risks"] = risks
        if measures:
            answers["measures"] = measures
        return {
            "visited_at": when.isoformat(),
            "answers": answers,
            "expected": {k: expected[k] for k in INDICATORS},
            "shock": shock,
        }

    def housing(self, profile: _Profile, t: _Targets, day: date) -> dict[str, Any]:
        rng = self.rng
        if t.housing == "not_met":
            if t.renovation_in_progress:
                block: dict[str, Any] = {
                    "grade": profile.housing_grade,
                    "renovation": "in_progress",
                }
            elif rng.random() < 0.1:
                return {"grade": "no_house", "safe_alternative": False}
            else:
                block = {
                    "grade": rng.choice(("C", "C", "D")),
                    "renovation": rng.choice(("none", "in_progress")),
                }
            block["safe_alternative"] = False
        elif profile.housing_mode == "renovated":
            block = {
                "grade": profile.housing_grade,
                "renovation": "accepted",
                "safe_alternative": False,
            }
        elif profile.housing_mode == "alternative":
            block = {
                "grade": profile.housing_grade,
                "renovation": "none",
                "safe_alternative": True,
                "alternative_type": rng.choice(
                    ("collective_rental", "happiness_court", "relatives", "rent_idle")
                ),
            }
        else:
            block = {"grade": profile.housing_grade, "safe_alternative": False}
        appraised = day - timedelta(days=rng.randint(30, 900))
        block["appraisal_date"] = appraised.isoformat()
        block["appraiser"] = "县住建局鉴定组"
        return block

    def water(self, profile: _Profile, t: _Targets, bands: _Bands) -> dict[str, Any]:
        rng = self.rng
        zone = profile.zone
        parts = {"quantity": "met", "convenience": "met", "reliability": "met", "quality": "met"}
        if t.water == "basic":
            for part in profile.water_basic_parts or ("quantity",):
                parts[part] = "basic"
        elif t.water == "not_met":
            choices = ["quantity", "convenience", "reliability", "quality"]
            parts[rng.choice(choices)] = "not_met"
        piped = profile.piped and parts["convenience"] == "met"
        lo, hi = bands.quantity[zone][parts["quantity"]]
        block: dict[str, Any] = {
            "zone": zone,
            "source_type": profile.source
            if piped or profile.source not in ("centralised", "piped_extension")
            else "well",
            "litres_per_person_day": rng.randint(lo, hi),
            "piped_to_yard": piped,
        }
        if not piped:
            grade = parts["convenience"]
            lo, hi = bands.fetch[grade]
            block["fetch_minutes"] = rng.randint(lo, hi)
            if rng.random() < 0.6:
                # Distance and climb in the same band; for a basic trip sometimes the
                # time alone fails and the short path makes it basic (T/CHES 18-2018).
                (dlo, dhi), (clo, chi) = bands.path[grade]
                block["fetch_distance_m"] = rng.randint(dlo, dhi)
                block["fetch_climb_m"] = rng.randint(clo, chi)
                if grade == "basic" and rng.random() < 0.4:
                    block["fetch_minutes"] = rng.randint(*bands.fetch["not_met"])
        lo, hi = bands.outage[parts["reliability"]]
        block["outage_days_12m"] = (
            rng.randint(lo, hi)
            if parts["reliability"] != "met"
            else rng.choice((0, 0, 0, rng.randint(lo, hi)))
        )
        quality = {"met": "meets", "basic": "basic", "not_met": "fails"}[parts["quality"]]
        if t.water_untested and parts["quality"] != "not_met":
            quality = "untested"
        block["quality"] = quality
        if quality != "untested":
            block["quality_evidence"] = (
                "lab_report" if profile.source == "centralised" else "sensory"
            )
        return block

    def income(
        self, people: list[_Person], profile: _Profile, t: _Targets, line: int
    ) -> dict[str, Any]:
        rng = self.rng
        size = len(people)
        if t.income == "not_met":
            per_capita = line * rng.uniform(0.5, 0.92)
        else:
            per_capita = max(
                line * 1.12, line * profile.per_capita_factor * rng.uniform(0.95, 1.05)
            )
        net = int(per_capita * size) // 10 * 10
        if t.income == "met":
            net = max(net, math.ceil(line * 1.1 * size / 10) * 10)
        # Split into the national components: 工资性 + 生产经营性 + 财产性 + 转移性 - 生产经营性支出.
        cost = int(net * rng.uniform(0.05, 0.2)) // 10 * 10
        gross = net + cost
        earners = sum(1 for p in people if p.labour in ("skilled", "ordinary"))
        wage_share = rng.uniform(0.4, 0.7) if earners else 0.0
        transfer_share = rng.uniform(0.1, 0.25) if earners else rng.uniform(0.55, 0.8)
        wage = int(gross * wage_share) // 10 * 10
        transfer = int(gross * transfer_share) // 10 * 10
        prop = int(gross * rng.uniform(0.0, 0.05)) // 10 * 10
        production = gross - wage - transfer - prop
        rigid = int(profile.rigid_base * rng.uniform(0.8, 1.2)) if profile.rigid_base else 0
        last_year = int(net * rng.uniform(0.9, 1.12)) // 10 * 10
        # Insurance claims pay back part of large medical spending (理赔收入).
        claims = int(rigid * rng.uniform(0.2, 0.5)) // 10 * 10 if rigid >= 8000 else 0
        if t.income == "not_met":
            claims = 0  # so the reference income is below the line too: a shock as well
        # The shock signals (CLI.md "shock"): the reference income (net - rigid +
        # claims) / size below the line; rigid spending above last year's net income;
        # income fallen by more than the policy's drop percentage.
        floor = line * size
        if t.sudden:
            trigger = rng.choice(("rigid", "rigid", "drop", "reference"))
            if trigger == "rigid":
                rigid = max(rigid, last_year + rng.randint(2000, 30000))
            elif trigger == "drop":
                last_year = math.ceil(net / rng.uniform(0.45, 0.62) / 10) * 10
                rigid = min(rigid, max(0, net - floor + claims))
            else:
                claims = 0
                rigid = max(0, min(last_year, net - floor + rng.randint(10, 20) * size))
        else:
            # No shock: the reference income stays at or above the line, and rigid
            # spending within last year's income.
            rigid = max(0, min(rigid, net - floor + claims, last_year))
        return {
            "wage_yuan": wage,
            "production_yuan": production,
            "property_yuan": prop,
            "transfer_yuan": transfer,
            "production_cost_yuan": cost,
            "net_income_yuan": net,
            "household_size": size,
            "rigid_spending_yuan": rigid,
            "claims_yuan": claims,
            "last_year_net_income_yuan": last_year,
        }


def _set_unknown(t: _Targets, block: str) -> None:
    if block == "household":
        t.household_block = False
    else:
        setattr(t, block, "unknown")


def _education_verdict(members: list[dict[str, Any]], bands: _Bands) -> str:
    """CLI.md education rule over the generated member answers."""
    policy = bands.policy.education
    verdicts = []
    for m in members:
        if not bands.education_min <= m["age"] <= bands.education_max:
            continue
        s = m["schooling"]
        if s in policy.exempt_schooling:
            verdicts.append("exempt")
        elif (
            s in policy.met_schooling
            or (s == "preschool" and m["age"] in policy.preschool_met_ages)
            or (s == GRADUATED and m["age"] >= policy.graduated_met_min_age)
        ):
            verdicts.append("met")
        else:
            verdicts.append("not_met")
    if not verdicts:
        return "not_applicable"
    if "not_met" in verdicts:
        return "not_met"
    if all(v == "exempt" for v in verdicts):
        return "exempt"
    return "met"


def _medical_verdict(members: list[dict[str, Any]]) -> str:
    """CLI.md medical rule over the generated member answers (newborns are always under 1)."""
    verdicts = [
        "not_met"
        if m["medical_insurance"] == "none"
        else ("exempt" if m["medical_insurance"] in _EXEMPT_INSURANCE else "met")
        for m in members
    ]
    if "not_met" in verdicts:
        return "not_met"
    if verdicts and all(v == "exempt" for v in verdicts):
        return "exempt"
    return "met"


def _insurance(rng: random.Random, p: _Person) -> str:
    """Basic medical insurance: mostly residents'; some employees', insured where they work,
    in the army or (rarely) in detention."""
    if p.sex == "male" and 18 <= p.age <= 24 and p.work is None and rng.random() < 0.05:
        return "military"
    if 20 <= p.age <= 55 and rng.random() < 0.002:
        return "detained"
    if p.work is not None and p.work[0] in ("in_province", "out_of_province"):
        roll = rng.random()
        if roll < 0.2:
            return "employee"
        if roll < 0.3 and p.work[0] == "out_of_province":
            return "elsewhere"
    return "resident"


def _suggest(expected: dict[str, str], is_tuopin: bool, sudden: bool) -> str:
    """CLI.md suggested_monitoring from the expected verdicts."""
    at_risk = "unstable" if is_tuopin else "marginal"
    if expected["income"] == "not_met":
        return at_risk
    if sudden:
        return "sudden"
    if any(v == "not_met" for v in expected.values()):
        return at_risk
    return "none"


_RISK_FOR = {
    "education": ("R_EDU", "M_EDU_COMPULSORY", "联系学校劝返复学"),
    "medical": ("R_ILL", "M_HEALTH", "代缴城乡居民医保"),
    "housing": ("R_HOUSING", "M_HOUSING", "纳入危房改造计划"),
    "water": ("R_WATER", "M_WATER", "接通集中供水管网"),
}


def _risks_and_measures(
    rng: random.Random, expected: dict[str, str], people: list[_Person], day: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Risks (DOMAIN §9.1) and, most of the time, their required measures for unmet indicators."""
    risks: list[dict[str, Any]] = []
    measures: list[dict[str, Any]] = []
    for indicator in INDICATORS:
        if expected[indicator] != "not_met":
            continue
        if indicator == "income":
            no_labour = not any(p.labour in ("skilled", "ordinary") for p in people)
            if no_labour:
                entry = ("R_LABOUR", "M_SOCIAL_PROTECTION", "申请纳入低保")
            elif any("serious" in p.health for p in people):
                entry = ("R_ILL", "M_HEALTH", "落实医疗救助")
            else:
                entry = ("R_JOB", "M_EMPLOYMENT", "推荐帮扶车间就业")
        elif indicator in _RISK_FOR:
            entry = _RISK_FOR[indicator]
        else:  # food, clothing
            entry = ("R_OTHER", "M_SOCIAL_ASSIST", "发放临时救助物资")
        code, measure, text = entry
        if len(risks) < 5 and all(r["code"] != code for r in risks):
            risk: dict[str, Any] = {"code": code}
            if code == "R_OTHER":
                risk["note"] = "生活物资短缺"
            risks.append(risk)
        if rng.random() < 0.75:
            measures.append({"category": measure, "description": text, "date": day.isoformat()})
    return risks, measures


_CADRE_UNITS = (
    "农业农村局", "人力资源和社会保障局", "卫生健康局", "教育局", "水利局",
    "住房和城乡建设局", "民政局", "财政局", "自然资源局", "供电公司",
)  # fmt: skip


def _cadre(gen: _Generator, village: _Village) -> dict[str, str]:
    rng = gen.rng
    sex = "male" if rng.random() < 0.6 else "female"
    name = rng.choice(gen.surnames) + _given_name(rng, sex, False, gen.names)
    if rng.random() < 0.25:
        unit = f"{village.township}人民政府"
    else:
        unit = village.county + rng.choice(_CADRE_UNITS)
    return {"name": name, "phone": _phone(rng), "unit": unit}


def generate_households(
    n: int, seed: int = 1, today: date | None = None
) -> Iterator[DemoHousehold]:
    """Generate ``n`` demo households, village by village.

    Args:
        n: number of households.
        seed: the random seed; the same ``(n, seed, today)`` gives the same output.
        today: the reference date for ages and visit times (default: today).

    Yields:
        :class:`DemoHousehold` objects; ID numbers are unique over the whole run.
    """
    if n <= 0:
        return
    today = today or date.today()
    gen = _Generator(seed, today)
    villages = _villages()
    count = village_count(n)
    base, extra = divmod(n, count)
    for v in range(count):
        village = villages[v]
        size = base + (1 if v < extra else 0)
        forced = gen.rng.sample(range(size), min(size, len(SCENARIOS)))
        scenario_at = {pos: SCENARIOS[i] for i, pos in enumerate(forced)}
        # One cadre per five neighbouring households (the Zibo seed cap, DOMAIN §10).
        cadres = [_cadre(gen, village) for _ in range(math.ceil(size / 5))]
        gen.forced_problems = 0
        for index in range(size):
            yield gen.household(village, index, size, scenario_at.get(index), cadres[index // 5])
