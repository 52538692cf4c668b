"""Results computed once per data version, shared by every session and every server.

The pages' slow inputs (effect fits, the hall-level wait effect, staffing, the Briefing,
coverage at the default walk) depend only on the warehouse's data and their arguments.
This module keeps them:

* **in memory**, per server process: every session gets the same result (pickled bytes,
  unpickled per call, so a page that changes its copy cannot change anyone else's);
* **on disk** beside the warehouse, in ``<db>.derived/<token>/`` (mode 0700, files 0600),
  where ``token`` is the warehouse's :func:`~dashboard.warehouse.data_version` plus a
  fingerprint of the code and SQL: a fresh server, or a second server on the same
  warehouse, reads them in milliseconds. A new import swaps in a new warehouse file
  (new version, new folder); results of older versions are never read again and the
  next :func:`precompute` removes their folders. A result is written only when the
  warehouse is still at the version it was computed from (a swap in between would make
  it a result of the wrong data).

:func:`precompute` runs after every import (``servicecircle import``, ``demo``,
``refresh``; after an upload on the Data page in a process of its own,
:func:`start_background`) and before ``serve`` starts: it renders every page once,
headless (``streamlit.testing``), with the default filters, so exactly the calls a first
visitor's browser makes are stored — no list of "default calls" to keep in step with
the pages. Other filter combinations are computed on first use, once for every session:
:func:`compute_shared` runs the work on a worker thread (the page shows progress
meanwhile) and a second session asking for the same result waits for the first one's
run instead of starting its own.

The files are pickles written by this program beside the warehouse; whoever can write
there can also replace the warehouse itself, so they get the same protection (the
folder is private to the server's user).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from dashboard import settings, warehouse

__all__ = [
    "PAGES",
    "call_key",
    "compute_shared",
    "digest",
    "ensure",
    "load",
    "precompute",
    "save",
    "start_background",
    "status",
    "token",
]

PAGES: tuple[str, ...] = (
    "overview", "briefing", "offload", "waiting", "hotline", "faults", "groups_staff",
    "community", "rooms", "coverage_map", "planner", "forecast", "definitions", "data",
)
"""Pages :func:`precompute` renders (file names in ``dashboard/screens/``), most visited first."""

COMPLETE = "complete.json"
"""Written last by :func:`precompute`: which pages were rendered, when, and how long it took."""

MEMORY_BYTES = 256 * 2**20
"""Bytes of pickled results one server keeps in memory (least recently used go first)."""

_CODE: str | None = None
_MEMORY: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_MEMORY_SIZE = 0
_LOCK = threading.Lock()
_INFLIGHT: dict[tuple[str, str], Future] = {}
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="servicecircle-derived")


# ---------------------------------------------------------------- keys
def code_fingerprint() -> str:
    """A hash of the program's Python and SQL files: results of other code are not reused."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256()
        root = settings.PROJECT_ROOT
        files = sorted([*(root / "dashboard").rglob("*.py"), *settings.QUERIES_DIR.rglob("*.sql")])
        for f in files:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
        _CODE = h.hexdigest()[:12]
    return _CODE


def token(version: tuple[int, ...]) -> str:
    """The folder name of a data version's results (data version and code fingerprint)."""
    return "-".join(str(v) for v in version) + "-" + code_fingerprint()


def digest(*parts: Any) -> str:
    """The key of a result: a hash of ``repr(parts)`` (function, arguments).

    Arguments must have a ``repr`` that names their whole value (numbers, strings,
    tuples, dates, frozen dataclasses such as :class:`~dashboard.analysis.filters.Filters`).
    """
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:40]


def call_key(fn: Callable[..., Any], args: tuple, kwargs: dict[str, Any] | None = None) -> str:
    """The key of ``fn(con, *args, **kwargs)`` as :func:`dashboard.ui.loaders.cached_call` stores it."""
    return digest("call", fn.__module__, fn.__qualname__, tuple(args), tuple(sorted((kwargs or {}).items())))


def _folder(db: str | os.PathLike, version: tuple[int, ...]) -> Path:
    return settings.derived_path(db) / token(version)


# ---------------------------------------------------------------- store
def _remember(key: tuple[str, str], blob: bytes) -> None:
    global _MEMORY_SIZE
    with _LOCK:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return
        _MEMORY[key] = blob
        _MEMORY_SIZE += len(blob)
        while _MEMORY_SIZE > MEMORY_BYTES and len(_MEMORY) > 1:
            _, old = _MEMORY.popitem(last=False)
            _MEMORY_SIZE -= len(old)


