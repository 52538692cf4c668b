"""Personal data: keyed hashing of customer numbers and staff ids.

户号 (customer number) and 工号 (staff id) are needed for joins (repeat visits, one
manager's rooms) but never stored in clear. They are replaced by HMAC-SHA256 under a
secret generated once per installation and kept outside the warehouse and outside git
(:func:`dashboard.settings.key_file`). Names, phones, ID numbers and street addresses
are dropped by the importer and never reach this module.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import settings

PREFIX = "h1:"
"""Marks a stored value as a keyed hash (version 1), never a clear value."""


@lru_cache(maxsize=4)
def _key(path: str) -> bytes:
    p = Path(path)
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return bytes.fromhex(p.read_text().strip())


def key() -> bytes:
    """The installation's secret (created on first use, mode 0600)."""
    return _key(str(settings.key_file()))


def hash_value(value: str | None) -> str | None:
    """Keyed hash of one value; ``None`` and blanks stay ``None``."""
    if value is None:
        return None
    s = str(value).strip()
    if not s:
        return None
    return PREFIX + hmac.new(key(), s.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def hash_series(values: pd.Series) -> pd.Series:
    """Vectorised-enough keyed hash of a column (unique values hashed once)."""
    s = values.astype("string").str.strip()
    uniq = s.dropna().unique()
    k = key()
    mapping = {
        u: PREFIX + hmac.new(k, u.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        for u in uniq
        if u
    }
    out = s.map(mapping)
    return out.where(out.notna(), None).astype(object).replace({np.nan: None})
