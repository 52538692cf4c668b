"""The skip check itself: a run with a skip not on the allow-list fails and names the
reason (also under pytest-xdist); an allowed skip passes and is printed with its why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPING = '''
import pytest

def test_runs():
    assert True

def test_needs_the_moon():
    pytest.skip("needs the moon")
'''


def _run(tmp_path: Path, allow: str, *extra: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(
        "from tests.skip_allowlist import pytest_sessionfinish, pytest_terminal_summary  # noqa: F401\n")
    (tmp_path / "test_x.py").write_text(SKIPPING)
    (tmp_path / "allow.txt").write_text("# test\n" + allow)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SERVICECIRCLE_SKIP_ALLOWLIST": str(tmp_path / "allow.txt")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), *extra, str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )


@pytest.mark.parametrize("extra", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_a_skip_not_allowed_fails_the_run(tmp_path, extra):
    r = _run(tmp_path, "", *extra)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "NOT ALLOWED: test_x.py::test_needs_the_moon: needs the moon" in r.stdout


def test_an_allowed_skip_passes_and_is_printed(tmp_path):
    r = _run(tmp_path, "test_x.py::* | the moon$ | no moon in the lab\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "allowed: test_x.py::test_needs_the_moon: needs the moon (no moon in the lab)" in r.stdout


def test_the_allowlist_matches_test_and_reason(tmp_path):
    r = _run(tmp_path, "other_*.py::* | the moon | wrong file\ntest_x.py::* | the sun | wrong reason\n")
    assert r.returncode == 1, r.stdout + r.stderr


def test_a_malformed_allowlist_line_is_named(tmp_path):
    r = _run(tmp_path, "test_x.py::* | no why\n")
    assert r.returncode != 0
    assert "allow.txt:2" in r.stdout + r.stderr
