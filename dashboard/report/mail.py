"""Send a written briefing by e-mail (``servicecircle report --email``).

SMTP settings live in the ``[email]`` table of the config file
(:func:`dashboard.settings.config_file`: ``--config``, ``$SERVICECIRCLE_CONFIG``,
``servicecircle.toml`` beside the warehouse, or ``~/.config/servicecircle/config.toml``)::

    [email]
    host = "smtp.example.com"
    port = 587                 # default 587 (465 with ssl = true)
    starttls = true            # upgrade the connection with STARTTLS (default true)
    ssl = false                # implicit TLS from the start (port 465)
    user = "reports@example.com"                  # optional: log in as this user
    password_env = "SERVICECIRCLE_SMTP_PASSWORD"  # the password comes from this variable
    from = "reports@example.com"
    to = ["director@example.com"]

The password is never written in the file: it is read from the environment variable
``password_env`` names (default ``SERVICECIRCLE_SMTP_PASSWORD``), so the file can be
shared and a systemd unit can pass the secret with ``LoadCredential``/``Environment``.
:func:`load_mail_settings` checks everything before a report is built, naming the file
and the field; :func:`send_file` sends one attachment with the standard library's
``smtplib``.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import ssl as _ssl
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

__all__ = ["MailError", "MailSettings", "load_mail_settings", "send_file"]

DEFAULT_PASSWORD_ENV = "SERVICECIRCLE_SMTP_PASSWORD"
TIMEOUT_S = 60.0

_MIME = {
    ".pptx": ("application", "vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".html": ("text", "html"),
}


class MailError(RuntimeError):
    """The e-mail settings are incomplete or sending failed (the message says which)."""


@dataclass(frozen=True)
class MailSettings:
    """SMTP settings of the ``[email]`` table (see the module docstring)."""

    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    starttls: bool = True
    ssl: bool = False
    user: str | None = None
    password_env: str = DEFAULT_PASSWORD_ENV

    def password(self) -> str | None:
        """The password from the environment (``None`` when no user logs in)."""
        if self.user is None:
            return None
        value = os.environ.get(self.password_env)
        if not value:
            raise MailError(f"e-mail: user {self.user!r} needs a password in the environment variable "
                            f"{self.password_env}, which is not set")
        return value


def load_mail_settings(path: Path) -> MailSettings:
    """Read and check the ``[email]`` table of a TOML config file.

    Raises
    ------
    MailError
        Naming the file and the field when something is missing or of the wrong type.
    """
    if not path.is_file():
        raise MailError(f"{path}: config file not found (needed for --email; see docs/operations.md)")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MailError(f"{path}: not valid TOML: {exc}") from None
    email = doc.get("email")
    if not isinstance(email, dict):
        raise MailError(f"{path}: no [email] table")

    def field(name: str, kind: type, default=None, required: bool = False):
        value = email.get(name, default)
        if value is None:
            if required:
                raise MailError(f"{path}: [email] {name} is missing")
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise MailError(f"{path}: [email] {name} must be a {kind.__name__}, got {value!r}")
        return value

    to = email.get("to")
    if isinstance(to, str):
        to = [to]
    if not to or not isinstance(to, list) or not all(isinstance(x, str) and "@" in x for x in to):
        raise MailError(f"{path}: [email] to must be an address or a list of addresses, got {to!r}")
    use_ssl = field("ssl", bool, False)
    return MailSettings(
        host=field("host", str, required=True),
        port=field("port", int, 465 if use_ssl else 587),
        sender=field("from", str, required=True),
        to=tuple(to),
        starttls=field("starttls", bool, not use_ssl),
        ssl=use_ssl,
        user=field("user", str),
        password_env=field("password_env", str, DEFAULT_PASSWORD_ENV),
    )


def send_file(settings: MailSettings, path: Path, *, subject: str, body: str) -> None:
    """Send ``path`` as an attachment (its own file name) to ``settings.to``.

    Raises
    ------
    MailError
        When the server cannot be reached, refuses the login or the message.
    """
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.to)
    msg.set_content(body)
    maintype, subtype = _MIME.get(path.suffix.lower()) or (
        (mimetypes.guess_type(path.name)[0] or "application/octet-stream").split("/", 1))
    msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    password = settings.password()
    context = _ssl.create_default_context()
    try:
        if settings.ssl:
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
        with smtp:
            if settings.starttls and not settings.ssl:
                smtp.starttls(context=context)
            if settings.user is not None:
                smtp.login(settings.user, password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"e-mail to {', '.join(settings.to)} via {settings.host}:{settings.port} failed: "
                        f"{type(exc).__name__}: {exc}") from None
