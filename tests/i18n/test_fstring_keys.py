"""Keys built with f-strings (``t(f"eff.what.{outcome}")``) exist in both languages.

The literal-key test (test_catalogue) cannot see these. Each f-string key in the package
is expanded over the codes it can take:

* when every placeholder is the variable of an enclosing ``for`` loop or comprehension
  over a literal tuple (``for status in ("covered", "uncovered")``), over that tuple;
* otherwise over the code list named for its template in :data:`FAMILIES` (the
  taxonomies in ``dashboard/settings.py``, the metric and outcome registries, ...).

A template with neither fails the test, naming file and line: add its code list here.
"""

from __future__ import annotations

import ast
import functools
import importlib
import itertools
from collections.abc import Callable, Iterable
from typing import Any
from pathlib import Path

from dashboard.i18n import CATALOGUE, LANGS

ROOT = Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=8)
def _package_trees(module: str | None = None) -> list[ast.Module]:
    paths = [ROOT / module] if module else sorted((ROOT / "dashboard").rglob("*.py"))
    return [ast.parse(p.read_text(encoding="utf-8")) for p in paths]


def _call_literals(func: str, *, position: int | None = None, keyword: str | None = None,
                   module: str | None = None, leave: tuple[str, ...] = ()) -> Callable[[], list[str]]:
    """String literals passed to every call of ``func`` (by position or keyword) in the
    package (or one ``module`` file), without the codes in ``leave``."""
    def values() -> list[str]:
        out = set()
        for tree in _package_trees(module):
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name != func:
                    continue
                args = [node.args[position]] if position is not None and len(node.args) > position else []
                args += [k.value for k in node.keywords if k.arg == keyword]
                out |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
        assert out, f"no literal arguments of {func}() found: the code list moved"
        return sorted(out - set(leave))

    return values


def _subscript_literals(attr: str, module: str | None = None) -> Callable[[], list[str]]:
    """String keys written as ``<x>.<attr>["key"]`` in the package (or one ``module`` file)."""
    def values() -> list[str]:
        out = {n.slice.value for tree in _package_trees(module) for n in ast.walk(tree)
               if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Attribute) and n.value.attr == attr
               and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)}
        assert out, f"no {attr}[...] keys found: the code list moved"
        return sorted(out)

    return values


def _dict_values(module: str, key: str) -> Callable[[], list[str]]:
    """String values of ``key`` in the dict displays of one module file."""
    def values() -> list[str]:
        out = {v.value for tree in _package_trees(module) for n in ast.walk(tree) if isinstance(n, ast.Dict)
               for k, v in zip(n.keys, n.values, strict=True)
               if isinstance(k, ast.Constant) and k.value == key and isinstance(v, ast.Constant)}
        assert out, f"no {key!r} values in {module}: the code list moved"
        return sorted(out)

    return values


def _attr(module: str, name: str, pick: Callable[[Any], Iterable[str]] = lambda v: v) -> Callable[[], list[str]]:
    """A code list defined in the package: ``module.name`` (through ``pick``)."""
    def values() -> list[str]:
        return list(pick(getattr(importlib.import_module(module), name)))

    return values


def _metric_column_names() -> list[str]:
    from dashboard.analysis import definitions

    return list(definitions.definitions_table("zh").columns)


FAMILIES: dict[str, Callable[[], Iterable[str]]] = {
    # taxonomies of dashboard/settings.py
    "weekday.{}": _attr("dashboard.settings", "WEEKDAYS"),
    "group.{}": _attr("dashboard.settings", "CUSTOMER_GROUPS"),
    # registries: metrics, effect outcomes, briefing sections
    "met.def.{}.name": _attr("dashboard.analysis.definitions", "METRICS", lambda ms: [m.key for m in ms]),
    "met.def.{}.text": _attr("dashboard.analysis.definitions", "METRICS", lambda ms: [m.key for m in ms]),
    "met.unit.{}": _attr("dashboard.analysis.definitions", "METRICS", lambda ms: {m.unit for m in ms}),
    "nav.{}": _attr("dashboard.analysis.definitions", "METRICS", lambda ms: {m.page for m in ms}),
    "met.col.{}": _metric_column_names,
    "eff.what.{}": _attr("dashboard.analysis.effects", "OUTCOMES"),
    "eff.unit.{}": _attr("dashboard.analysis.effects", "OUTCOMES"),
    "out.outcome.{}": _attr("dashboard.analysis.effects", "OUTCOMES"),
    "eff.method.{}": _attr("dashboard.analysis.effects", "METHOD", lambda m: [m]),
    "eff.reason.{}": _call_literals("_refuse", position=1, module="dashboard/analysis/effects.py"),
    "eff.caveat.{}": _subscript_literals("excluded", module="dashboard/analysis/effects.py"),
    "rob.reason.{}": _call_literals("_reason", position=0, module="dashboard/analysis/robustness.py"),
    "out.by.{}": _attr("dashboard.analysis.community_groups", "BY"),
    "out.fig.group.title.{}": _attr("dashboard.analysis.community_groups", "BY"),
    "rep.section.{}": _attr("dashboard.report.briefing", "SECTIONS"),
    # the rooms' scorecard: metrics, target keys, former roles of managers
    "sc.metric.{}": _attr("dashboard.analysis.scorecard", "METRICS"),
    "sc.target.{}": _attr("dashboard.analysis.room_targets", "KEYS"),
    "sc.role.{}": _attr("dashboard.analysis.scorecard_views", "FORMER_ROLES"),
    "sc.cp.fig.{}": _attr("dashboard.analysis.community_peers", "FIGURES"),
    "sc.cp.kind.{}": _attr("dashboard.analysis.community_peers", "KINDS"),
    # importer: tables, reasons, coordinate systems, counts
    "data.table.{}": _attr("dashboard.ingest.aliases", "TABLE_ALIASES", lambda d: set(d.values())),
    "data.reason.{}": _attr("dashboard.ingest.validate", "REASONS"),
    "data.crs.{}": _attr("dashboard.ingest.importer", "CRS_CHOICES"),
    "data.note.crs_source.{}": _attr("dashboard.ingest.importer", "CRS_CHOICES", lambda c: [x for x in c if x != "wgs84"]),
    "data.note.crs_hint.{}": _dict_values("dashboard/ingest/crs_hint.py", "test"),
    # coverage: a room's placement status (np.where in the engine); "ok" rooms are not listed
    "cov.check.status.{}": _call_literals("where", position=1, module="dashboard/coverage/engine.py", leave=("ok",)),
    "cov.plan.objective.{}": _attr("dashboard.coverage.planner", "OBJECTIVES"),
    # sign-in and audit
    "acc.role.{}": _attr("dashboard.access.roles", "ROLE_CODES"),
    "acc.audit.outcome.{}": _call_literals("record", keyword="outcome"),
    # a command's failure lines (commands.exit_on): one prefix per command
    "{}.locked": _call_literals("exit_on", position=3),
    "{}.failed": _call_literals("exit_on", position=3),
}


