"""Audit records from the dashboard: sign-ins, imports, undos and every file downloaded.

:func:`record` adds a ``via="web"`` record to the trail beside this server's warehouse,
with the client's address. :func:`audited` wraps the function that makes a download's
bytes (``st.download_button(data=callable)``): Streamlit calls it only when the user
clicks, on a thread of its own and without rerunning the page, so the record is written
exactly when a file is made, with its name, size and SHA-256. Who and from where are
taken when the button is drawn (the click's thread has no script context).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import settings
from dashboard.access import audit
from dashboard.report.tables import safe_filename
from dashboard.ui.state import db

__all__ = ["audited", "import_record", "record", "undo_record"]


def record(event: str, *, user: str | None, **fields: Any) -> dict:
    """Append a web record (``user`` None on an open dashboard)."""
    return audit.record(settings.audit_path(db()), event, user=user, via="web",
                        client=st.context.ip_address, **fields)


def audited(make: Callable[[], bytes | str], *, user: str | None, kind: str, file_name: str,
            source: str) -> Callable[[], bytes]:
    """``make`` wrapped so that each call also records an ``export`` of ``file_name``.

    Parameters
    ----------
    make
        Builds the file (bytes, or text encoded as UTF-8).
    user
        Who is downloading (the current principal's name).
    kind
        ``pptx``, ``html``, ``csv``, ``xlsx``, ...
    file_name
        The name the browser saves the file under.
    source
        Which button (its widget key), to tell one table's download from another's.
    """
    path = settings.audit_path(db())
    client = st.context.ip_address

    def made() -> bytes:
        data = make()
        raw = data.encode("utf-8") if isinstance(data, str) else data
        audit.record(path, "export", user=user, via="web", client=client, kind=kind, source=source,
                     file=audit.file_entry(file_name, raw))
        return raw

    return made


def download_button(label: str, make: Callable[[], bytes | str], *, user: str | None, stem: str,
                    ext: str, key: str, mime: str, icon: str) -> None:
    """A download button for the file ``make`` builds when it is clicked, saved as
    ``stem.ext`` (:func:`dashboard.report.tables.safe_filename`) and recorded as an
    ``export`` of kind ``ext`` from widget ``key`` (:func:`audited`); no rerun on click."""
    file_name = safe_filename(stem, ext)
    st.download_button(
        label,
        data=audited(make, user=user, kind=ext, file_name=file_name, source=key),
        file_name=file_name, mime=mime, key=key, on_click="ignore", icon=icon,
    )


def import_record(*, user: str | None, table: str, files, refused: tuple[type[BaseException], ...] = ()):
    """:func:`dashboard.access.audit.import_record` for an import from the Data page."""
    return audit.import_record(settings.audit_path(db()), user=user, via="web", table=table, files=files,
                               refused=refused, client=st.context.ip_address)


def undo_record(*, user: str | None, import_id: str, refused: tuple[type[BaseException], ...] = ()):
    """:func:`dashboard.access.audit.undo_record` for an undo from the Data page."""
    return audit.undo_record(settings.audit_path(db()), user=user, via="web", import_id=import_id,
                             refused=refused, client=st.context.ip_address)
