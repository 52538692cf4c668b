"""Who may do what, and the record of what was done: users, roles, sign-in throttle, audit trail.

Modules
-------
roles
    The three roles (viewer < analyst < admin) and the action each one may take.
users
    The users file beside the warehouse (argon2id password hashes, mode 0600, written
    atomically) and password checks.
throttle
    Failed sign-ins counted per user name and per client; too many lock the sign-in a while.
audit
    The append-only audit trail beside the warehouse (JSON Lines, hash-chained, mode 0600).

Nothing here imports Streamlit: the sign-in gate of the dashboard is
:mod:`dashboard.ui.auth`, the commands are :mod:`dashboard.commands.users` and
:mod:`dashboard.commands.audit`.
"""
