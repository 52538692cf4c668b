"""Cached access to the warehouse for pages.

Results are cached on the warehouse's :func:`~dashboard.warehouse.data_version`, so a
new import (an atomic file swap) is picked up on the next rerun without a restart, and
an open page never blocks an import (readers attach the file read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import warehouse
from dashboard.ui.state import db


def version() -> tuple[int, int, int] | None:
    """Current data version of the session's warehouse (``None`` when missing)."""
    return warehouse.data_version(db())


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, data_version: tuple[int, int, int]):
    return warehouse.connect_read(path)


def _cursor(con):
    """A cursor on the shared snapshot; a cursor starts in the default catalog, so select
    the attached warehouse again (unqualified table names)."""
    cur = con.cursor()
    cur.execute("USE wh")
    return cur


def connection():
    """A read-only snapshot connection for the current data version (shared, use a cursor)."""
    v = version()
    if v is None:
        raise warehouse.WarehouseMissing(str(db()))
    return _cursor(_connection(str(db()), v))


@st.cache_data(max_entries=512, show_spinner=False)
def _query(path: str, data_version: tuple[int, int, int], name: str, params: tuple) -> pd.DataFrame:
    con = _cursor(_connection(path, data_version))
    try:
        return warehouse.query(con, name, dict(params))
    finally:
        con.close()


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run a named query (``queries/<name>.sql``) with bound parameters, cached per data version."""
    v = version()
    if v is None:
        raise warehouse.WarehouseMissing(str(db()))
    return _query(str(db()), v, name, tuple(sorted(params.items())))


def cached_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(con, *args, **kwargs)`` with a snapshot connection, cached per data version.

    ``fn`` must be a module-level function; its arguments must be hashable.
    """
    v = version()
    if v is None:
        raise warehouse.WarehouseMissing(str(db()))
    return _cached_call(str(db()), v, fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())))


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_call(path: str, data_version, module: str, qualname: str, args: tuple, kwargs: tuple) -> Any:
    import importlib

    fn = importlib.import_module(module)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    con = _cursor(_connection(path, data_version))
    try:
        return fn(con, *args, **dict(kwargs))
    finally:
        con.close()
