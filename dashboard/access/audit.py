"""The audit trail: who imported, undid an import, exported, signed in or changed a user, and when.

One JSON object per line in a file beside the warehouse (:func:`dashboard.settings.audit_path`,
``<db>.audit.jsonl``), never rewritten: each record is added with one ``write`` on a
descriptor opened with ``O_APPEND`` (mode 0600), under an exclusive ``flock`` and followed
by ``fsync``. The warehouse itself is replaced by an atomic file swap on every import,
so a table inside it could not be append-only; a separate file also keeps the record of
a refused or failed import, which leaves the warehouse untouched.

Every record carries::

    seq    1, 2, 3, ... (its line number)
    at     UTC time, ISO 8601 with milliseconds
    event  import | undo | export | sign_in | sign_out | user_add | user_remove | user_role | user_password
    user   who: the signed-in user (web), the operating-system user (cli), null on an open dashboard
    via    web | cli
    prev   SHA-256 of the previous line (64 zeros for the first)

and the event's own fields (file names with their SHA-256 and size, row counts, the
outcome). ``prev`` chains the records: :func:`verify` finds any line changed, removed or
inserted after it was written. Passwords never reach this module.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import pwd
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["EVENTS", "file_entry", "import_record", "os_user", "read", "record", "since_filter", "undo_record",
           "verify"]

EVENTS: tuple[str, ...] = (
    "import", "undo", "export", "sign_in", "sign_out", "user_add", "user_remove", "user_role", "user_password",
)
GENESIS = "0" * 64
_TAIL_CHUNK = 64 * 1024


def os_user() -> str:
    """The operating-system user running a command (who a CLI record names)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a container user without a passwd entry
        return f"uid:{uid}"


def _last_line(fd: int) -> bytes | None:
    """The last line of the open file (without its newline), or None when empty."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    buf = b""
    pos = size
    while pos > 0:
        step = min(_TAIL_CHUNK, pos)
        pos -= step
        buf = os.pread(fd, step, pos) + buf
        body = buf[:-1] if buf.endswith(b"\n") else buf
        cut = body.rfind(b"\n")
        if cut >= 0:
            return body[cut + 1:]
    return buf[:-1] if buf.endswith(b"\n") else buf


def record(path: str | os.PathLike, event: str, *, user: str | None, via: str, **fields: Any) -> dict:
    """Append one record and return it.

    Parameters
    ----------
    path
        The audit file (created with mode 0600 when missing).
    event
        One of :data:`EVENTS`.
    user, via
        Who (``None`` on an open dashboard) and through what (``web`` or ``cli``).
    **fields
        The event's details; JSON-serialisable (dates become strings).
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)  # also when someone created the file more open
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(fd)
        if last is None:
            seq, prev = 1, GENESIS
        else:
            seq = int(json.loads(last)["seq"]) + 1
            prev = hashlib.sha256(last).hexdigest()
        rec = {"seq": seq, "at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
               "event": event, "user": user, "via": via, **fields, "prev": prev}
        line = json.dumps(rec, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")
        os.write(fd, line + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock
    return rec


def read(path: str | os.PathLike, last: int | None = None) -> list[dict]:
    """Every record (or the ``last`` ones), oldest first; empty when the file does not exist."""
    try:
        with open(path, "rb") as fh:
            lines = collections.deque(fh, maxlen=last) if last else fh.readlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


def since_filter(records: Iterable[dict], since: dt.date | dt.datetime | None) -> list[dict]:
    """Records at or after ``since`` (a date means its midnight in the machine's time zone)."""
    if since is None:
        return list(records)
    if not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time())
    if since.tzinfo is None:
        since = since.astimezone()  # local time
    return [r for r in records if dt.datetime.fromisoformat(r["at"]) >= since]


def verify(path: str | os.PathLike) -> list[str]:
    """Problems of the chain: lines changed, removed or inserted (empty when intact)."""
    problems: list[str] = []
    prev = GENESIS
    if not Path(path).exists():
        return []
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            line = raw.rstrip(b"\n")
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"line {n}: not a JSON record")
                prev = hashlib.sha256(line).hexdigest()
                continue
            if rec.get("seq") != n:
                problems.append(f"line {n}: seq {rec.get('seq')!r}, expected {n}")
            if rec.get("prev") != prev:
                problems.append(f"line {n}: does not follow line {n - 1} (a line was changed, removed or inserted)")
            prev = hashlib.sha256(line).hexdigest()
    return problems


