"""``servicecircle serve``: start the Streamlit dashboard headless.

Before it listens, the pages' default views of the current data are precomputed if an
import has not done so (:mod:`dashboard.derived`), and the server process loads the
program (:mod:`dashboard.server`), so the first visitor waits for neither.

It listens on 127.0.0.1 unless ``--address`` says otherwise. Sign-in is by the users file
beside the warehouse (``servicecircle users``), or, with ``--trust-proxy-header HEADER``,
by the user name a company reverse proxy puts in that header (then the server must be
reachable only through that proxy). Settings reach the app through environment variables
(``SERVICECIRCLE_DB``, ``SERVICECIRCLE_TRUST_PROXY_HEADER``).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dashboard import settings
from dashboard.commands import DbOption, up_to_date


def serve_command(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8501,
    address: Annotated[str, typer.Option("--address", help="Address to bind (0.0.0.0: every interface).")] = "127.0.0.1",
    trust_proxy_header: Annotated[Optional[str], typer.Option(
        "--trust-proxy-header", metavar="HEADER",
        help="Take the signed-in user's name from this request header, set by a company reverse proxy "
             "(SSO / LDAP gateway); roles come from the users file. Only safe when nothing but the proxy "
             "can reach the server.")] = None,
) -> None:
    """Start the dashboard (Streamlit, headless) on the given warehouse."""
    path = settings.db_path(db)
    up_to_date(path)  # a warehouse built by an older version: rebuilt once, atomically
    if settings.precompute_enabled():  # the first visitor reads stored default views
        from dashboard.commands.precompute import run

        run(path, "zh", only_if_missing=True)
    env = dict(os.environ)
    env["SERVICECIRCLE_DB"] = str(path.resolve())
    env.pop("SERVICECIRCLE_TRUST_PROXY_HEADER", None)
    if trust_proxy_header:
        env["SERVICECIRCLE_TRUST_PROXY_HEADER"] = trust_proxy_header.strip()
        for warning in proxy_warnings(address, path):
            typer.echo(warning, err=True)
    cmd = [
        sys.executable, "-m", "dashboard.server",  # preloads the program, then `streamlit run`
        str(settings.PROJECT_ROOT / "dashboard" / "app.py"),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--server.enableXsrfProtection", "true",
        "--server.maxUploadSize", "1024",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",  # no "Deploy" button or developer menu
        "--client.disableDataExport", "true",  # tables leave only through the app's audited downloads
        # no full garbage collection after every script run: with the program loaded it
        # takes 0.2 s per page view (measured), and the process frees its memory without it
        "--runner.postScriptGC", "false",
    ]
    # become the server (exec): the memory this process used to precompute goes back;
    # what was printed so far must reach the log first (exec drops unflushed buffers)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, cmd, env)


def _is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: assume others can reach it
        return False


def proxy_warnings(address: str, db: Path) -> list[str]:
    """What to say when a proxy header is trusted: a server others can reach directly lets
    anyone send the header; without users nobody is authorised."""
    from dashboard.access import users
    from dashboard.i18n import t

    out = []
    if not _is_loopback(address):
        out.append(t("acc.serve.proxy_open", None, address=address))
    if not users.any_users(settings.users_path(db)):
        out.append(t("acc.serve.proxy_no_users", None, path=str(settings.users_path(db))))
    return out


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
