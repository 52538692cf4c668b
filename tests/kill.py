"""Killing a writer mid-write for the all-or-nothing tests: ``kill_when`` waits until the
child process has reached the moment to test, lets it run a little further, and sends
``SIGKILL``."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable


def kill_when(proc: subprocess.Popen, reached: Callable[[], bool], *, then_s: float, timeout_s: float = 120.0) -> None:
    """``kill -9`` ``proc`` ``then_s`` seconds after ``reached()`` first holds.

    Fails the test if the child exits first (its stderr in the message, when piped) or
    ``reached`` does not hold within ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while not reached():
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else proc.returncode
        assert time.monotonic() < deadline, "the child never reached the moment to kill it"
        time.sleep(0.01)
    time.sleep(then_s)
    assert proc.poll() is None, "the write finished before it could be killed; give it more to do"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
