"""User mapping profiles (TOML): other headers and other category words → canonical ones.

A profile is how a user adapts the importer to a system we have never seen, without
editing code. Example (``examples/profile.example.toml``)::

    # headers for every table: file header = canonical field
    [headers]
    "客户编号" = "customer_no"

    # headers for one table only (communities, halls, rooms, tickets, hotline, visits,
    # staff, buildings)
    [headers.tickets]
    "办理网点" = "hall_id"

    # category words: [categories.<vocabulary>] word = canonical code
    [categories.service_type]
    "电费发票打印" = "query"

Vocabularies: ``service_type``, ``outcome``, ``hotline_category``, ``kind``,
``building_kind``, ``urban_rural``, ``satisfaction``, ``customer_group``, ``mode``,
``former_role``, ``current_role``. The importer prints, for every unknown word, the
line that would map it (:func:`profile_line`).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.ingest.aliases import (
    CATEGORY_CODES,
    TABLE_ALIASES,
    TABLES,
    normalise_header,
    normalise_word,
)

__all__ = ["Profile", "load_profile", "profile_line"]


class ProfileError(ValueError):
    """A profile file that cannot be used (bad TOML, unknown field or code)."""


@dataclass
class Profile:
    """Parsed profile: extra header aliases and category words.

    Attributes
    ----------
    headers
        ``{warehouse table or "*": {normalised header: canonical field}}``.
    categories
        ``{vocabulary: {normalised word: code}}``.
    source
        File the profile came from (for messages).
    """

    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    categories: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str | None = None

    def header_map(self, table: str) -> dict[str, str]:
        """Header aliases that apply to warehouse table ``table`` (table-specific win)."""
        out = dict(self.headers.get("*", {}))
        out.update(self.headers.get(table, {}))
        return out


def load_profile(path: str | os.PathLike | Profile | dict | None) -> Profile:
    """Read and check a TOML profile (or pass through an already parsed one).

    Parameters
    ----------
    path
        A ``.toml`` file, a dict with the same structure, a :class:`Profile`, or ``None``.

    Returns
    -------
    Profile

    Raises
    ------
    ProfileError
        When the file is not valid TOML, names an unknown table, field, vocabulary or
        code; the message names the file and the entry.
    """
    if path is None:
        return Profile()
    if isinstance(path, Profile):
        return path
    if isinstance(path, dict):
        raw, source = path, "<profile>"
    else:
        p = Path(path)
        source = str(p)
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ProfileError(f"profile {p} not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProfileError(f"profile {p} is not valid TOML: {exc}") from None
    prof = Profile(source=source)
    for key, value in (raw.get("headers") or {}).items():
        if isinstance(value, dict):  # [headers.<table>]
            if key not in TABLE_ALIASES:
                raise ProfileError(f"profile {source}: [headers.{key}] names an unknown table")
            table = TABLE_ALIASES[key]
            for h, f in value.items():
                _check_field(source, table, h, f)
                prof.headers.setdefault(table, {})[normalise_header(h)] = f
        else:
            if not any(TABLES[t].has(str(value)) for t in TABLES):
                raise ProfileError(f"profile {source}: header {key!r} maps to unknown field {value!r}")
            prof.headers.setdefault("*", {})[normalise_header(key)] = str(value)
    for vocab, words in (raw.get("categories") or {}).items():
        if vocab not in CATEGORY_CODES:
            raise ProfileError(
                f"profile {source}: [categories.{vocab}] is not a vocabulary; expected one of "
                + ", ".join(CATEGORY_CODES)
            )
        if not isinstance(words, dict):
            raise ProfileError(f"profile {source}: [categories.{vocab}] must be a table of word = code")
        for w, code in words.items():
            if code not in CATEGORY_CODES[vocab]:
                raise ProfileError(
                    f"profile {source}: [categories.{vocab}] {w!r} = {code!r}: code must be one of "
                    + ", ".join(CATEGORY_CODES[vocab])
                )
            prof.categories.setdefault(vocab, {})[normalise_word(w)] = code
    unknown = set(raw) - {"headers", "categories"}
    if unknown:
        raise ProfileError(f"profile {source}: unknown section(s) {sorted(unknown)}; expected [headers], [categories]")
    return prof


def _check_field(source: str, table: str, header: str, fieldname: object) -> None:
    if not TABLES[table].has(str(fieldname)):
        fields = ", ".join(f.name for f in TABLES[table].fields)
        raise ProfileError(
            f"profile {source}: header {header!r} maps to {fieldname!r}, not a field of {table} ({fields})"
        )


def profile_line(vocab: str, word: str) -> str:
    """The TOML line that maps ``word`` in vocabulary ``vocab`` (code left for the user).

    >>> profile_line("service_type", "电费发票打印")
    'categories.service_type."电费发票打印" = "<code: consultation|query|payment|fault_report|application|agency|complaint|promotion|other>"'
    """
    codes = "|".join(CATEGORY_CODES.get(vocab, ()))
    return f'categories.{vocab}.{json.dumps(word, ensure_ascii=False)} = "<code: {codes}>"'
