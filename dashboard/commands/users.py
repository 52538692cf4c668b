"""``servicecircle users``: who may sign in to the dashboard, and with which role.

Thin commands over :mod:`dashboard.access.users`; each change is written to the audit
trail (:mod:`dashboard.access.audit`) under the operating-system user who ran it.
Passwords are read only from standard input (``--password-stdin``), never from the
command line, where other users of the machine could read them in the process list.

Exit codes: 0 done; 2 unknown user, name taken, bad role, empty or short password, bad
users file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dashboard import settings
from dashboard.access import audit
from dashboard.access import users as store
from dashboard.access.roles import Role
from dashboard.i18n import t

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB); the users file is <db>.users.json."),
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of the messages: zh or en.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the changed user as JSON (never the password hash).")]
NameArg = Annotated[str, typer.Argument(help="User name (the company login when a sign-on proxy is used).")]
RoleArg = Annotated[str, typer.Argument(help="viewer | analyst | admin")]

users_app = typer.Typer(help="Users and roles of the dashboard (viewer < analyst < admin).", no_args_is_help=True)


def _say(msg: str, *, err: bool = False) -> None:
    Console(stderr=err).print(msg, markup=False, highlight=False, soft_wrap=True)


def _fail(exc: store.UserError, lang: str) -> typer.Exit:
    _say(t("acc.cli.error", lang, msg=exc.localized(lang)), err=True)
    return typer.Exit(2)


def _password_from_stdin() -> str:
    """One line from standard input without its line end (an empty one is refused later)."""
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


def _record(db: Path | None, event: str, **fields) -> None:
    audit.record(settings.audit_path(db), event, user=audit.os_user(), via="cli", **fields)


def _done(as_json: bool, db: Path | None, name: str, message: str) -> None:
    """Say what was done: the message, or with --json the user as now stored (null once removed)."""
    if as_json:
        user = store.load(settings.users_path(db)).get(name)
        print(json.dumps({"user": name, "now": user.public() if user else None}, ensure_ascii=False))
    else:
        _say(message)


def _role_name(role: Role, lang: str) -> str:
    return t(f"acc.role.{role.code}", lang)


def _warn_if_locked_out(db: Path | None, lang: str) -> None:
    left = store.load(settings.users_path(db))
    if not left:
        _say(t("acc.cli.now_open", lang), err=True)
    elif not any(u.role >= Role.ADMIN for u in left.values()):
        _say(t("acc.cli.no_admin", lang), err=True)


@users_app.command("add")
def add_command(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", help="viewer | analyst | admin")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input (one line). Without it the user has no password and can only come in through a sign-on proxy.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = "zh",
) -> None:
    """Add a user with a role (and a password read from standard input)."""
    path = settings.users_path(db)
    try:
        first = not store.any_users(path)
        user = store.add(path, name, role, _password_from_stdin() if password_stdin else None)
    except store.UserError as exc:
        raise _fail(exc, lang) from None
    _record(db, "user_add", target=user.name, role=user.role.code, has_password=user.has_password)
    key = "acc.cli.added" if user.has_password else "acc.cli.added_no_password"
    _done(as_json, db, user.name, t(key, lang, name=user.name, role=_role_name(user.role, lang)))
    if first and not as_json:
        _say(t("acc.cli.first_user", lang, path=str(path)))


@users_app.command("remove")
def remove_command(name: NameArg, db: DbOption = None, as_json: JsonOption = False, lang: LangOption = "zh") -> None:
    """Remove a user."""
    try:
        user = store.remove(settings.users_path(db), name)
    except store.UserError as exc:
        raise _fail(exc, lang) from None
    _record(db, "user_remove", target=user.name, role=user.role.code)
    _done(as_json, db, user.name, t("acc.cli.removed", lang, name=user.name))
    _warn_if_locked_out(db, lang)


@users_app.command("set-role")
def set_role_command(name: NameArg, role: RoleArg, db: DbOption = None, as_json: JsonOption = False,
                     lang: LangOption = "zh") -> None:
    """Give a user another role."""
    try:
        old, new = store.set_role(settings.users_path(db), name, role)
    except store.UserError as exc:
        raise _fail(exc, lang) from None
    _record(db, "user_role", target=name, old_role=old.code, role=new.code)
    _done(as_json, db, name, t("acc.cli.role_set", lang, name=name, old=_role_name(old, lang), new=_role_name(new, lang)))
    _warn_if_locked_out(db, lang)


@users_app.command("set-password")
def set_password_command(
    name: NameArg,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the new password from standard input (one line).")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = "zh",
) -> None:
    """Set a user's password (read from standard input)."""
    if not password_stdin:
        _say(t("acc.cli.password_prompt_hint", lang), err=True)
        raise typer.Exit(2)
    try:
        store.set_password(settings.users_path(db), name, _password_from_stdin())
    except store.UserError as exc:
        raise _fail(exc, lang) from None
    _record(db, "user_password", target=name)
    _done(as_json, db, name, t("acc.cli.password_set", lang, name=name))


@users_app.command("list")
def list_command(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the users as JSON (never their password hashes).")] = False,
    lang: LangOption = "zh",
) -> None:
    """List the users and their roles."""
    path = settings.users_path(db)
    try:
        found = store.load(path)
    except store.UserError as exc:
        raise _fail(exc, lang) from None
    if as_json:
        print(json.dumps([u.public() for u in found.values()], ensure_ascii=False))
        return
    if not found:
        _say(t("acc.cli.none", lang, path=str(path)))
        return
    df = store.as_table(found, lang)
    tab = Table()
    for col in df.columns:
        tab.add_column(str(col))
    for row in df.itertuples(index=False):
        tab.add_row(*(Text(str(v)) for v in row))  # names are data, never markup
    Console().print(tab)


def register(app: typer.Typer) -> None:
    """Add ``users add | remove | set-role | set-password | list`` to the ``servicecircle`` command line."""
    app.add_typer(users_app, name="users")