def load(db: str | os.PathLike, version: tuple[int, ...], key: str) -> tuple[bool, Any]:
    """``(True, value)`` when the result ``key`` of data ``version`` is stored (memory,
    then disk), else ``(False, None)``. A file that cannot be read back (damaged, or
    written by other code) counts as missing."""
    mkey = (str(_folder(db, version)), key)
    with _LOCK:
        blob = _MEMORY.get(mkey)
        if blob is not None:
            _MEMORY.move_to_end(mkey)
    if blob is None:
        try:
            blob = (_folder(db, version) / f"{key}.pkl").read_bytes()
        except OSError:
            return False, None
        _remember(mkey, blob)
    try:
        return True, pickle.loads(blob)  # noqa: S301 - our own files, see the module docstring
    except Exception:  # damaged or written by other code: compute it again
        with _LOCK:
            _MEMORY.pop(mkey, None)
        return False, None


def save(db: str | os.PathLike, version: tuple[int, ...], key: str, value: Any) -> bool:
    """Keep ``value`` as result ``key`` of data ``version``, in memory and on disk.

    Nothing is stored when the warehouse has moved on from ``version`` (the value was
    computed from data no longer current). Returns whether it was stored."""
    if warehouse.data_version(db) != tuple(version):
        return False
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    folder = _folder(db, version)
    _remember((str(folder), key), blob)
    try:
        folder.parent.mkdir(mode=0o700, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, folder / f"{key}.pkl")
    except OSError:  # a read-only folder: the memory copy still serves this server
        return False
    return True


def compute_shared(db: str | os.PathLike, version: tuple[int, ...], key: str,
                   work: Callable[[], Any]) -> Future:
    """The result ``key`` as a future: stored already, being computed (by any session of
    this server), or started now on a worker thread and stored when done."""
    found, value = load(db, version, key)
    fut: Future
    if found:
        fut = Future()
        fut.set_result(value)
        return fut
    ikey = (str(_folder(db, version)), key)
    with _LOCK:
        running = _INFLIGHT.get(ikey)
        if running is not None:
            return running

        def run() -> Any:
            try:
                result = work()
                save(db, version, key, result)
                return result
            finally:
                with _LOCK:
                    _INFLIGHT.pop(ikey, None)

        fut = _POOL.submit(run)
        _INFLIGHT[ikey] = fut
        return fut


def clear_memory() -> None:
    """Drop this process's in-memory results (a fresh server, in tests)."""
    global _MEMORY_SIZE
    with _LOCK:
        _MEMORY.clear()
        _MEMORY_SIZE = 0


# ---------------------------------------------------------------- precompute
def status(db: str | os.PathLike | None = None) -> dict[str, Any] | None:
    """What :func:`precompute` recorded for the warehouse's current data version
    (``None``: not precomputed, or no warehouse)."""
    version = warehouse.data_version(db)
    if version is None:
        return None
    try:
        return json.loads((_folder(settings.db_path(db), version) / COMPLETE).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def prune(db: str | os.PathLike, keep: tuple[int, ...]) -> int:
    """Remove the folders of every other data version; returns how many went."""
    root = settings.derived_path(db)
    keep_name = token(keep)
    gone = 0
    with contextlib.suppress(FileNotFoundError):
        for child in root.iterdir():
            if child.is_dir() and child.name != keep_name:
                shutil.rmtree(child, ignore_errors=True)
                gone += 1
    return gone


def _open_sections(at, rounds: int = 3) -> None:
    """Open every lazy section of the page in ``at`` (:mod:`dashboard.ui.lazy`), once
    each, so that what they ask for is stored too; a section inside one is met, and
    opened, in the next round."""
    from dashboard.ui import lazy

    opened: set[tuple[str, str]] = set()
    for _ in range(rounds):
        todo = [(k, v) for k, v in lazy.closed_sections(at.session_state) if (k, repr(v)) not in opened]
        if not todo:
            return
        for key, value in todo:
            opened.add((key, repr(value)))
            at.session_state[key] = value
            at.run()
            if at.exception:
                return


def render_pages(path: Path, pages: Iterable[str], *, progress: Callable[[str, float], None] | None = None,
                 timeout_s: float = 1800.0) -> tuple[dict[str, float], dict[str, str]]:
    """Render ``pages`` of the warehouse ``path`` once each in this process, headless
    (``dashboard/headless.py``, as an administrator), every lazy section opened: what they
    ask for is stored (:func:`cached_call` results) and kept in this process's caches
    (``st.cache_resource`` of the pages). Returns ``(seconds per page, errors per page)``.
    """
    from streamlit.testing.v1 import AppTest

    from dashboard.access.roles import Role
    from dashboard.ui.auth import Principal

    names = list(pages)
    entry = str(settings.PROJECT_ROOT / "dashboard" / "headless.py")
    timings: dict[str, float] = {}
    errors: dict[str, str] = {}
    old_db = os.environ.get("SERVICECIRCLE_DB")
    os.environ["SERVICECIRCLE_DB"] = str(path)  # the page scripts read the warehouse from here
    # Streamlit's "missing ScriptRunContext" notes of headless runs: its loggers, one by one
    import streamlit.runtime.scriptrunner_utils.script_run_context  # noqa: F401 - creates the noisy one

    quiet = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict) if n.startswith("streamlit")]
    old_levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.CRITICAL)  # a page that fails is reported in the result, not as a traceback
    # AppTest sets Streamlit's log levels again when it loads its config: the context note
    # is switched off by name for the duration instead (a level would not hold)
    context_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    context_was = context_log.disabled
    context_log.disabled = True
    try:
        for i, name in enumerate(names):
            if progress:
                progress(name, i / max(len(names), 1))
            t0 = time.perf_counter()
            at = AppTest.from_file(entry, default_timeout=timeout_s).switch_page(f"screens/{name}.py")
            at.session_state["_auth_principal"] = Principal(name=None, role=Role.ADMIN, method="precompute")
            at.run()
            if not at.exception:
                _open_sections(at)
            if at.exception:
                errors[name] = str(at.exception[0].message)[:500]
            timings[name] = round(time.perf_counter() - t0, 3)
    finally:
        context_log.disabled = context_was
        for q, level in zip(quiet, old_levels, strict=True):
            q.setLevel(level)
        if old_db is None:
            os.environ.pop("SERVICECIRCLE_DB", None)
        else:
            os.environ["SERVICECIRCLE_DB"] = old_db
    return timings, errors


