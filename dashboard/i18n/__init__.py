"""Every visible string in Chinese (default) and English, from one catalogue.

The catalogue is data, not code: one TOML file per area beside this module
(``core.toml``, ``data.toml``, ``effects.toml``, ``coverage.toml``, ``report.toml``, ...,
every ``*.toml`` here), each a table per key with its ``zh`` and ``en`` text, so a
translator edits text files and each concern owns its file. Keys are unique across
files. :func:`t` looks a key up and formats it; a missing key raises ``KeyError`` (tests
walk every page, so a missing key fails a test rather than showing a raw key to a user).

Also here: Chinese number and date conventions (万 for large counts, 2024年3月).
"""

from __future__ import annotations

import datetime as _dt
import tomllib
from importlib import resources
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"
_FILES = sorted((f for f in resources.files(__name__).iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
_AREAS: tuple[str, ...] = tuple(f.name[: -len(".toml")] for f in _FILES)


def area_strings(area: str) -> dict[str, dict[str, str]]:
    """The strings of one area's file (``<area>.toml``): ``{key: {"zh": .., "en": ..}}``."""
    text = resources.files(__name__).joinpath(f"{area}.toml").read_text(encoding="utf-8")
    strings = tomllib.loads(text)
    for k, v in strings.items():
        if set(v) != set(LANGS) or not all(isinstance(x, str) for x in v.values()):
            raise ValueError(f"i18n {area}.toml: key {k!r} must have exactly the texts {', '.join(LANGS)}")
    return strings


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for area in _AREAS:
        for k, v in area_strings(area).items():
            if k in merged:
                raise ValueError(f"i18n key {k!r} defined twice (second in {area}.toml)")
            merged[k] = v
    return merged


CATALOGUE: dict[str, dict[str, str]] = _load()


def t(key: str, lang: str | None = None, **fmt: Any) -> str:
    """Translate ``key`` into ``lang`` (default Chinese) and ``str.format`` it with ``fmt``."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    entry = CATALOGUE[key]
    text = entry[lang]
    return text.format(**fmt) if fmt else text


def label(prefix: str, code: str | None, lang: str | None = None) -> str:
    """Label of a category code, e.g. ``label("service_type", "payment")`` → 交费.

    Unknown codes come back unchanged (they are data, not UI text).
    """
    if code is None:
        return ""
    key = f"{prefix}.{code}"
    return t(key, lang) if key in CATALOGUE else str(code)


def fmt_count(n: float | int | None, lang: str | None = None, digits: int = 1) -> str:
    """A count for display: ``123,456`` in English; ``12.3万`` in Chinese from 100,000 up."""
    if n is None or n != n:  # None or NaN
        return "–"
    if (lang or DEFAULT_LANG) == "zh" and abs(n) >= 100_000:
        if abs(n) >= 100_000_000:
            return f"{n / 100_000_000:.{digits}f}亿"
        return f"{n / 10_000:.{digits}f}万"
    if float(n).is_integer():
        return f"{int(n):,}"
    return f"{n:,.{digits}f}"


def fmt_month(d: _dt.date | str, lang: str | None = None) -> str:
    """``2024年3月`` in Chinese, ``Mar 2024`` in English."""
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    if (lang or DEFAULT_LANG) == "zh":
        return f"{d.year}年{d.month}月"
    return d.strftime("%b %Y")


def fmt_date(d: _dt.date | str, lang: str | None = None) -> str:
    """``2024年3月5日`` in Chinese, ``2024-03-05`` in English."""
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    if (lang or DEFAULT_LANG) == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()
