"""The dashboard's sign-in gate and role checks.

:func:`gate` runs first on every script run (``app.py``, before ``st.navigation(...).run()``)
and decides who is looking:

* **no users file** (or an empty one): the dashboard is open, as for one analyst at a desk;
  everyone may do everything (:data:`dashboard.access.roles.OPEN_ROLE`).
* **users exist**: a sign-in form, and nothing else, until a user signs in with a
  password; the script stops there, so no page, sidebar filter or number is ever sent to
  the browser before it. Failed sign-ins are throttled (:mod:`dashboard.access.throttle`).
  A reload opens a new session and asks again.
* **behind a company sign-on** (``serve --trust-proxy-header HEADER``): the user is the one
  the reverse proxy names in ``HEADER`` of the websocket request; roles come from the users
  file; a name that is missing or not in the file gets a "not authorised" page.

The role is read from the users file on every run, so ``users set-role`` or ``users remove``
takes effect at a signed-in user's next click. Pages then ask :func:`can` before drawing an
action and :func:`require` before carrying one out (the server-side check: a hidden button
is not the only barrier). Every sign-in, failure and sign-out is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import settings
from dashboard.access import users as store
from dashboard.access.roles import ACTIONS, OPEN_ROLE, Role, allowed
from dashboard.access.throttle import Throttle, keys
from dashboard.i18n import t
from dashboard.ui import auditing
from dashboard.ui.state import db

__all__ = ["THROTTLE", "Principal", "can", "current", "gate", "may_open", "require"]

# failed sign-ins of this server process (all sessions share it)
THROTTLE = Throttle()

# pages a role needs an action for, beyond reading (file name -> action of ACTIONS)
PAGE_ACTIONS: dict[str, str] = {"planner.py": "plan"}

_USER = "_auth_user"  # session key of the signed-in name (not a widget key: the browser cannot set it)
_PRINCIPAL = "_auth_principal"
_SEEN = "_auth_seen"  # proxy mode: the name whose sign-in (or refusal) this session recorded


@dataclass(frozen=True)
class Principal:
    """Who is looking: ``name`` (None on an open dashboard), ``role``, and how they came in
    (``open``, ``password`` or ``proxy``)."""

    name: str | None
    role: Role
    method: str


def _header(name: str) -> str:
    """The value of request header ``name`` of this session's websocket (empty when absent)."""
    return (st.context.headers.get(name) or "").strip()


def _resolve() -> tuple[Principal | None, str | None]:
    """The principal of this session without drawing anything (None: not signed in) and,
    behind a proxy, the name the proxy sent."""
    users = store.load(settings.users_path(db()))
    header = settings.trust_proxy_header()
    if header:
        name = _header(header)
        user = users.get(name)
        return (Principal(user.name, user.role, "proxy") if user else None), name
    if not users:
        return Principal(None, OPEN_ROLE, "open"), None
    user = users.get(st.session_state.get(_USER, ""))
    return (Principal(user.name, user.role, "password") if user else None), None


def gate(lang: str, pages: dict[str, list] | None = None) -> Principal:
    """Who is looking; draws the sign-in form or the "not authorised" page and stops the
    script when nobody (allowed) is signed in.

    Parameters
    ----------
    lang
        UI language.
    pages
        The navigation's sections (as for ``st.navigation``). While nobody is signed in they
        are registered hidden and never run, so the page named in the URL (a shared link)
        opens once the user has signed in.
    """
    try:
        principal, proxy_name = _resolve()
    except store.UserError as exc:  # a damaged users file: say so, show nothing else
        st.error(exc.localized(lang))
        st.stop()
    if principal is None:
        for k in (_USER, _PRINCIPAL):  # e.g. removed from the users file while signed in
            st.session_state.pop(k, None)
        if pages:
            st.navigation(pages, position="hidden")  # keeps the URL's page; nothing of it runs
    if settings.trust_proxy_header():
        _proxy_record(principal, proxy_name)
        if principal is None:
            st.title(t("acc.denied.title", lang))
            st.error(t("acc.denied.unknown", lang, name=proxy_name) if proxy_name else t("acc.denied.no_header", lang))
            st.stop()
    elif principal is None:
        _sign_in_form(lang)
        st.stop()
    st.session_state[_PRINCIPAL] = principal
    if principal.method != "open":
        _who(principal, lang)
    return principal


