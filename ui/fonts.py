"""The CJK font the app and the cards use (a tiny module: the app asks for it at start-up)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QFontDatabase

from fieldapp.errors import FieldappError

# First family found wins. Noto/Source Han come with Linux distributions,
# YaHei/SimHei/DengXian with Windows, PingFang/Hiragino with macOS.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "DengXian",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "SimSun",
    "Noto Serif CJK SC",
)


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """The first installed CJK family (a Qt GUI application must exist).

    Raises:
        FieldappError: No font on this machine can show Simplified Chinese.
    """
    installed = QFontDatabase.families()
    present = set(installed)
    for family in CJK_FAMILIES:
        if family in present:
            return family
    for family in installed:
        systems = QFontDatabase.writingSystems(family)
        if QFontDatabase.WritingSystem.SimplifiedChinese in systems and QFontDatabase.isScalable(family):
            return family
    raise FieldappError(
        "No Chinese font is installed, so cards cannot be printed. Install Noto Sans CJK SC.",
        "本机没有中文字体，无法打印卡片。请安装思源黑体（Noto Sans CJK SC）。",
        code="no_cjk_font",
    )
