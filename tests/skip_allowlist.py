"""A test run fails on any skip that is not on the allow-list; every skip reason is printed.

Loaded by ``tests/conftest.py`` (its two hooks). The allow-list is
``tests/skip_allowlist.txt`` (``$SERVICECIRCLE_SKIP_ALLOWLIST`` overrides the path, for
this module's own test): one entry a line, ``TEST_ID_GLOB | REASON_REGEX | WHY``,
``#`` comments. A skip is allowed when its test id matches the glob (``fnmatch``) and
its reason matches the regular expression (``re.search``). Anything else — a missing
browser, an ``importorskip`` of the project's own module, a parametrised combination
that should not have been generated — turns a green run red, with the reasons listed
at the end of the output. Under ``pytest-xdist`` the check runs once, in the
controller, over the reports of all workers.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ALLOWLIST = Path(__file__).with_name("skip_allowlist.txt")


@dataclass(frozen=True)
class Allowed:
    """One allow-list entry."""

    test_glob: str
    reason: re.Pattern[str]
    why: str


def allowlist_path() -> Path:
    env = os.environ.get("SERVICECIRCLE_SKIP_ALLOWLIST")
    return Path(env) if env else ALLOWLIST


def load(path: Path) -> list[Allowed]:
    """Read the allow-list; a malformed line is an error naming the file and line."""
    out: list[Allowed] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise pytest.UsageError(f"{path}:{n}: expected 'TEST_ID_GLOB | REASON_REGEX | WHY', got {line!r}")
        out.append(Allowed(parts[0], re.compile(parts[1]), parts[2]))
    return out


def skip_reason(report) -> str:
    """The reason a skip report carries (``Skipped: `` prefix removed)."""
    lr = report.longrepr
    text = str(lr[2]) if isinstance(lr, tuple) and len(lr) == 3 else str(lr)
    return text.removeprefix("Skipped: ")


def classify(reports, allowed: list[Allowed]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Split skip reports into allowed ``(id, reason, why)`` and not allowed ``(id, reason)``."""
    ok: list[tuple[str, str, str]] = []
    bad: list[tuple[str, str]] = []
    for rep in reports:
        reason = skip_reason(rep)
        hit = next((a for a in allowed if fnmatch.fnmatchcase(rep.nodeid, a.test_glob) and a.reason.search(reason)),
                   None)
        if hit is None:
            bad.append((rep.nodeid, reason))
        else:
            ok.append((rep.nodeid, reason, hit.why))
    return ok, bad


def _skips(config) -> list:
    tr = config.pluginmanager.get_plugin("terminalreporter")
    return list(tr.stats.get("skipped", [])) if tr is not None else []


def pytest_sessionfinish(session, exitstatus) -> None:
    """Turn a passing run into a failing one when a skip is not allowed."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller decides
        return
    _, bad = classify(_skips(session.config), load(allowlist_path()))
    if bad and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print every skip with its reason, and which of them the allow-list does not allow."""
    if hasattr(config, "workerinput"):
        return
    ok, bad = classify(_skips(config), load(allowlist_path()))
    if not ok and not bad:
        return
    terminalreporter.section("skips")
    for nodeid, reason, why in ok:
        terminalreporter.write_line(f"allowed: {nodeid}: {reason} ({why})")
    for nodeid, reason in bad:
        terminalreporter.write_line(f"NOT ALLOWED: {nodeid}: {reason}", red=True)
    if bad:
        terminalreporter.write_line(
            f"{len(bad)} skip(s) not on {allowlist_path()}: the run fails. Fix the cause, stop generating "
            "the case, or add 'TEST_ID_GLOB | REASON_REGEX | WHY' to the allow-list.", red=True, bold=True)
