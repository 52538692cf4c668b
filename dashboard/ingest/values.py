"""Parsing cell text into typed values: times, dates, numbers, booleans, open days, id lists.

The importer validates millions of rows in DuckDB, so most parsers here are *SQL
expression builders*: they take a column reference (an identifier the importer made,
never user text) and return a DuckDB expression that yields the typed value or NULL
when the text cannot be parsed. The importer compares "text present" with "value
NULL" to reject a row with a reason.

Forms accepted (``shared/spec/exports.md``, Conventions)
--------------------------------------------------------
Times: ``2024-03-05 09:12:33``, ``2024/3/5 9:12``, ``2024-03-05T09:12:33``,
``20240305091233``, ``2024年3月5日 9:12``, fractional seconds, Excel serial numbers
(``45356.383``, days since 1899-12-30, as XLSX cells without a date format hold them),
12-hour times with 上午 / 下午 (``2024/3/5 下午 2:15:00``), and ISO times with a UTC offset
(``2024-03-05T01:12:33Z`` is 09:12:33 China time).
Dates: ``2024-03-05``, ``2024/3/5``, ``2024年3月5日``, ``20240305`` (and any time form).

Open days (:func:`parse_open_days`) and booleans are small vocabularies parsed in Python
over *distinct* values only.
"""

from __future__ import annotations

import re

from dashboard.settings import WEEKDAYS

__all__ = [
    "AMPM_FORMATS",
    "TIME_FORMATS",
    "BOOL_TRUE",
    "BOOL_FALSE",
    "bool_sql",
    "date_sql",
    "int_sql",
    "float_sql",
    "ids_sql",
    "mask_sql",
    "parse_open_days",
    "time_sql",
]

TIME_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M",
    "%Y%m%d%H%M%S",
    "%Y%m%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H时%M分%S秒",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y%m%d",
)
"""strptime formats tried in order (DuckDB's ``%m``/``%d``/``%H`` accept one digit)."""

BOOL_TRUE: tuple[str, ...] = ("是", "y", "yes", "true", "t", "1", "已办结", "已预约", "预约", "对", "√")
BOOL_FALSE: tuple[str, ...] = ("否", "n", "no", "false", "f", "0", "未办结", "未预约", "非预约", "错", "×")


AMPM_FORMATS: tuple[str, ...] = (
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %I:%M %p",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%Y年%m月%d日 %I:%M:%S %p",
    "%Y年%m月%d日 %I:%M %p",
)
"""Formats for 12-hour times written with 上午 / 下午 (Excel on Chinese Windows:
``2024/3/5 下午 2:15:00``), after the marker is moved to the end as AM / PM."""

# a time of day followed by a UTC offset (Z, +08:00, +0800, -05:00)
_OFFSET_TAIL = "[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? ?(Z|[+-][0-9]{2}:?[0-9]{2})$"


def _sql_list(formats: tuple[str, ...]) -> str:
    # formats are constants of this module, not user input
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in formats) + "]"


def time_sql(col: str) -> str:
    """SQL expression: TIMESTAMP (local China time) parsed from text column ``col``
    (NULL if unparseable).

    ``col`` must be a trusted identifier or expression. Besides :data:`TIME_FORMATS`:
    Excel serials between 10000 and 99999 days (1927-2173); 12-hour times with 上午 / 下午
    (:data:`AMPM_FORMATS`); ISO times with a UTC offset (``Z``, ``+08:00``, ``-0500``),
    converted to China time (UTC+8) — DuckDB alone would drop the offset. The offset and
    12-hour paths run only on cells that can hold them (a cheap test on the last
    characters / a 午 in the cell), so clean cells cost what they did.
    """
    sign = f"case when regexp_extract({col}, '([+-])[0-9]{{2}}:?[0-9]{{2}}$', 1) = '-' then -1 else 1 end"
    hh = f"cast(regexp_extract({col}, '([0-9]{{2}}):?([0-9]{{2}})$', 1) as bigint)"
    mm = f"cast(regexp_extract({col}, '([0-9]{{2}}):?([0-9]{{2}})$', 2) as bigint)"
    offset_min = f"(case when suffix({col}, 'Z') then 0 else {sign} * ({hh} * 60 + {mm}) end)"
    with_offset = (
        f"strlen({col}) >= 20 "  # bytes; '2024-03-05 09:12:33' (19) and shorter skip the rest
        f"and (suffix({col}, 'Z') or substr({col}, -6, 1) in ('+', '-') or substr({col}, -5, 1) in ('+', '-')) "
        f"and regexp_matches({col}, '{_OFFSET_TAIL}')"
    )
    ampm = (
        f"regexp_replace(regexp_replace({col}, '\\s*上午\\s*(.*)$', ' \\1 AM'), "
        f"'\\s*下午\\s*(.*)$', ' \\1 PM')"
    )
    plain = (
        f"coalesce(try_cast({col} as timestamp), try_strptime({col}, {_sql_list(TIME_FORMATS)}), "
        f"case when regexp_full_match({col}, '[0-9]{{5}}(\\.[0-9]+)?') then "
        f"timestamp '1899-12-30' + to_microseconds(cast(round(cast({col} as double) * 86400.0) * 1000000 as bigint)) end, "
        f"case when contains({col}, '午') then try_strptime({ampm}, {_sql_list(AMPM_FORMATS)}) end)"
    )
    return (
        f"(case when {with_offset} then "
        f"try_cast(regexp_replace({col}, ' ?(Z|[+-][0-9]{{2}}:?[0-9]{{2}})$', '') as timestamp) "
        f"+ to_minutes(480 - {offset_min}) "
        f"else {plain} end)"
    )