def _proxy_record(principal: Principal | None, name: str | None) -> None:
    """Record a proxy sign-in (or refusal) once per session."""
    if st.session_state.get(_SEEN) == (name, principal is not None):
        return
    st.session_state[_SEEN] = (name, principal is not None)
    auditing.record("sign_in", user=principal.name if principal else None, method="proxy",
                    outcome="ok" if principal else "not_authorised", name=name or None)


def _sign_in_form(lang: str) -> None:
    st.title(t("acc.signin.title", lang))
    st.caption(t("acc.signin.intro", lang))
    with st.form("acc_sign_in", clear_on_submit=True, enter_to_submit=True):
        name = st.text_input(t("acc.signin.name", lang), key="acc_name", autocomplete="username")
        password = st.text_input(t("acc.signin.password", lang), type="password", key="acc_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("acc.signin.button", lang), type="primary")
    if not submitted or not name:
        return
    name = name.strip()
    counted = keys(name, st.context.ip_address)
    wait = THROTTLE.locked_for(counted)
    if wait > 0:
        auditing.record("sign_in", user=None, method="password", outcome="locked", name=name)
        st.error(t("acc.signin.locked", lang, minutes=max(1, round(wait / 60))))
        return
    user = store.authenticate(settings.users_path(db()), name, password)
    if user is None:
        THROTTLE.failed(counted)
        auditing.record("sign_in", user=None, method="password", outcome="wrong_password", name=name)
        st.error(t("acc.signin.failed", lang))
        return
    THROTTLE.succeeded(user.name)
    auditing.record("sign_in", user=user.name, method="password", outcome="ok")
    st.session_state[_USER] = user.name
    st.rerun()


def _who(principal: Principal, lang: str) -> None:
    """Who is signed in, at the foot of the sidebar, with the sign-out button."""
    role = t(f"acc.role.{principal.role.code}", lang)
    with st.sidebar:
        st.divider()
        if principal.method == "proxy":
            st.caption(t("acc.signin.as_proxy", lang, name=principal.name, role=role))
            return
        st.caption(t("acc.signin.as", lang, name=principal.name, role=role))
        if st.button(t("acc.signout.button", lang), key="acc_sign_out", icon=":material/logout:"):
            auditing.record("sign_out", user=principal.name)
            for k in (_USER, _PRINCIPAL):
                st.session_state.pop(k, None)
            st.rerun()


def current() -> Principal | None:
    """The principal :func:`gate` found on this run (resolved afresh where no gate ran,
    e.g. a page or helper under test); None when nobody is signed in."""
    found = st.session_state.get(_PRINCIPAL)
    if isinstance(found, Principal):
        return found
    try:
        return _resolve()[0]
    except store.UserError:  # a damaged users file: nobody (the gate says why)
        return None


def can(action: str) -> bool:
    """Whether the current user may take ``action`` (a key of :data:`ACTIONS`)."""
    principal = current()
    return principal is not None and allowed(principal.role, action)


def require(action: str, lang: str) -> Principal:
    """The current principal if they may take ``action``; else say which role it needs and stop."""
    principal = current()
    if principal is None or not allowed(principal.role, action):
        need = t(f"acc.role.{ACTIONS[action].code}", lang)
        have = t(f"acc.role.{principal.role.code}", lang) if principal else "–"
        st.warning(t("acc.denied.role", lang, need=need, role=have))
        st.stop()
    return principal


def may_open(page_file: str) -> bool:
    """Whether the navigation lists ``page_file`` for the current user (before a sign-in
    every page is, hidden and not run, so a link to it still opens after the sign-in)."""
    action = PAGE_ACTIONS.get(page_file)
    return action is None or current() is None or can(action)
