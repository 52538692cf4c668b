"""The users file: who may sign in to the dashboard, with which role and password hash.

One JSON file beside the warehouse (:func:`dashboard.settings.users_path`,
``<db>.users.json``)::

    {"format": "servicecircle-users", "version": 1,
     "users": [{"name": "zhang.wei", "role": "analyst", "password": "$argon2id$v=19$...",
                "created_at": "2026-12-03T08:00:00+00:00", "changed_at": "..."}]}

Passwords are stored only as argon2id hashes (``argon2-cffi``'s :class:`PasswordHasher`
with its RFC 9106 defaults); a user without a password (``"password": null``) can only come
in through a company reverse proxy (``serve --trust-proxy-header``). The file is written
whole to a private temporary file (mode 0600) and renamed over the old one, under an
exclusive lock (``<file>.lock``), so a reader never sees half a file and two
administrators never lose each other's change.

While the file is missing or lists nobody the dashboard is open (see
:mod:`dashboard.access.roles`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.access.roles import ROLE_CODES, Role
from dashboard.i18n import t

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "User",
    "UserError",
    "add",
    "any_users",
    "as_table",
    "authenticate",
    "check_name",
    "check_password",
    "load",
    "remove",
    "set_password",
    "set_role",
]

FORMAT = "servicecircle-users"
VERSION = 1
MIN_PASSWORD_LENGTH = 8
"""Shortest password accepted (NIST SP 800-63B's minimum for a chosen secret)."""
MAX_PASSWORD_LENGTH = 1024
NAME_RE = re.compile(r"[\w.@+-]{1,64}")
"""A user name: 1-64 letters (any script), digits, ``_ . @ + -``; what company sign-ons send."""

HASHER = PasswordHasher()
"""argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4)."""

# verified against when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH: str | None = None


class UserError(ValueError):
    """A user command that cannot be carried out (unknown user, bad role, bad password, bad file).

    ``key`` and ``params`` name the message in ``dashboard/i18n/access.toml``; ``str()`` is
    the English text, :meth:`localized` the text in another language.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(t(key, "en", **params))
        self.key = key
        self.params = params

    def localized(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class User:
    """One entry of the users file (the hash is never shown or logged)."""

    name: str
    role: Role
    password_hash: str | None = field(repr=False)
    created_at: str
    changed_at: str

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def public(self) -> dict:
        """The entry without its hash (for ``users list --json``)."""
        return {"name": self.name, "role": self.role.code, "has_password": self.has_password,
                "created_at": self.created_at, "changed_at": self.changed_at}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def check_name(name: str) -> str:
    """``name`` if it is a valid user name (NFC-normalised), else :class:`UserError`."""
    norm = unicodedata.normalize("NFC", str(name))
    if not NAME_RE.fullmatch(norm):
        raise UserError("acc.err.bad_name", name=str(name))
    return norm


def check_password(password: str) -> str:
    """``password`` if it is long enough and not blank, else :class:`UserError` (never echoing it)."""
    if not password or not password.strip():
        raise UserError("acc.err.empty_password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("acc.err.short_password", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError("acc.err.long_password", n=MAX_PASSWORD_LENGTH)
    return password


# ---------------------------------------------------------------- reading
def load(path: str | os.PathLike) -> dict[str, User]:
    """All users of the file at ``path`` by name (empty when the file does not exist).

    Raises
    ------
    UserError
        The file is not a users file (naming the file and, for a bad entry, the user).
    """
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError("acc.err.bad_file", path=str(p), msg=f"JSON, line {exc.lineno}: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("users"), list):
        raise UserError("acc.err.bad_file", path=str(p), msg=f"format is not {FORMAT!r}")
    if doc.get("version") != VERSION:
        raise UserError("acc.err.bad_file", path=str(p), msg=f"version {doc.get('version')!r}, expected {VERSION}")
    users: dict[str, User] = {}
    for i, e in enumerate(doc["users"], start=1):
        who = e.get("name") if isinstance(e, dict) else None
        try:
            role = Role.parse(e["role"])
            users[e["name"]] = User(e["name"], role, e.get("password"), e["created_at"], e["changed_at"])
        except (KeyError, TypeError, ValueError) as exc:
            raise UserError("acc.err.bad_file", path=str(p), msg=f"entry {i} ({who!r}): {exc}") from None
    return users


def as_table(users: dict[str, User], lang: str | None = None) -> pd.DataFrame:
    """The users for people to read (name, role, whether a password is set, last change;
    never the hash), as ``users list`` and the Data page show them."""
    rows = list(users.values())
    return pd.DataFrame({
        t("acc.col.name", lang): [u.name for u in rows],
        t("acc.col.role", lang): [t(f"acc.role.{u.role.code}", lang) for u in rows],
        t("acc.col.password", lang): [t("acc.password.yes" if u.has_password else "acc.password.no", lang) for u in rows],
        t("acc.col.changed", lang): [u.changed_at[:19].replace("T", " ") for u in rows],
    })


def any_users(path: str | os.PathLike) -> bool:
    """Whether the dashboard asks for a sign-in: the users file lists at least one user."""
    return bool(load(path))


# ---------------------------------------------------------------- writing
@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _save(path: Path, users: dict[str, User]) -> None:
    """Write the whole file to a private temporary file and rename it into place."""
    doc = {
        "format": FORMAT, "version": VERSION,
        "users": [{"name": u.name, "role": u.role.code, "password": u.password_hash,
                   "created_at": u.created_at, "changed_at": u.changed_at}
                  for u in sorted(users.values(), key=lambda u: u.name)],
    }
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)  # the rename itself survives a crash
    finally:
        os.close(dfd)


@contextlib.contextmanager
def _editing(path: str | os.PathLike) -> Iterator[dict[str, User]]:
    """Read-modify-write under the lock; the file is saved only when the block succeeds."""
    p = Path(path)
    with _locked(p):
        users = load(p)
        yield users
        _save(p, users)


def _get(users: dict[str, User], name: str, path: str | os.PathLike) -> User:
    try:
        return users[name]
    except KeyError:
        raise UserError("acc.err.unknown_user", name=name, path=str(path)) from None


def add(path: str | os.PathLike, name: str, role: Role | str, password: str | None = None) -> User:
    """Add a user; ``password=None`` makes a user who can only come through a reverse proxy.

    Raises
    ------
    UserError
        The name is taken or not valid, the role is unknown, the password is empty or short.
    """
    name = check_name(name)
    role = _role(role)
    pw_hash = HASHER.hash(check_password(password)) if password is not None else None
    with _editing(path) as users:
        if name in users:
            raise UserError("acc.err.exists", name=name)
        now = _now()
        users[name] = User(name, role, pw_hash, now, now)
        return users[name]


def remove(path: str | os.PathLike, name: str) -> User:
    """Remove a user and return the removed entry (:class:`UserError` if unknown)."""
    with _editing(path) as users:
        return users.pop(_get(users, name, path).name)


def set_role(path: str | os.PathLike, name: str, role: Role | str) -> tuple[Role, Role]:
    """Give a user another role; returns ``(old, new)``."""
    role = _role(role)
    with _editing(path) as users:
        old = _get(users, name, path)
        users[name] = User(old.name, role, old.password_hash, old.created_at, _now())
        return old.role, role


def set_password(path: str | os.PathLike, name: str, password: str) -> None:
    """Set (or replace) a user's password."""
    pw_hash = HASHER.hash(check_password(password))
    with _editing(path) as users:
        old = _get(users, name, path)
        users[name] = User(old.name, old.role, pw_hash, old.created_at, _now())


def _role(role: Role | str) -> Role:
    if isinstance(role, Role):
        return role
    try:
        return Role.parse(role)
    except ValueError:
        raise UserError("acc.err.bad_role", role=str(role), choices=", ".join(ROLE_CODES)) from None


# ---------------------------------------------------------------- signing in
def authenticate(path: str | os.PathLike, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else ``None``.

    An unknown name, a user without a password and a wrong password all take one argon2
    verification, so the answer's timing does not tell which names exist. A hash made
    with weaker parameters than today's is replaced on a successful sign-in.
    """
    global _DUMMY_HASH
    users = load(path)
    user = users.get(unicodedata.normalize("NFC", str(name)))
    if user is None or user.password_hash is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = HASHER.hash(secrets.token_hex(16))
        with contextlib.suppress(VerificationError, InvalidHashError):
            HASHER.verify(_DUMMY_HASH, password)
        return None
    try:
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        with contextlib.suppress(UserError, OSError):
            set_password(path, user.name, password)
    return user