def date_sql(col: str) -> str:
    """SQL expression: DATE parsed from text (any time form; the time part is dropped)."""
    return f"cast({time_sql(col)} as date)"


def float_sql(col: str) -> str:
    """SQL expression: DOUBLE from text (thousands separators and full-width minus allowed)."""
    return f"try_cast(replace(replace(replace({col}, ',', ''), '，', ''), '−', '-') as double)"


def int_sql(col: str) -> str:
    """SQL expression: BIGINT from text; NULL unless the number is whole (``12.0`` is 12)."""
    f = float_sql(col)
    return f"case when {f} = round({f}) and abs({f}) < 2e9 then cast({f} as bigint) end"


def bool_sql(col: str) -> str:
    """SQL expression: BOOLEAN from 是/否, Y/N, 1/0, true/false (NULL when unrecognised)."""
    t = ", ".join("'" + w + "'" for w in BOOL_TRUE)
    f = ", ".join("'" + w + "'" for w in BOOL_FALSE)
    return f"case when lower({col}) in ({t}) then true when lower({col}) in ({f}) then false end"


def ids_sql(col: str) -> str:
    """SQL expression: VARCHAR[] of ids separated by ``;`` ``；`` ``、`` ``,`` ``，`` or blanks."""
    return (
        f"list_filter(list_transform(regexp_split_to_array({col}, '[;；、,，\\s]+'), lambda x: trim(x)), "
        f"lambda x: x <> '')"
    )


def mask_sql(col: str) -> str:
    """SQL expression: free text with digit runs of 7+ (phones, ID numbers, 户号) masked."""
    return f"regexp_replace({col}, '[0-9][0-9 -]{{5,}}[0-9Xx]', '***', 'g')"


# ---------------------------------------------------------------- open days
_DAY_WORDS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        ("一", "mon", "monday", "1"),
        ("二", "tue", "tues", "tuesday", "2"),
        ("三", "wed", "wednesday", "3"),
        ("四", "thu", "thur", "thurs", "thursday", "4"),
        ("五", "fri", "friday", "5"),
        ("六", "sat", "saturday", "6"),
        ("日", "天", "sun", "sunday", "7", "七"),
    ]
):
    for _n in _names:
        _DAY_WORDS[_n] = _i

_WHOLE: dict[str, tuple[int, ...]] = {
    "每天": tuple(range(7)),
    "每日": tuple(range(7)),
    "全周": tuple(range(7)),
    "daily": tuple(range(7)),
    "工作日": tuple(range(5)),
    "weekdays": tuple(range(5)),
    "周末": (5, 6),
    "双休日": (5, 6),
    "weekends": (5, 6),
    "weekend": (5, 6),
}
_PREFIX = re.compile(r"^(星期|礼拜|周)")
_RANGE = re.compile(r"^(.+?)(?:至|到|~|～|-|—|–)(.+)$")


def _day(token: str) -> int | None:
    t = _PREFIX.sub("", token.strip().lower())
    return _DAY_WORDS.get(t)


def parse_open_days(text: str | None) -> list[str] | None:
    """Parse an open-days cell into a list of ``mon`` .. ``sun`` (week order).

    Accepts ``周二``, ``星期六、星期日``, ``Tue``, ``Sat,Sun``, ``周一至周五``,
    ``Mon-Fri``, ``工作日``, ``周末``, ``每天``.

    Parameters
    ----------
    text
        The cell text.

    Returns
    -------
    list of str or None
        The days, or ``None`` when the text is empty or not understood.

    Examples
    --------
    >>> parse_open_days("星期六、星期日")
    ['sat', 'sun']
    >>> parse_open_days("周一至周五")
    ['mon', 'tue', 'wed', 'thu', 'fri']
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    days: set[int] = set()
    for part in re.split(r"[;；、,，/\s]+", s):
        if not part:
            continue
        key = part.lower()
        if key in _WHOLE:
            days.update(_WHOLE[key])
            continue
        d = _day(part)
        if d is not None:
            days.add(d)
            continue
        m = _RANGE.match(part)
        if m:
            a, b = _day(m.group(1)), _day(m.group(2))
            if a is not None and b is not None and a <= b:
                days.update(range(a, b + 1))
                continue
        # run of Chinese day characters after one prefix: 周二四 / 周六日
        m2 = re.fullmatch(r"(?:星期|礼拜|周)([一二三四五六日天七]+)", part)
        if m2:
            days.update(_DAY_WORDS[c] for c in m2.group(1))
            continue
        return None
    return [WEEKDAYS[d] for d in sorted(days)] if days else None