def _template(node: ast.JoinedStr) -> tuple[str, list[ast.expr]]:
    text, holes = "", []
    for part in node.values:
        if isinstance(part, ast.Constant):
            text += str(part.value)
        else:
            text += "{}"
            holes.append(part.value)
    return text, holes


def _strings(node: ast.expr) -> list[str] | None:
    """The strings of a literal tuple / list / set of strings, else None."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]
    return None


def _literal(node: ast.expr, parents: list[ast.AST]) -> ast.expr:
    """A name bound to a literal in an enclosing body (``cols = ("a", "b")``) -> that literal."""
    if isinstance(node, ast.Name):
        for scope in reversed(parents):
            for stmt in getattr(scope, "body", []):
                if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                        and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == node.id):
                    return stmt.value
    return node


def _target_values(target: ast.expr, it: ast.expr, name: str, parents: list[ast.AST]) -> list[str] | None:
    """Values of ``name`` bound by ``for <target> in <it>`` when ``it`` is literal."""
    it = _literal(it, parents)
    if isinstance(target, ast.Name):
        return _strings(it) if target.id == name else None
    if not isinstance(target, ast.Tuple):
        return None
    pos = next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name), None)
    if pos is None:
        return None
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "zip" and len(it.args) > pos:
        return _strings(_literal(it.args[pos], parents))  # for a, b in zip(xs, ("c", "d"))
    if isinstance(it, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Tuple) for e in it.elts):
        return _strings(ast.Tuple(elts=[e.elts[pos] for e in it.elts]))  # for a, b in (("c", 1), ...)
    return None


def _loop_values(name: str, parents: list[ast.AST]) -> list[str] | None:
    """Values of ``name`` when an enclosing loop or comprehension runs it over literal strings."""
    for node in reversed(parents):
        gens = [node] if isinstance(node, ast.For) else getattr(node, "generators", [])
        for g in gens:
            values = _target_values(g.target, g.iter, name, parents)
            if values is not None:
                return values
    return None


@functools.lru_cache(maxsize=1)
def fstring_keys() -> list[tuple[str, int, str, list[str] | None]]:
    """(file, line, template, expanded keys or None) of every ``t(f"...")`` in the package."""
    found = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))

        def visit(node: ast.AST, parents: list[ast.AST], where: str = where) -> None:
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.JoinedStr)):
                template, holes = _template(node.args[0])
                per_hole = [_loop_values(h.id, parents) if isinstance(h, ast.Name) else None for h in holes]
                if all(v is not None for v in per_hole):
                    keys = [template.format(*combo) for combo in itertools.product(*per_hole)]
                elif template in FAMILIES and len(holes) == 1:
                    keys = [template.format(v) for v in FAMILIES[template]()]
                else:
                    keys = None
                found.append((where, node.lineno, template, keys))
            for child in ast.iter_child_nodes(node):
                visit(child, [*parents, node])

        visit(tree, [])
    return found


def test_scan_finds_the_known_fstring_keys():
    templates = {tpl for _, _, tpl, _ in fstring_keys()}
    assert {"met.def.{}.name", "eff.what.{}", "cov.map.comm_{}", "weekday.{}"} <= templates


def test_every_fstring_key_has_a_code_list():
    open_ = [(f, line, tpl) for f, line, tpl, keys in fstring_keys() if keys is None]
    assert not open_, f"f-string keys whose codes this test cannot enumerate (add to FAMILIES): {open_}"


def test_every_fstring_key_exists_in_both_languages():
    missing = sorted({(f, line, k) for f, line, _, keys in fstring_keys() for k in keys or ()
                      if k not in CATALOGUE or any(not str(CATALOGUE[k].get(lang, "")).strip() for lang in LANGS)})
    assert not missing, f"f-string keys missing from the catalogue or a language: {missing}"
