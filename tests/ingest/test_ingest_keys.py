"""Keys of the fact tables stay unique without a PRIMARY KEY index.

``counter_tickets``, ``hotline_orders`` and ``room_visits`` carry no PRIMARY KEY index
(see ``queries/schema/001_canonical.sql``): the importer keeps each key unique by
construction. These tests run sequences of imports that exercise every path (new keys,
identical re-imports, corrected re-exports, the same key several times in one file and
across the files of one call, rejected rows) and compare the stored table with an
independent pandas computation: the last valid version of each key, in file order.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest
from .ingest_helpers import rows, write_text

from dashboard.ingest import import_files

_OUTCOME_WORD = {"served": "正常", "no_show": "过号", "cancelled": "退办"}


def _ticket_file(rng: random.Random, keys: list[str], n: int) -> list[dict]:
    out = []
    for _ in range(n):
        k = rng.choice(keys)
        outcome = rng.choice(list(_OUTCOME_WORD))
        hall = rng.choice(["H01", "H02", "H99"])  # H99 is unknown: rejected
        minute = rng.randrange(0, 3)
        out.append({"ticket_id": k, "hall_id": hall, "outcome": outcome,
                    "issued_at": pd.Timestamp(2024, 3, 5, 9, minute)})
    return out


def _csv(recs: list[dict]) -> str:
    lines = ["流水号,营业厅,取号时间,办理结果"]
    lines += [f"{r['ticket_id']},{r['hall_id']},{r['issued_at']:%Y-%m-%d %H:%M},{_OUTCOME_WORD[r['outcome']]}" for r in recs]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ticket_keys_unique_and_last_version_wins(base_db, tmp_path, seed):
    rng = random.Random(seed)
    keys = [f"T{i}" for i in range(12)]
    history: list[dict] = []  # every valid record, in the order the importer saw it
    for call in range(5):
        files = []
        for j in range(rng.choice([1, 2])):
            recs = _ticket_file(rng, keys, rng.randrange(5, 25))
            files.append(write_text(tmp_path / f"c{call}_{j}.csv", _csv(recs)))
            history.extend(r for r in recs if r["hall_id"] != "H99")
        r = import_files("tickets", files, db=base_db).as_dict()
        assert r["read"] == r["stored"] + r["updated"] + r["duplicates"] + r["rejected"]

        # independent expectation: the last valid version of each key
        exp = pd.DataFrame(history).groupby("ticket_id", sort=True).last().reset_index()
        got = pd.DataFrame(
            rows(base_db, "select ticket_id, hall_id, outcome, issued_at from counter_tickets order by ticket_id"),
            columns=["ticket_id", "hall_id", "outcome", "issued_at"],
        )
        assert got["ticket_id"].is_unique
        pd.testing.assert_frame_equal(
            got, exp[["ticket_id", "hall_id", "outcome", "issued_at"]], check_dtype=False
        )


def test_hotline_and_visit_keys_unique_after_corrections(base_db, tmp_path):
    rooms = "服务室编号,服务室名称,所在社区,经度,纬度,启用日期\nR1,梅园服务室,C001,118.781,32.041,2024-01-01\n"
    import_files("rooms", [write_text(tmp_path / "r.csv", rooms)], db=base_db)
    hot = "工单编号,受理时间,工单类型\nW1,2024-03-05 10:00,咨询\nW2,2024-03-05 11:00,投诉\n"
    hot_fix = "工单编号,受理时间,工单类型\nW1,2024-03-05 10:00,故障报修\nW1,2024-03-05 10:00,表扬\nW3,2024-03-06 08:00,咨询\n"
    vis = "台账编号,服务室编号,办理时间,客户类别\nV1,R1,2024-03-05 10:00,普通\nV2,R1,2024-03-05 11:00,老年人\n"
    vis_fix = "台账编号,服务室编号,办理时间,客户类别\nV2,R1,2024-03-05 11:00,残疾人\nV2,R1,2024-03-05 11:00,残疾人\nV3,R1,2024-03-06 09:00,普通\n"
    for table, first, fixed in (("hotline", hot, hot_fix), ("visits", vis, vis_fix)):
        import_files(table, [write_text(tmp_path / f"{table}1.csv", first)], db=base_db)
        # the correction twice: once alone, once beside the original in one call
        import_files(table, [write_text(tmp_path / f"{table}2.csv", fixed)], db=base_db)
        import_files(table, [tmp_path / f"{table}1.csv", tmp_path / f"{table}2.csv"], db=base_db)
    assert rows(base_db, "select order_id, category from hotline_orders order by 1") == [
        ("W1", "praise"), ("W2", "complaint"), ("W3", "consultation"),
    ]
    assert rows(base_db, "select visit_id, customer_group from room_visits order by 1") == [
        ("V1", "general"), ("V2", "disabled"), ("V3", "general"),
    ]
