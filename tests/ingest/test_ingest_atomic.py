"""All or nothing: ``kill -9`` mid-import leaves the warehouse as it was; readers never see
a partial import while another process writes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import warehouse
from dashboard.ingest import import_files
from tests.kill import kill_when

from .ingest_helpers import rows, write_text

pytestmark = pytest.mark.slow

CHILD = "import sys; from dashboard.ingest import import_files; import_files('tickets', [sys.argv[1]], db=sys.argv[2])"


def _big_tickets(path: Path, n: int) -> Path:
    lines = ["流水号,营业厅,排队号,业务类型,取号时间,叫号时间,户号"]
    lines += [f"B{i},H0{1 + i % 2},A{i % 999},交费,2024-03-05 09:{i % 60:02d},2024/3/5 10:{i % 60:02d},{3200000000 + i % 50000}" for i in range(n)]
    return write_text(path, "\n".join(lines) + "\n")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start(csv: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(csv), str(db)], env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_kill_9_mid_import_leaves_warehouse_unchanged(base_db, tickets_csv, tmp_path):
    import_files("tickets", [tickets_csv], db=base_db)
    before_bytes = _sha(base_db)
    before_rows = rows(base_db, "select * from counter_tickets order by ticket_id")
    csv = _big_tickets(tmp_path / "big.csv", 300_000)
    proc = _start(csv, base_db)
    # once the writer's private copy exists, half a second into the import
    kill_when(proc, lambda: bool(list(base_db.parent.glob(base_db.name + ".tmp-*"))), then_s=0.5, timeout_s=60)
    assert _sha(base_db) == before_bytes
    assert rows(base_db, "select * from counter_tickets order by ticket_id") == before_rows
    # the next writer clears the dead one's temporary and imports normally
    r = import_files("tickets", [tickets_csv], db=base_db).as_dict()
    assert r["duplicates"] == 3
    assert not list(base_db.parent.glob(base_db.name + ".tmp-*"))


def test_reader_sees_old_or_new_never_partial(base_db, tickets_csv, tmp_path):
    import_files("tickets", [tickets_csv], db=base_db)
    n = 80_000
    csv = _big_tickets(tmp_path / "big.csv", n)
    proc = _start(csv, base_db)
    seen_during: list[int] = []
    while proc.poll() is None:
        con = warehouse.connect_read(base_db)
        try:
            count = con.execute("select count(*) from counter_tickets").fetchone()[0]
            led = con.execute("select count(*) from imports where table_name = 'counter_tickets'").fetchone()[0]
        finally:
            con.close()
        seen_during.append(count)
        assert (count, led) in {(3, 1), (3 + n, 2)}, (count, led)
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert len(seen_during) >= 3 and seen_during[0] == 3
    assert rows(base_db, "select count(*) from counter_tickets") == [(3 + n,)]
