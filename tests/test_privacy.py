"""Personal data is hashed with a *keyed* HMAC: expected values come from hmac + hashlib
in the test (not from the function under test), another key gives other hashes, and the
key file is created private (mode 0600) even under a permissive umask."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pandas as pd

from dashboard import privacy

KEY_HEX = "00112233445566778899aabbccddeeff" * 2
OTHER_HEX = "ffeeddccbbaa99887766554433221100" * 2
VALUES = ["1234567890", "0000000001", "工号A-17"]


def _use_key(tmp_path, monkeypatch, hex_key: str, name: str = "hash.key"):
    path = tmp_path / name
    path.write_text(hex_key + "\n")
    monkeypatch.setenv("SERVICECIRCLE_KEY_FILE", str(path))
    privacy._key.cache_clear()
    return path


def _expected(hex_key: str, value: str) -> str:
    mac = hmac.new(bytes.fromhex(hex_key), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return "h1:" + mac[:32]


def test_hash_is_hmac_sha256_under_the_key(tmp_path, monkeypatch):
    _use_key(tmp_path, monkeypatch, KEY_HEX)
    for v in VALUES:
        got = privacy.hash_value(v)
        assert got == _expected(KEY_HEX, v)
        assert got[3:] != hashlib.sha256(v.encode()).hexdigest()[:32]  # not a plain digest
    assert privacy.hash_value("  1234567890 ") == _expected(KEY_HEX, "1234567890")
    assert privacy.hash_value("  ") is None and privacy.hash_value(None) is None
    col = privacy.hash_series(pd.Series([*VALUES, None, "", VALUES[0]]))
    assert list(col) == [*(_expected(KEY_HEX, v) for v in VALUES), None, None, _expected(KEY_HEX, VALUES[0])]


def test_another_key_gives_other_hashes(tmp_path, monkeypatch):
    _use_key(tmp_path, monkeypatch, KEY_HEX, "a.key")
    first = [privacy.hash_value(v) for v in VALUES]
    _use_key(tmp_path, monkeypatch, OTHER_HEX, "b.key")
    second = [privacy.hash_value(v) for v in VALUES]
    assert second == [_expected(OTHER_HEX, v) for v in VALUES]
    assert not set(first) & set(second)


def test_key_file_created_with_mode_0600(tmp_path, monkeypatch):
    path = tmp_path / "config" / "servicecircle" / "hash.key"
    monkeypatch.setenv("SERVICECIRCLE_KEY_FILE", str(path))
    privacy._key.cache_clear()
    old = os.umask(0)  # a permissive umask must not make the secret readable to others
    try:
        k = privacy.key()
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(k) == 32 and bytes.fromhex(path.read_text().strip()) == k
    # the same installation keeps its key: hashes stay joinable across imports
    privacy._key.cache_clear()
    assert privacy.key() == k
    assert privacy.hash_value("1234567890") == _expected(k.hex(), "1234567890")


def test_key_file_default_is_outside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv("SERVICECIRCLE_KEY_FILE")
    monkeypatch.setenv("HOME", str(tmp_path))
    from dashboard import settings

    assert settings.key_file() == tmp_path / ".config" / "servicecircle" / "hash.key"
