"""Refusals of street-network files (:class:`NetworkError`).

A refusal is raised before anything is written and names the file (and row); its
message is the English text of a ``cov.net.*`` string of ``dashboard/i18n/coverage.toml``
so the ``import`` command can show it in the user's language.
"""

from __future__ import annotations

from typing import Any

from dashboard.ingest.importer import ImportRefused

__all__ = ["refuse", "NetworkError"]


class NetworkError(ImportRefused):
    """A network file that cannot be used; the message names the file (and row).

    A subclass of :class:`dashboard.ingest.ImportRefused`: the ``import`` command shows it
    as a refusal (exit code 2) in the user's language when ``key`` names a ``cov.net.*``
    string of ``dashboard/i18n/coverage.toml``.
    """


def refuse(key: str, **params: Any) -> NetworkError:
    """A :class:`NetworkError` whose message is the English text of i18n ``key``."""
    from dashboard.i18n import t

    return NetworkError(t(key, "en", **params), key=key, params=params)
