"""Saying terms in words: money, moments, durations, grades, delivery modes and jurisdictions.

These are the filters of the contract templates. Their output is part of the signed text, so a change to
any of them changes the hash of every contract rendered with them: add a new function (and a new template
version that uses it) instead of changing what an existing one writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

# ISO 4217 currencies whose minor unit is not a hundredth (the rest use two decimals).
_MINOR_UNIT_DIGITS: Mapping[str, int] = {
    **dict.fromkeys(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX"], 0),
    **dict.fromkeys(["VND", "VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}

GRADE_LABELS: Mapping[str, str] = {
    "core": "core data (核心数据)",
    "important": "important data (重要数据)",
    "general-4": "general data, level 4 (一般数据 4 级)",
    "general-3": "general data, level 3 (一般数据 3 级)",
    "general-2": "general data, level 2 (一般数据 2 级)",
    "general-1": "general data, level 1 (一般数据 1 级)",
}

DELIVERY_LABELS: Mapping[str, str] = {
    "download": "file download through the Node (文件下载)",
    "api": "record-level access through the Node's API (接口调用)",
    "aggregate_query": "aggregate queries run inside the Node (聚合查询，可用不可见)",  # noqa: RUF001 - Chinese comma
}

EU_MEMBER_STATES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
_COUNTRY_NAMES: Mapping[str, str] = {
    "CN": "the People's Republic of China",
    "HK": "the Hong Kong Special Administrative Region",
    "MO": "the Macao Special Administrative Region",
    "SG": "the Republic of Singapore",
    "GB": "England and Wales",
    "US": "the United States of America",
    "JP": "Japan",
    "KR": "the Republic of Korea",
    "CH": "the Swiss Confederation",
    "DE": "the Federal Republic of Germany",
    "FR": "the French Republic",
    "NL": "the Kingdom of the Netherlands",
    "IT": "the Italian Republic",
    "ES": "the Kingdom of Spain",
    "BE": "the Kingdom of Belgium",
    "AT": "the Republic of Austria",
    "IE": "Ireland",
}
_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


def money(value: Mapping[str, Any]) -> str:
    """`{"amount_minor": 120050, "currency": "CNY"}` as `CNY 1,200.50`."""
    return f"{value['currency']} {decimal_amount(value, grouped=True)}"


def decimal_amount(value: Mapping[str, Any], grouped: bool = False) -> str:
    """The amount in major units as exact decimal text, e.g. `1200.50` (`1,200.50` when grouped)."""
    minor, currency = int(value["amount_minor"]), str(value["currency"])
    digits = _MINOR_UNIT_DIGITS.get(currency, 2)
    sign, minor = ("-" if minor < 0 else ""), abs(minor)
    whole, fraction = divmod(minor, 10**digits)
    whole_text = f"{whole:,}" if grouped else str(whole)
    return sign + whole_text + (f".{fraction:0{digits}d}" if digits else "")


def moment(text: str) -> str:
    """An ISO 8601 date-time with offset as `2026-01-31 16:00:00 UTC`."""
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(text: str) -> str:
    """An ISO 8601 duration in words: `P1M` is `1 month`, `P1Y6M` is `1 year and 6 months`."""
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT"):
        return text
    parts = [
        f"{int(amount)} {unit if int(amount) == 1 else unit + 's'}"
        for unit, amount in (
            (name[:-1], match[name])
            for name in ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
        )
        if amount is not None
    ]
    return join_words(parts)


def number(value: int) -> str:
    """An integer with thousands separators: `100000` is `100,000`."""
    return f"{int(value):,}"


def tier_band(tiers: Sequence[Mapping[str, Any]], index: int, units: str) -> str:
    """The units of a month that tier `index` covers, e.g. `more than 1,000 and up to 5,000 calls`.

    `up_to` is a tier's last unit, counted from the first unit of the month; the last tier has none.
    """
    upper: int | None = tiers[index].get("up_to")
    lower: int | None = tiers[index - 1].get("up_to") if index > 0 else None
    if lower is None:
        return f"all {units}" if upper is None else f"up to {number(upper)} {units}"
    if upper is None:
        return f"more than {number(lower)} {units}"
    return f"more than {number(lower)} and up to {number(upper)} {units}"


def permille(value: int) -> str:
    """Tenths of a percent as a percentage: `995` is `99.5%`."""
    whole, tenth = divmod(int(value), 10)
    return f"{whole}.{tenth}%" if tenth else f"{whole}%"


def join_words(items: Iterable[Any], conjunction: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def grade_label(grade: str) -> str:
    """A grade of GB/T 43697-2024 in words, e.g. `general data, level 4 (一般数据 4 级)`."""
    return GRADE_LABELS.get(grade, grade)


def delivery_label(mode: str) -> str:
    """A delivery mode in words."""
    return DELIVERY_LABELS.get(mode, mode)


def jurisdiction_name(code: str) -> str:
    """An ISO 3166 code as the name of its legal order where known, e.g. `the People's Republic of China`."""
    country = code.split("-", 1)[0]
    name = _COUNTRY_NAMES.get(country)
    return f"{name} ({code})" if name else f"the jurisdiction {code}"


def country(code: str) -> str:
    """The country of an ISO 3166 code: `CN-SH` is `CN`."""
    return code.split("-", 1)[0]


def privacy_regime(code: str) -> str:
    """Which personal-information law frames the contract: `CN` (PIPL), `EU` (GDPR), `GB` or `other`."""
    country = code.split("-", 1)[0]
    if country == "CN":
        return "CN"
    if country in EU_MEMBER_STATES:
        return "EU"
    return "GB" if country == "GB" else "other"


FILTERS = {
    "money": money,
    "decimal_amount": decimal_amount,
    "moment": moment,
    "duration": duration,
    "number": number,
    "permille": permille,
    "tier_band": tier_band,
    "join_words": join_words,
    "grade_label": grade_label,
    "delivery_label": delivery_label,
    "jurisdiction_name": jurisdiction_name,
    "country": country,
}
GLOBALS = {"privacy_regime": privacy_regime}
