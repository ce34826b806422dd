"""Search keys: pinyin, initials, blob and query normalisation."""

from __future__ import annotations

import pytest

from fieldapp.search_keys import name_keys, normalize_query, search_blob


@pytest.mark.parametrize(
    "name,full,initials",
    [
        ("张三", "zhangsan", "zs"),
        ("李小红", "lixiaohong", "lxh"),
        ("吕布", "lvbu", "lb"),
        ("王 小明", "wangxiaoming", "wxm"),
        (" 赵六 ", "zhaoliu", "zl"),
    ],
)
def test_name_keys(name: str, full: str, initials: str) -> None:
    assert name_keys(name) == (full, initials)


@pytest.mark.parametrize(
    "name,full,initials",
    [
        ("单雄信", "shanxiongxin", "sxx"),
        ("曾国藩", "zengguofan", "zgf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("翟明", "zhaiming", "zm"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟丽", "moqili", "mql"),
    ],
)
def test_surname_readings(name: str, full: str, initials: str) -> None:
    assert name_keys(name) == (full, initials)


def test_surname_reading_applies_only_to_first_character() -> None:
    # 单 in the given name keeps its default reading.
    full, _ = name_keys("王单")
    assert full == "wangdan"


def test_non_chinese_passes_through_lower_cased() -> None:
    assert name_keys("李Anna") == ("lianna", "la")
    assert name_keys("ＺＨＡＮＧ") == ("zhang", "z")
    assert name_keys("阿卜杜·艾力")[0].endswith("aili")


def test_empty_name() -> None:
    assert name_keys("") == ("", "")
    assert name_keys("  ") == ("", "")


def test_normalize_query() -> None:
    assert normalize_query("  ZS ") == "zs"
    assert normalize_query("ＺＳ１２３") == "zs123"
    assert normalize_query("\u3000张三\u3000") == "张三"
    assert normalize_query("11010519491231002X") == "11010519491231002x"


def test_search_blob_contents() -> None:
    blob = search_blob(["张三", "李四"], ["11010519491231002X"], ["13800138000"], ["3组"])
    tokens = blob.split(" ")
    for token in [
        "张三",
        "zhangsan",
        "zs",
        "李四",
        "lisi",
        "ls",
        "11010519491231002x",
        "13800138000",
        "3组",
    ]:
        assert token in tokens
    assert blob == blob.lower()


@pytest.mark.parametrize(
    "query",
    [
        "张三",
        "张",
        "zhangsan",
        "zhang",
        "zs",
        "ls",
        "0519491231",
        "1231002x",
        "11010519491231002X",
        "13800138000",
        "8001380",
        "3组",
        "ＺＳ",
        " Lisi ",
    ],
)
def test_queries_match_as_substrings(query: str) -> None:
    blob = search_blob(["张三", "李四"], ["11010519491231002X"], ["13800138000"], ["3组"])
    assert normalize_query(query) in blob


def test_search_blob_skips_empty_values() -> None:
    assert search_blob(["", "  "], [""], [], [" "]) == ""
    blob = search_blob(["张三"], [], [], ["第 3 组"])
    assert "  " not in blob
    assert "第3组" in blob.split(" ")


def test_unrelated_query_does_not_match() -> None:
    blob = search_blob(["张三"], ["11010519491231002X"], ["13800138000"], [])
    assert normalize_query("wangwu") not in blob