# ---------------------------------------------------------------- event details
def file_entry(name: str, data: bytes | None = None, *, path: str | os.PathLike | None = None) -> dict:
    """``{"name", "sha256", "bytes"}`` of a file given by its bytes or its path (read in chunks;
    ``sha256`` and ``bytes`` are None for a path that cannot be read, which the import refuses)."""
    h = hashlib.sha256()
    size = 0
    if data is not None:
        h.update(data)
        size = len(data)
    else:
        try:
            with open(path, "rb") as fh:  # type: ignore[arg-type]
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
                    size += len(chunk)
        except OSError:
            return {"name": name, "sha256": None, "bytes": None}
    return {"name": name, "sha256": h.hexdigest(), "bytes": size}


@contextlib.contextmanager
def import_record(path: str | os.PathLike, *, user: str | None, via: str, table: str,
                  files: Iterable[str | os.PathLike], refused: tuple[type[BaseException], ...] = (),
                  **extra: Any) -> Iterator[dict]:
    """Record one import, whatever its outcome, around the block that runs it.

    The files are hashed before the block runs. The block puts the import's counts in the
    yielded dict (``box["counts"] = result.as_dict()``); the record says ``stored`` with
    them, or ``refused`` (an exception of ``refused``) or ``failed`` (any other) with the
    message, and the exception goes on to the caller.
    """
    entries = [file_entry(Path(f).name, path=f) for f in files]
    box: dict[str, Any] = {}
    fields = dict(user=user, via=via, table=table, files=entries, **extra)
    try:
        yield box
    except refused as exc:
        record(path, "import", outcome="refused", message=str(exc), **fields)
        raise
    except Exception as exc:
        record(path, "import", outcome="failed", message=f"{type(exc).__name__}: {exc}", **fields)
        raise
    keep = ("read", "stored", "updated", "duplicates", "rejected", "reasons")
    counts = {k: v for k, v in box.get("counts", {}).items() if table == "network" or k in keep}
    record(path, "import", outcome="stored", counts=counts, **fields)


@contextlib.contextmanager
def undo_record(path: str | os.PathLike, *, user: str | None, via: str, import_id: str,
                refused: tuple[type[BaseException], ...] = (), **extra: Any) -> Iterator[dict]:
    """Record one undo of an import, whatever its outcome, around the block that runs it.

    The block puts the undo's result in the yielded dict (``box["result"] =
    result.as_dict()``, :class:`dashboard.ingest.undo.UndoResult`); the record says
    ``undone`` with the import's table, file (name and SHA-256) and the rows deleted and
    restored, or ``refused`` (an exception of ``refused``) or ``failed`` (any other) with
    the message and the id asked for; the exception goes on to the caller.
    """
    box: dict[str, Any] = {}
    try:
        yield box
    except refused as exc:
        record(path, "undo", user=user, via=via, outcome="refused", import_id=import_id, message=str(exc), **extra)
        raise
    except Exception as exc:
        record(path, "undo", user=user, via=via, outcome="failed", import_id=import_id,
               message=f"{type(exc).__name__}: {exc}", **extra)
        raise
    r = box.get("result", {})
    record(path, "undo", user=user, via=via, outcome="undone", import_id=r.get("import_id", import_id),
           table=r.get("table"), files=[{"name": r.get("file"), "sha256": r.get("sha256")}],
           counts={k: r.get(k) for k in ("deleted", "restored")}, reattributed=r.get("reattributed"), **extra)
