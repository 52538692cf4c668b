"""The string catalogue: every key in both languages, non-empty, same placeholders,
and every literal key the code asks for exists."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.i18n import CATALOGUE, LANGS, fmt_count, fmt_month, t

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_both_languages_non_empty():
    bad = [k for k, v in CATALOGUE.items() if set(v) != set(LANGS) or any(not str(v[l]).strip() for l in LANGS)]
    assert not bad, f"keys missing a language or empty: {bad[:20]}"


def test_placeholders_match_between_languages():
    bad = {k: {l: sorted(_fields(v[l])) for l in LANGS} for k, v in CATALOGUE.items()
           if len({frozenset(_fields(v[l])) for l in LANGS}) != 1}
    assert not bad, f"placeholders differ between zh and en: {bad}"


class _Any:
    """A value any format spec accepts ({n}, {n:.1f}, {n:,})."""

    def __format__(self, spec: str) -> str:
        return "X"


def test_every_placeholder_formats():
    for k, v in CATALOGUE.items():
        names = _fields(v["zh"])
        for l in LANGS:
            out = t(k, l, **{n: _Any() for n in names}) if names else t(k, l)
            assert "{" not in out or "{{" in v[l], (k, l, out)


def test_area_files_prefix_and_unique():
    seen: dict[str, str] = {}
    for area in i18n._AREAS:
        for k in i18n.area_strings(area):
            assert k not in seen, f"{k} in both {seen[k]} and {area}"
            seen[k] = area
    assert set(seen) == set(CATALOGUE) and len(i18n._AREAS) >= 10
    rep = i18n.area_strings("report")
    assert all(k.startswith("rep.") for k in rep)


def test_a_catalogue_file_with_a_missing_language_is_refused(tmp_path, monkeypatch):
    from importlib import resources

    (tmp_path / "broken.toml").write_text('["x.y"]\nzh = "中"\n', encoding="utf-8")
    monkeypatch.setattr(resources, "files", lambda name: tmp_path)
    with pytest.raises(ValueError, match="broken.toml: key 'x.y' must have exactly the texts zh, en"):
        i18n.area_strings("broken")


def _literal_keys() -> list[tuple[str, int, str]]:
    """(file, line, key) of every t("literal", ...) call in the package."""
    found = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value))
    return found


def test_every_literal_key_used_in_code_exists():
    used = _literal_keys()
    assert used, "the scan found no t() calls at all: the scanner is broken"
    missing = [(f, line, k) for f, line, k in used if k not in CATALOGUE]
    assert not missing, f"t() keys missing from the catalogue: {missing}"


def test_missing_key_raises():
    with pytest.raises(KeyError):
        t("rep.this_key_does_not_exist")


def test_chinese_number_and_date_conventions():
    assert fmt_count(123_456, "zh") == "12.3万"
    assert fmt_count(123_456, "en") == "123,456"
    assert fmt_count(250_000_000, "zh") == "2.5亿"
    assert fmt_month("2024-03-05", "zh") == "2024年3月"
    assert fmt_month("2024-03-05", "en") == "Mar 2024"
