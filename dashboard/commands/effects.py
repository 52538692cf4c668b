"""``servicecircle effects``: the rooms' causal effect on one outcome (staggered DiD).

Calls :func:`dashboard.analysis.effects.estimate`, the same function the pages call, so
the JSON and the page show the same numbers. ``--json`` prints exactly
``{"outcome", "method", "att", "ci_low", "ci_high", "relative_effect", "n_treated",
"n_control", "event_study": [{"event_time", "att", "ci_low", "ci_high"}],
"naive_before_after"}``; when the data cannot support an estimate the numbers are
``null`` and the plain reason goes to stderr.

``--outcome hall_wait_mean_min`` is estimated per business hall
(:mod:`dashboard.analysis.hall_effects`, both methods): the JSON keeps the keys above and
adds ``"unit": "hall"`` and ``"estimates": [{"method", "att", "ci_low", "ci_high",
"relative_effect"}]``; the top-level numbers are the presented method's.

``--robustness`` adds ``"robustness": {"pretrend": {"wald", "df", "p_value"}, "honest":
{"relative_magnitudes": [{"mbar", "ci_low", "ci_high"}], "smoothness": [{"m", "ci_low",
"ci_high"}], "breakdown_mbar", "breakdown_m"}, "placebo": {"att", "ci_low", "ci_high",
"shift_months"}}`` (:mod:`dashboard.analysis.robustness`; a part the data cannot support
is ``null`` and its reason goes to stderr); it takes a while.

``--category CODE`` (repeatable) restricts the hotline outcome to those categories of
``hotline_orders.category`` (the JSON adds ``"categories"``). ``--by urban_rural`` or
``--by distance_band`` estimates within each subgroup of communities
(:mod:`dashboard.analysis.breakdown`) and prints ``{"outcome", "by", "method", "groups":
[{"group", "status", ...the keys above..., "n_communities"}]}``.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Any, Optional

import typer

from dashboard import settings, warehouse
from dashboard.analysis.breakdown import GroupEffect, estimate_by
from dashboard.analysis.community_groups import BY
from dashboard.analysis.effects import CATEGORY_OUTCOMES, METHOD, OUTCOMES, estimate
from dashboard.analysis.filters import Filters
from dashboard.analysis.hall_effects import (
    HALL_OUTCOME,
    METHOD_LABEL,
    HallEffect,
    estimate_halls,
)
from dashboard.analysis.robustness import assess
from dashboard.commands import DbOption, parse_date, up_to_date
from dashboard.coverage.refusals import NetworkError
from dashboard.i18n import label, t


def _clean(obj: Any) -> Any:
    """NaN / inf → None so the output is strict JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def effects_command(
    outcome: Annotated[str, typer.Option("--outcome", help=f"One of: {', '.join(OUTCOMES)}.")],
    db: DbOption = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="First day (YYYY-MM-DD), widened to its month.")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (YYYY-MM-DD), widened to its month.")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="District (repeatable).")] = None,
    wave: Annotated[Optional[list[str]], typer.Option("--wave", help="Roll-out wave, e.g. 2024Q2 (repeatable).")] = None,
    hall: Annotated[Optional[list[str]], typer.Option("--hall", help="Business hall id (repeatable).")] = None,
    service_type: Annotated[Optional[list[str]], typer.Option("--type", help="Service type (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the sentences: zh or en.")] = "zh",
    category: Annotated[
        Optional[list[str]],
        typer.Option("--category", help="Hotline category code (hotline_orders.category; repeatable), "
                     f"for: {', '.join(sorted(CATEGORY_OUTCOMES))}."),
    ] = None,
    by: Annotated[
        Optional[str],
        typer.Option("--by", help=f"Estimate within each subgroup: {' | '.join(BY)}."),
    ] = None,
    robustness: Annotated[
        bool, typer.Option("--robustness", help="Add the pre-trend test, HonestDiD sensitivity and placebo (slow).")
    ] = False,
) -> None:
    """Estimate the rooms' effect on OUTCOME (Callaway–Sant'Anna staggered DiD)."""
    if outcome not in OUTCOMES:
        raise typer.BadParameter(f"{outcome!r}; choose one of: {', '.join(OUTCOMES)}", param_hint="--outcome")
    categories = _categories(outcome, category)
    if by is not None and by not in BY:
        raise typer.BadParameter(f"{by!r}; choose one of: {', '.join(BY)}", param_hint="--by")
    filters = Filters(
        date_from=parse_date(date_from, "--from"),
        date_to=parse_date(date_to, "--to"),
        districts=tuple(district or ()),
        waves=tuple(wave or ()),
        hall_ids=tuple(hall or ()),
        service_types=tuple(service_type or ()),
    )
    up_to_date(db)
    try:
        con = warehouse.connect_read(db)
    except warehouse.WarehouseMissing as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    lang = lang if lang in ("zh", "en") else "zh"
    if by is not None:
        try:
            groups = estimate_by(con, outcome, by, filters, categories)
        except NetworkError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        finally:
            con.close()
        _print_groups(outcome, by, categories, groups, as_json, lang)
        return
    if outcome == HALL_OUTCOME:
        try:
            hall = estimate_halls(con, filters)
        finally:
            con.close()
        _print_hall(hall, as_json, lang)
        return
    try:
        res = estimate(con, outcome, filters, categories)
        rob = assess(con, outcome, filters, categories) if robustness else None
    finally:
        con.close()
    rob_lines = rob.sentences(lang) if rob is not None else []
    if as_json:
        out = res.as_dict() if not categories else {**res.as_dict(), "categories": list(categories)}
        if rob is not None:
            out["robustness"] = rob.as_dict()
        typer.echo(json.dumps(_clean(out), ensure_ascii=False))
        if not res.ok and res.reason:
            typer.echo(res.reason[lang], err=True)
        for c in res.caveats:  # what the estimate leaves out: stderr keeps stdout pure JSON
            typer.echo(c[lang], err=True)
        for line in rob_lines:
            typer.echo(line, err=True)
        return
    if not res.ok:
        typer.echo(res.reason[lang] if res.reason else res.status)
    else:
        typer.echo(res.summary[lang])
        typer.echo(res.naive_note[lang])
    for c in res.caveats:
        typer.echo(c[lang])
    for line in rob_lines:
        typer.echo(line)


