"""All settings of ServiceCircle in one place: paths, service targets, walking speed.

Every tunable number the product uses lives here with its default and unit, so a
page, the CLI and a report never disagree about, say, the waiting-time target.
Defaults follow ``shared/spec/exports.md`` ("Service standards the metrics are held
against"). Paths are defined once and imported everywhere (cookiecutter-data-science).

Environment variables
---------------------
SERVICECIRCLE_DB
    Warehouse path used when a command gets no ``--db`` (default ``data/warehouse.duckdb``).
SERVICECIRCLE_KEY_FILE
    Where the keyed-hash secret for personal data lives (default
    ``~/.config/servicecircle/hash.key``); outside the warehouse and outside git.
SERVICECIRCLE_TRUST_PROXY_HEADER
    Set by ``servicecircle serve --trust-proxy-header HEADER``: the request header in
    which a company reverse proxy names the signed-in user (unset: sign-in by password).
SERVICECIRCLE_PRECOMPUTE
    ``0`` turns off the precomputation of the default views after an import (see
    :mod:`dashboard.derived`); the pages then compute on first visit.
SERVICECIRCLE_FIT_LOG
    A file to which every effect fit of this process appends a line (see
    :mod:`dashboard.analysis.fits`); unset: fits are only counted in memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# ---------------------------------------------------------------- paths
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
"""The repository root (the folder holding ``pyproject.toml``)."""

QUERIES_DIR: Path = PROJECT_ROOT / "queries"
"""Named SQL files: ``schema/`` (DDL), ``rollups/``, ``macros/``, and one folder of queries per area."""

DATA_DIR: Path = PROJECT_ROOT / "data"
DEMO_DIR: Path = DATA_DIR / "demo"
DEMO_RAW_DIR: Path = DEMO_DIR / "raw"
DEFAULT_DB: Path = DATA_DIR / "warehouse.duckdb"


def db_path(path: str | os.PathLike | None = None) -> Path:
    """Resolve the warehouse path: explicit argument, else ``SERVICECIRCLE_DB``, else default.

    Parameters
    ----------
    path
        A path given on the command line (``--db``) or by a caller; may be ``None``.

    Returns
    -------
    Path
        The warehouse file path (it need not exist yet).
    """
    if path:
        return Path(path)
    env = os.environ.get("SERVICECIRCLE_DB")
    return Path(env) if env else DEFAULT_DB


def key_file() -> Path:
    """Path of the keyed-hash secret (see :mod:`dashboard.privacy`)."""
    env = os.environ.get("SERVICECIRCLE_KEY_FILE")
    if env:
        return Path(env)
    return Path.home() / ".config" / "servicecircle" / "hash.key"


def config_file(db: str | os.PathLike | None = None) -> Path:
    """The config file (e-mail settings of scheduled reports, :mod:`dashboard.report.mail`).

    ``$SERVICECIRCLE_CONFIG`` if set, else ``servicecircle.toml`` beside the warehouse if
    that exists, else ``~/.config/servicecircle/config.toml``.
    """
    env = os.environ.get("SERVICECIRCLE_CONFIG")
    if env:
        return Path(env)
    beside = db_path(db).with_name("servicecircle.toml")
    if beside.is_file():
        return beside
    return Path.home() / ".config" / "servicecircle" / "config.toml"


def users_path(db: str | os.PathLike | None = None) -> Path:
    """The users file beside the warehouse: ``<db>.users.json`` (see :mod:`dashboard.access.users`)."""
    path = db_path(db)
    return path.with_name(path.name + ".users.json")


def derived_path(db: str | os.PathLike | None = None) -> Path:
    """The folder of precomputed results beside the warehouse: ``<db>.derived/`` (see
    :mod:`dashboard.derived`)."""
    path = db_path(db)
    return path.with_name(path.name + ".derived")


def precompute_enabled() -> bool:
    """Whether imports precompute the default views (``SERVICECIRCLE_PRECOMPUTE`` not ``0``)."""
    return os.environ.get("SERVICECIRCLE_PRECOMPUTE", "1").strip().lower() not in ("0", "false", "no", "off")


def trust_proxy_header() -> str | None:
    """The header naming the user, when a reverse proxy signs users in (``SERVICECIRCLE_TRUST_PROXY_HEADER``)."""
    return os.environ.get("SERVICECIRCLE_TRUST_PROXY_HEADER") or None


def audit_path(db: str | os.PathLike | None = None) -> Path:
    """The audit trail beside the warehouse: ``<db>.audit.jsonl`` (see :mod:`dashboard.access.audit`)."""
    path = db_path(db)
    return path.with_name(path.name + ".audit.jsonl")


# ---------------------------------------------------------------- targets
@dataclass(frozen=True)
class Targets:
    """Service standards the metrics are held against (all configurable).

    Attributes
    ----------
    wait_target_min
        Counter waiting-time target in minutes (达标: wait <= this). China Southern
        Grid's published commitment; State Grid publishes none for the counter.
    arrival_urban_min, arrival_rural_min, arrival_remote_min
        Fault repair crew on site (State Grid 十项承诺, 2023), minutes.
    restore_urban_h, restore_rural_h
        Power restored after a fault, hours.
    complaint_contact_days, complaint_reply_days
        Complaint contact / reply deadlines, working days.
    """

    wait_target_min: float = 15.0
    arrival_urban_min: float = 45.0
    arrival_rural_min: float = 90.0
    arrival_remote_min: float = 120.0
    restore_urban_h: float = 3.0
    restore_rural_h: float = 4.0
    complaint_contact_days: int = 1
    complaint_reply_days: int = 7


TARGETS = Targets()


@dataclass(frozen=True)
class RoomTargets:
    """The rooms' scorecard (考核) targets, per room and calendar month.

    A ``*_min`` target is met when the value is at least the target, a ``*_max`` target
    when it is at most the target. Overrides live in ``<db>.targets.toml`` beside the
    warehouse (:func:`room_targets_path`; edited on the Rooms page or with
    ``servicecircle targets --set KEY=VALUE``, see :mod:`dashboard.analysis.room_targets`).

    Attributes
    ----------
    visits_min
        Visits in a month (judged in whole months the room was open).
    visits_per_open_day_min
        Visits per scheduled open day.
    vulnerable_share_min
        Share of visits by elderly, disabled, military-family and 低保 customers (0..1).
    home_visits_min
        Home visits in a month (judged in whole months).
    resolution_rate_min
        Share of visits resolved on the spot (0..1).
    closed_day_visits_max
        Visits on days the room should be closed.
    idle_open_days_max
        Scheduled open days with no visit at all, in a month.
    households_per_manager_max
        Households of the served communities per customer manager.
    coverage_share_min
        Share of the served communities' households within the five-minute walk (0..1).
    """

    visits_min: float = 20.0
    visits_per_open_day_min: float = 2.0
    vulnerable_share_min: float = 0.4
    home_visits_min: float = 8.0
    resolution_rate_min: float = 0.9
    closed_day_visits_max: float = 0.0
    idle_open_days_max: float = 2.0
    households_per_manager_max: float = 1500.0
    coverage_share_min: float = 0.6


ROOM_TARGETS = RoomTargets()


def room_targets_path(db: str | os.PathLike | None = None) -> Path:
    """The scorecard targets file beside the warehouse: ``<db>.targets.toml``."""
    path = db_path(db)
    return path.with_name(path.name + ".targets.toml")

# ---------------------------------------------------------------- walking
WALK_MINUTES: float = 5.0
"""The five-minute service circle (五分钟服务圈), minutes."""

WALK_SPEED_M_S: float = 1.0
"""Walking pace in m/s: GB 50180-2018's 5-minute life circle is ~300 m, a pace that suits
the elderly whom the rooms serve first."""


def walk_limit_m(minutes: float = WALK_MINUTES, speed_m_s: float = WALK_SPEED_M_S) -> float:
    """Walking distance in metres reachable in ``minutes`` at ``speed_m_s``."""
    return float(minutes) * 60.0 * float(speed_m_s)


# ---------------------------------------------------------------- taxonomy
SERVICE_TYPES: tuple[str, ...] = (
    "consultation", "query", "payment", "fault_report", "application",
    "agency", "complaint", "promotion", "other",
)
"""One taxonomy for halls, rooms and the hotline (spec: service_type)."""

OFFLOADABLE_TYPES: tuple[str, ...] = ("consultation", "query", "payment", "fault_report", "agency")
"""Types a room can take over from a counter. The spec also names the document-collection
step of ``application``; counter tickets do not separate that step, so it is left out of
the offload share by default."""

HOTLINE_CATEGORIES: tuple[str, ...] = (
    "consultation", "fault_repair", "complaint", "report", "opinion",
    "praise", "service_request", "reminder",
)

CUSTOMER_GROUPS: tuple[str, ...] = ("general", "elderly", "disabled", "military_family", "low_income")
VULNERABLE_GROUPS: tuple[str, ...] = ("elderly", "disabled", "military_family", "low_income")
VISIT_MODES: tuple[str, ...] = ("walk_in", "home_visit", "appointment")
TICKET_OUTCOMES: tuple[str, ...] = ("served", "no_show", "cancelled")
SATISFACTION: tuple[str, ...] = ("satisfied", "basically_satisfied", "dissatisfied", "no_callback")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# ---------------------------------------------------------------- crs
LOCAL_TIMEZONE: str = "Asia/Shanghai"
"""All times are local China time, stored as naive TIMESTAMPs."""

CHINA_BBOX: tuple[float, float, float, float] = (73.0, 3.0, 136.0, 54.0)
"""(min lon, min lat, max lon, max lat) that every stored coordinate must fall in."""
