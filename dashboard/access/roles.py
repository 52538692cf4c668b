"""The roles of ServiceCircle and what each may do.

Roles are ordered: a higher role may do everything a lower one may.

========  ==============================================================================
viewer    reads every page, the chart views and the Briefing's PPTX / HTML exports
analyst   also runs the room planner and what-ifs, and downloads tables (CSV / XLSX)
admin     also imports data and undoes imports (Data page), reads the audit trail, manages users
========  ==============================================================================

Without a users file the dashboard is open (one analyst at a desk, as before users
existed) and whoever reaches it may do everything: :data:`OPEN_ROLE`.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    """A role; compare with ``>=`` (``Role.ADMIN >= Role.ANALYST``)."""

    VIEWER = 1
    ANALYST = 2
    ADMIN = 3

    @property
    def code(self) -> str:
        """The role's name as written in the users file and on the command line."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role named ``text`` (``viewer``, ``analyst``, ``admin``; any case).

        Raises
        ------
        ValueError
            For any other word, naming the choices.
        """
        try:
            return cls[str(text).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown role {text!r}: choose one of {', '.join(ROLE_CODES)}") from None


ROLE_CODES: tuple[str, ...] = tuple(r.code for r in Role)
"""``("viewer", "analyst", "admin")``."""

ACTIONS: dict[str, Role] = {
    "read": Role.VIEWER,  # every page, charts, the Briefing on screen
    "export_briefing": Role.VIEWER,  # the Briefing's PPTX / HTML
    "download_tables": Role.ANALYST,  # CSV / XLSX of any table
    "plan": Role.ANALYST,  # the room planner and its what-ifs
    "import": Role.ADMIN,  # the Data page's upload
    "undo": Role.ADMIN,  # undoing an import on the Data page
    "audit": Role.ADMIN,  # the audit trail on the Data page
    "manage_users": Role.ADMIN,
}
"""Every guarded action and the lowest role that may take it."""

OPEN_ROLE = Role.ADMIN
"""The role of everyone while no users file (or an empty one) exists."""


def allowed(role: Role, action: str) -> bool:
    """Whether ``role`` may take ``action`` (a key of :data:`ACTIONS`; unknown → KeyError)."""
    return role >= ACTIONS[action]
