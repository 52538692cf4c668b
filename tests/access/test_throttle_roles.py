"""The sign-in throttle (on a fake clock) and the role table (written out by hand)."""

from __future__ import annotations

import pytest

from dashboard.access import roles, throttle
from dashboard.access.roles import Role


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_for_fifteen_minutes():
    clock = Clock()
    th = throttle.Throttle(clock=clock)
    k = throttle.keys("alice", "10.0.0.7")
    for _ in range(4):
        th.failed(k)
        clock.now += 10
    assert th.locked_for(k) == 0  # a user who mistypes a few times is not locked out
    th.failed(k)
    assert th.locked_for(k) == pytest.approx(15 * 60)
    clock.now += 14 * 60
    assert th.locked_for(k) == pytest.approx(60)
    clock.now += 61
    assert th.locked_for(k) == 0


def test_name_and_client_counted_apart():
    clock = Clock()
    th = throttle.Throttle(clock=clock)
    # one client trying many names: locked after 20 (people behind one proxy share an
    # address, so it takes more than one person's five), a fresh name from elsewhere is not
    for i in range(19):
        th.failed(throttle.keys(f"n{i}", "10.0.0.7"))
    assert th.locked_for(throttle.keys("f", "10.0.0.7")) == 0
    th.failed(throttle.keys("n19", "10.0.0.7"))
    assert th.locked_for(throttle.keys("f", "10.0.0.7")) > 0
    assert th.locked_for(throttle.keys("f", "10.0.0.8")) == 0
    # five failures for one name from five clients: the name is locked everywhere
    for ip in range(5):
        th.failed(throttle.keys("bob", f"10.0.1.{ip}"))
    assert th.locked_for(throttle.keys("bob", "10.0.9.9")) > 0
    assert th.locked_for(throttle.keys("bob", None)) > 0


def test_success_clears_the_name_only():
    clock = Clock()
    th = throttle.Throttle(max_client_failures=5, clock=clock)
    for _ in range(4):
        th.failed(throttle.keys("alice", "10.0.0.7"))
    th.succeeded("alice")
    th.failed(throttle.keys("alice", "10.0.0.7"))
    assert th.locked_for([("user", "alice")]) == 0
    assert th.locked_for([("client", "10.0.0.7")]) > 0


def test_old_failures_forgotten():
    clock = Clock()
    th = throttle.Throttle(clock=clock)
    for _ in range(4):
        th.failed([("user", "a")])
    clock.now += 16 * 60
    th.failed([("user", "a")])
    assert th.locked_for([("user", "a")]) == 0


# what each role may do, as the issue states it (viewer reads and exports the briefing;
# analyst also plans and downloads tables; admin also imports, undoes imports, reads the audit,
# manages users)
EXPECTED = {
    "viewer": {"read", "export_briefing"},
    "analyst": {"read", "export_briefing", "download_tables", "plan"},
    "admin": {"read", "export_briefing", "download_tables", "plan", "import", "undo", "audit", "manage_users"},
}


@pytest.mark.parametrize("role", roles.ROLE_CODES)
def test_role_table(role):
    may = {a for a in roles.ACTIONS if roles.allowed(Role.parse(role), a)}
    assert may == EXPECTED[role]


def test_parse_and_order():
    assert Role.parse(" Admin ") is Role.ADMIN
    assert Role.VIEWER < Role.ANALYST < Role.ADMIN
    with pytest.raises(ValueError, match="viewer, analyst, admin"):
        Role.parse("root")
    assert roles.OPEN_ROLE is Role.ADMIN
