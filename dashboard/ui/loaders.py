"""Cached access to the warehouse for pages.

Results are kept per warehouse :func:`~dashboard.warehouse.data_version` by
:mod:`dashboard.derived` (in memory, shared by every session, and on disk beside the
warehouse, where imports precompute the default views), so a new import (an atomic file
swap) is picked up on the next rerun without a restart, and an open page never blocks an
import (readers attach the file read-only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import derived, warehouse
from dashboard.i18n import t
from dashboard.ui.state import db, lang


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


def _run_query(path: str, data_version: tuple[int, int, int], name: str, params: tuple) -> pd.DataFrame:
    con = _cursor(_connection(path, data_version))
    try:
        return warehouse.query(con, name, dict(params))
    finally:
        con.close()


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run a named query (``queries/<name>.sql``) with bound parameters, cached per data version."""
    path, v = _current()
    args = tuple(sorted(params.items()))
    return _shared(path, v, derived.digest("query", name, args), lambda: _run_query(path, v, name, args))


def cached_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(con, *args, **kwargs)`` with a snapshot connection, cached per data version.

    The result is computed once for every session and server (:mod:`dashboard.derived`):
    read from the precomputed store when an import or ``serve`` prepared it, else computed
    on a worker thread while the page shows progress, and kept for everyone after.
    ``fn`` must be a module-level function; its arguments must be hashable and have a
    ``repr`` that names their value.
    """
    path, v = _current()
    module, qualname = fn.__module__, fn.__qualname__
    kw = tuple(sorted(kwargs.items()))
    key = derived.call_key(fn, args, kwargs)
    return _shared(path, v, key, lambda: _call(path, v, module, qualname, args, kw))


def stored(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(path, data_version, *args, **kwargs)`` computed once per data version for every
    session and server, like :func:`cached_call`, for work that needs no SQL connection
    (e.g. coverage from the street network, a map's JSON). The key is ``fn``'s file and
    name and the arguments (hashable, with a ``repr`` that names their value)."""
    path, v = _current()
    kw = tuple(sorted(kwargs.items()))
    key = derived.digest("stored", fn.__code__.co_filename, fn.__qualname__, args, kw)
    return _shared(path, v, key, lambda: fn(path, v, *args, **dict(kw)))


def _current() -> tuple[str, tuple[int, int, int]]:
    v = version()
    if v is None:
        raise warehouse.WarehouseMissing(str(db()))
    return str(db()), v


def _shared(path: str, v: tuple[int, int, int], key: str, work: Callable[[], Any]) -> Any:
    """The stored result ``key``, or wait (with a spinner) for the one shared computation."""
    fut = derived.compute_shared(path, v, key, work)
    if not fut.done():
        with st.spinner(t("app.computing_shared", lang()), show_time=True):
            return fut.result()
    return fut.result()


def _call(path: str, data_version, module: str, qualname: str, args: tuple, kwargs: tuple) -> Any:
    import importlib

    fn = importlib.import_module(module)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    con = _cursor(_connection(path, data_version))
    try:
        return fn(con, *args, **dict(kwargs))
    finally:
        con.close()
