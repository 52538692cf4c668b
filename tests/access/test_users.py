"""The users file: argon2id hashes checked by an independent verifier, mode 0600, atomic
writes under a lock, clear refusals."""

from __future__ import annotations

import json
import os
import stat
import threading
import time

import pytest
from argon2 import PasswordHasher

from dashboard import settings
from dashboard.access import users
from dashboard.access.roles import Role


@pytest.fixture
def path(db):
    return settings.users_path(db)


def test_password_stored_only_as_argon2id(path):
    users.add(path, "alice", "analyst", "correct horse")
    raw = path.read_text(encoding="utf-8")
    assert "correct horse" not in raw
    entry = json.loads(raw)["users"][0]
    assert entry["name"] == "alice" and entry["role"] == "analyst"
    assert entry["password"].startswith("$argon2id$")
    # an independent verifier (argon2-cffi's own, default parameters) accepts the hash
    assert PasswordHasher().verify(entry["password"], "correct horse")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_authenticate(path):
    users.add(path, "alice", Role.VIEWER, "correct horse")
    users.add(path, "proxyonly", Role.ADMIN)  # no password: sign-on proxy only
    assert users.authenticate(path, "alice", "correct horse").role is Role.VIEWER
    assert users.authenticate(path, "alice", "correct hors") is None
    assert users.authenticate(path, "nobody", "correct horse") is None
    assert users.authenticate(path, "proxyonly", "") is None
    assert users.authenticate(path, "proxyonly", "anything at all") is None


def test_weak_hash_replaced_on_sign_in(path, fast_hasher):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    users.add(path, "alice", "viewer", "correct horse")
    doc = json.loads(path.read_text())
    doc["users"][0]["password"] = weak.hash("correct horse")
    path.write_text(json.dumps(doc))
    assert users.authenticate(path, "alice", "correct horse") is not None
    new = users.load(path)["alice"].password_hash
    assert not fast_hasher.check_needs_rehash(new) and "m=1024" in new


def test_set_role_and_password_and_remove(path):
    users.add(path, "bob", "viewer", "first password")
    assert users.set_role(path, "bob", "admin") == (Role.VIEWER, Role.ADMIN)
    assert users.load(path)["bob"].role is Role.ADMIN
    users.set_password(path, "bob", "second password")
    assert users.authenticate(path, "bob", "first password") is None
    assert users.authenticate(path, "bob", "second password") is not None
    assert users.remove(path, "bob").name == "bob"
    assert users.load(path) == {} and not users.any_users(path)


@pytest.mark.parametrize("call,key", [
    (lambda p: users.remove(p, "ghost"), "acc.err.unknown_user"),
    (lambda p: users.set_role(p, "ghost", "admin"), "acc.err.unknown_user"),
    (lambda p: users.set_password(p, "ghost", "long enough"), "acc.err.unknown_user"),
    (lambda p: users.add(p, "carol", "boss", "long enough"), "acc.err.bad_role"),
    (lambda p: users.set_role(p, "alice", "root"), "acc.err.bad_role"),
    (lambda p: users.add(p, "carol", "viewer", ""), "acc.err.empty_password"),
    (lambda p: users.add(p, "carol", "viewer", "        "), "acc.err.empty_password"),
    (lambda p: users.add(p, "carol", "viewer", "short"), "acc.err.short_password"),
    (lambda p: users.add(p, "alice", "viewer", "long enough"), "acc.err.exists"),
    (lambda p: users.add(p, "two words", "viewer", "long enough"), "acc.err.bad_name"),
    (lambda p: users.add(p, "", "viewer", "long enough"), "acc.err.bad_name"),
])
def test_refusals_change_nothing(path, call, key):
    users.add(path, "alice", "viewer", "long enough")
    before = path.read_bytes()
    with pytest.raises(users.UserError) as err:
        call(path)
    assert err.value.key == key
    assert path.read_bytes() == before
    assert err.value.localized("zh") != str(err.value)  # both languages


def test_names_in_any_script(path):
    users.add(path, "张三", "viewer", "long enough")
    users.add(path, "li.si@corp.example", "admin")
    assert set(users.load(path)) == {"张三", "li.si@corp.example"}


def test_unreadable_file_named(path):
    path.write_text("{not json")
    with pytest.raises(users.UserError) as err:
        users.load(path)
    assert str(path) in str(err.value)
    path.write_text(json.dumps({"format": "servicecircle-users", "version": 1,
                                "users": [{"name": "x", "role": "god", "password": None,
                                           "created_at": "", "changed_at": ""}]}))
    with pytest.raises(users.UserError, match="entry 1"):
        users.load(path)


def test_failed_write_leaves_old_file(path, monkeypatch):
    users.add(path, "alice", "viewer", "long enough")
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(users.json, "dump", boom)
    with pytest.raises(OSError):
        users.add(path, "bob", "viewer", "long enough")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        [path.name, path.name + ".lock"])  # no temporary file left behind


def test_concurrent_changes_all_kept(path, monkeypatch):
    """Eight users added at once: the lock serialises read-modify-write, none is lost."""
    real_load = users.load

    def slow_load(p):
        found = real_load(p)
        time.sleep(0.05)  # widen the read-modify-write window
        return found

    monkeypatch.setattr(users, "load", slow_load)
    threads = [threading.Thread(target=users.add, args=(path, f"u{i}", "viewer", "long enough"))
               for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert set(real_load(path)) == {f"u{i}" for i in range(8)}
