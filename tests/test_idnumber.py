"""GB 11643-1999 ID number pipeline (DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.idnumber import IdCheck, age_on, check_char, check_id, normalize, upgrade_15

TODAY = date(2026, 3, 1)


def make_id(region: str, born: date, seq: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


# --- the published vectors -------------------------------------------------


def test_gb_appendix_vector_female() -> None:
    c = check_id("11010519491231002X", TODAY)
    assert c.valid and c.error is None
    assert c.birth_date == date(1949, 12, 31)
    assert c.sex == "female"
    assert c.region_code == "110105"
    assert c.kind == "id18"


def test_vector_born_1880_is_refused_before_1900() -> None:
    # The check character is right; only the >= 1900 rule refuses it.
    assert check_char("44052418800101001") == "4"
    c = check_id("440524188001010014", TODAY)
    assert not c.valid
    assert c.error == "before_1900"


def test_blog_vector_valid() -> None:
    c = check_id("370101190102039973", TODAY)
    assert c.valid
    assert c.birth_date == date(1901, 2, 3)
    assert c.sex == "male"


def test_wrong_check_digit() -> None:
    c = check_id("110105194912310021", TODAY)
    assert not c.valid
    assert c.error == "bad_check_digit"
    assert c.birth_date is None and c.sex is None and c.region_code is None
    assert "应为X" in c.message("zh")
    assert "expected X" in c.message("en")


# --- normalisation ---------------------------------------------------------


def test_full_width_digits_and_x() -> None:
    c = check_id("１１０１０５１９４９１２３１００２Ｘ", TODAY)
    assert c.valid
    assert c.id == "11010519491231002X"


def test_lower_case_x() -> None:
    assert normalize("11010519491231002x") == "11010519491231002X"
    assert check_id("11010519491231002x", TODAY).valid
    assert check_id("１１０１０５１９４９１２３１００２ｘ", TODAY).valid


def test_spaces_inside_and_around() -> None:
    assert normalize("  110105 19491231 002X\u3000") == "11010519491231002X"
    assert check_id(" 110105 1949 1231 002x ", TODAY).valid


def test_empty() -> None:
    assert check_id("", TODAY).error == "empty"
    assert check_id("   \u3000", TODAY).error == "empty"


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949123100",
        "11010519491231002Y",
        "1101051949123100XX",
        "X10105194912310021",
        "1101051949123100212",
        "11010519491231002X1",
        "1234567890123456789012345",
        "abc",
    ],
)
def test_bad_format(raw: str) -> None:
    c = check_id(raw, TODAY)
    assert not c.valid
    assert c.error == "bad_format"


# --- legacy 15-digit numbers ----------------------------------------------


def test_upgrade_15() -> None:
    assert upgrade_15("110105491231002") == "11010519491231002X"


def test_fifteen_digit_is_converted() -> None:
    c = check_id("110105491231002", TODAY)
    assert c.valid
    assert c.kind == "id15"
    assert c.id == "11010519491231002X"
    assert c.birth_date == date(1949, 12, 31)
    assert c.sex == "female"


def test_fifteen_digit_bad_date() -> None:
    c = check_id("110105491331002", TODAY)
    assert c.error == "bad_date"


def test_check_char_and_upgrade_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        check_char("1234")
    with pytest.raises(ValueError):
        upgrade_15("11010549123100X")


# --- birth dates ------------------------------------------------------------


def test_feb_29_leap_year_valid() -> None:
    c = check_id(make_id("370303", date(2000, 2, 29), 12), TODAY)
    assert c.valid
    assert c.birth_date == date(2000, 2, 29)


def test_feb_29_non_leap_year_refused() -> None:
    first17 = "37030319990229012"
    c = check_id(first17 + check_char(first17), TODAY)
    assert c.error == "bad_date"


def test_feb_29_1900_is_not_leap() -> None:
    first17 = "37030319000229012"
    assert check_id(first17 + check_char(first17), TODAY).error == "bad_date"


def test_month_13() -> None:
    first17 = "37030319801301012"
    c = check_id(first17 + check_char(first17), TODAY)
    assert c.error == "bad_date"
    assert "19801301" in c.message("zh")


def test_day_zero() -> None:
    first17 = "37030319800100012"
    assert check_id(first17 + check_char(first17), TODAY).error == "bad_date"


def test_future_date() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert check_id(make_id("370303", tomorrow, 11), TODAY).error == "future_date"
    assert check_id(make_id("370303", TODAY, 11), TODAY).valid


def test_year_1900_is_accepted() -> None:
    assert check_id(make_id("370303", date(1900, 1, 1), 11), TODAY).valid


def test_default_today_is_used() -> None:
    far_future = date.today() + timedelta(days=400)
    assert check_id(make_id("370303", far_future, 11)).error == "future_date"


# --- sex -------------------------------------------------------------------


@pytest.mark.parametrize(
    "seq,sex", [(1, "male"), (2, "female"), (9, "male"), (10, "female"), (999, "male")]
)
def test_sex_from_17th_digit(seq: int, sex: str) -> None:
    c = check_id(make_id("410522", date(1975, 6, 1), seq), TODAY)
    assert c.valid
    assert c.sex == sex


# --- disability certificate numbers ----------------------------------------


def test_disability_20() -> None:
    c = check_id("11010519491231002X42", TODAY)
    assert c.valid
    assert c.kind == "disability20"
    assert c.id == "11010519491231002X42"
    assert c.person_id == "11010519491231002X"
    assert c.disability_type == "4" and c.disability_grade == "2"
    assert c.sex == "female"


def test_disability_22_reissued() -> None:
    c = check_id("11010519491231002x11b1", TODAY)
    assert c.valid
    assert c.kind == "disability22"
    assert c.id == "11010519491231002X11B1"


@pytest.mark.parametrize("suffix", ["81", "01", "90", "15", "10"])
def test_disability_bad_type_or_grade(suffix: str) -> None:
    c = check_id("11010519491231002X" + suffix, TODAY)
    assert c.error == "bad_disability_type"


def test_disability_with_bad_id_part_reports_id_error() -> None:
    assert check_id("11010519491231002142", TODAY).error == "bad_check_digit"


@pytest.mark.parametrize("length", [16, 17, 19, 21, 23])
def test_other_lengths_are_bad_format(length: int) -> None:
    raw = ("11010519491231002X4211" + "0" * 10)[:length]
    assert check_id(raw, TODAY).error == "bad_format"


# --- JSON and messages -----------------------------------------------------


def test_to_json_shape() -> None:
    assert check_id("11010519491231002X", TODAY).to_json() == {
        "id": "11010519491231002X",
        "valid": True,
        "birth_date": "1949-12-31",
        "sex": "female",
        "region_code": "110105",
        "error": None,
        "kind": "id18",
        "warnings": [],
    }
    bad = check_id("12", TODAY).to_json()
    assert set(bad) == {
        "id", "valid", "birth_date", "sex", "region_code", "error", "kind", "warnings",
    }  # fmt: skip
    assert bad["valid"] is False and bad["error"] == "bad_format" and bad["birth_date"] is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12",
        "110105194913310021",
        "440524188001010014",
        "110105194912310021",
        "11010519491231002X81",
        "11010519491231002X",
        make_id("370303", date(2030, 1, 1), 1),
    ],
)
def test_messages_are_non_empty_in_both_languages(raw: str) -> None:
    c = check_id(raw, TODAY)
    zh, en = c.message("zh"), c.message("en")
    assert zh and en and zh != en
    assert c.message("zh_CN") == zh


def test_idcheck_is_frozen() -> None:
    c = check_id("11010519491231002X", TODAY)
    with pytest.raises(AttributeError):
        c.valid = False  # type: ignore[misc]
    assert isinstance(c, IdCheck)


# --- age -------------------------------------------------------------------


def test_age_on() -> None:
    born = date(2010, 9, 1)
    assert age_on(born, date(2016, 8, 31)) == 5
    assert age_on(born, date(2016, 9, 1)) == 6
    leapling = date(2008, 2, 29)
    assert age_on(leapling, date(2026, 2, 28)) == 17
    assert age_on(leapling, date(2026, 3, 1)) == 18


# --- properties ------------------------------------------------------------

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(min_value=0, max_value=999)


@settings(max_examples=300, deadline=None)
@given(region=regions, born=births, seq=seqs)
def test_generated_numbers_round_trip(region: str, born: date, seq: int) -> None:
    number = make_id(region, born, seq)
    c = check_id(number, TODAY)
    assert c.valid, c
    assert c.id == number
    assert c.birth_date == born
    assert c.region_code == region
    assert c.sex == ("male" if seq % 2 else "female")
    # The same number typed in full width with a lower-case x still validates.
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in number.lower())
    assert check_id(fullwidth, TODAY).id == number


@settings(max_examples=300, deadline=None)
@given(
    region=regions,
    born=births,
    seq=seqs,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from("0123456789X"),
)
def test_any_single_change_invalidates(
    region: str, born: date, seq: int, position: int, replacement: str
) -> None:
    number = make_id(region, born, seq)
    if number[position] == replacement:
        return
    changed = number[:position] + replacement + number[position + 1 :]
    assert not check_id(changed, TODAY).valid


def _with_region(region: str) -> str:
    first17 = region + "19900101001"
    return first17 + check_char(first17)


@pytest.mark.parametrize(
    ("region", "warnings"),
    [
        ("110105", ()),
        ("370303", ()),
        ("659001", ()),  # 90: county-level unit directly under the province
        ("820000", ()),  # Macao residents' residence permit
        ("370000", ()),  # the province's own code
        ("000000", ("unknown_province",)),
        ("000101", ("unknown_province",)),
        ("990001", ("unknown_province", "unknown_prefecture")),
        ("001010", ("unknown_province",)),
        ("990101", ("unknown_province",)),
        ("100101", ("unknown_province",)),
        ("160101", ("unknown_province",)),
        ("380101", ("unknown_province",)),
        ("377001", ()),  # 70: the last city code
        ("377101", ("unknown_prefecture",)),
        ("378901", ("unknown_prefecture",)),
        ("379101", ("unknown_prefecture",)),
        ("370001", ("unknown_prefecture",)),
    ],
)
def test_region_code_that_cannot_exist_is_a_warning(region: str, warnings: tuple[str, ...]) -> None:
    result = check_id(_with_region(region), TODAY)
    assert result.valid  # a warning, never a refusal
    assert result.warnings == warnings
    assert result.to_json()["warnings"] == list(warnings)
    texts = result.warning_texts()
    assert len(texts) == len(warnings)
    for zh, en in texts:
        assert region[:2] in zh + en or region[2:4] in zh + en
