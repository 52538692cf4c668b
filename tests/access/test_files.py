"""The access files sit beside the warehouse they belong to: the users file and the audit
trail (``settings.users_path``, ``settings.audit_path``)."""

from __future__ import annotations

import pytest

from dashboard import settings


@pytest.mark.parametrize(("where", "suffix"), [(settings.users_path, ".users.json"),
                                               (settings.audit_path, ".audit.jsonl")],
                         ids=["users", "audit"])
def test_beside_the_warehouse(db, where, suffix):
    assert where(db) == db.parent / f"warehouse.duckdb{suffix}"