def _print_hall(res: HallEffect, as_json: bool, lang: str) -> None:
    """The hall-level waiting-time effect: the keys of every outcome plus ``unit`` and
    ``estimates`` (one per method); refusals and which method is presented on stderr
    (``--json``) or printed."""
    lines = [res.why[lang]] + [
        t("halls.page.refused", lang, method=t(METHOD_LABEL[e.method], lang), reason=e.reason[lang])
        for e in res.estimates if not e.ok and e.reason]
    if as_json:
        typer.echo(json.dumps(_clean(res.as_dict()), ensure_ascii=False))
        for line in lines:
            typer.echo(line, err=True)
        return
    typer.echo(res.summary[lang])
    for line in lines:
        typer.echo(line)


def _categories(outcome: str, category: list[str] | None) -> tuple[str, ...]:
    """The ``--category`` codes, checked against the hotline taxonomy."""
    if not category:
        return ()
    if outcome not in CATEGORY_OUTCOMES:
        raise typer.BadParameter(
            f"--category applies to {', '.join(sorted(CATEGORY_OUTCOMES))}, not {outcome!r}", param_hint="--category"
        )
    known = (*settings.HOTLINE_CATEGORIES, "other")
    bad = [c for c in category if c not in known]
    if bad:
        raise typer.BadParameter(f"{', '.join(map(repr, bad))}; choose from: {', '.join(known)}",
                                 param_hint="--category")
    return tuple(dict.fromkeys(category))


def _print_groups(outcome: str, by: str, categories: tuple[str, ...], groups: list[GroupEffect],
                  as_json: bool, lang: str) -> None:
    """``--by``: one estimate per subgroup; JSON ``{"outcome", "by", "method", "groups":
    [{"group", "status", <the keys of one estimate>, "n_communities"}]}``."""
    if as_json:
        out: dict[str, Any] = {"outcome": outcome, "by": by, "method": METHOD,
                               "groups": [g.as_dict() for g in groups]}
        if categories:
            out["categories"] = list(categories)
        typer.echo(json.dumps(_clean(out), ensure_ascii=False))
        for g in groups:
            if not g.result.ok and g.result.reason:
                typer.echo(f"{label(by, g.group, lang)}: {g.result.reason[lang]}", err=True)
        return
    for g in groups:
        text = g.result.summary[lang] if g.result.ok else (g.result.reason or {}).get(lang, g.result.status)
        typer.echo(f"{label(by, g.group, lang)}: {text}")


def register(app: typer.Typer) -> None:
    app.command("effects")(effects_command)