def precompute(db: str | os.PathLike | None = None, *, pages: Iterable[str] = PAGES,
               progress: Callable[[str, float], None] | None = None,
               timeout_s: float = 1800.0) -> dict[str, Any]:
    """Render ``pages`` once, headless, with the default filters, every lazy section
    opened, so that every result they ask for is stored for the current data version;
    then remove older versions.

    Parameters
    ----------
    db
        Warehouse (``None``: ``--db`` default).
    pages
        Page files (without ``.py``) of ``dashboard/screens/``.
    progress
        Called with ``(page name, fraction done)`` before each page.
    timeout_s
        Longest time one page may take.

    Returns
    -------
    dict
        ``pages`` (name -> seconds), ``errors`` (name -> message), ``seconds``,
        ``entries`` (results stored), ``bytes``.
    """
    path = settings.db_path(db).resolve()
    version = warehouse.data_version(path)
    if version is None:
        raise warehouse.WarehouseMissing(f"warehouse {path} does not exist")
    start = time.perf_counter()
    timings, errors = render_pages(path, pages, progress=progress, timeout_s=timeout_s)
    if progress:
        progress("", 1.0)
    folder = _folder(path, version)
    entries = list(folder.glob("*.pkl")) if folder.is_dir() else []
    report = {
        "version": token(version),
        "pages": timings,
        "errors": errors,
        "seconds": round(time.perf_counter() - start, 3),
        "entries": len(entries),
        "bytes": sum(f.stat().st_size for f in entries),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if warehouse.data_version(path) == version:  # still current: mark it complete
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{COMPLETE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(report, ensure_ascii=False), "utf-8")
        os.replace(tmp, folder / COMPLETE)
        prune(path, version)
    return report


def start_background(db: str | os.PathLike | None = None) -> bool:
    """Precompute in a separate process (``servicecircle precompute``), e.g. after an
    upload on the Data page: the page answers at once, the server's script threads are not
    held, and the process outlives the session. Returns whether one was started
    (``SERVICECIRCLE_PRECOMPUTE=0``: not)."""
    import subprocess
    import sys

    if not settings.precompute_enabled():
        return False
    subprocess.Popen(  # noqa: S603 - our own CLI, arguments are a path
        [sys.executable, "-m", "dashboard.cli", "precompute", "--db", str(settings.db_path(db))],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return True


def ensure(db: str | os.PathLike | None = None, *,
           progress: Callable[[str, float], None] | None = None) -> dict[str, Any] | None:
    """Precompute unless the current data version already is (``serve`` calls this);
    returns the new report, or ``None`` when there was nothing to do or no warehouse."""
    if warehouse.data_version(db) is None or status(db) is not None:
        return None
    return precompute(db, progress=progress)
