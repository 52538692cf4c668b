"""Open-day schedule: the three rules, checked independently; the notice board text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.coverage import schedule as S


def _rooms(n: int, seed: int = 0, spread_m: float = 1500.0):
    rng = np.random.default_rng(seed)
    lon = 104.06 + rng.uniform(0, spread_m, n) / 96_000
    lat = 30.66 + rng.uniform(0, spread_m, n) / 111_000
    return pd.DataFrame({"room_id": [f"R{i:02d}" for i in range(n)], "name": [f"第{i}服务室" for i in range(n)],
                         "lon": lon, "lat": lat, "community_id": [f"C{i:02d}" for i in range(n)]})


@pytest.mark.parametrize("seed", range(5))
def test_rules_hold(seed):
    rooms = _rooms(24, seed)
    rng = np.random.default_rng(seed)
    hh = pd.Series(rng.integers(100, 5000, 24), index=rooms["room_id"])
    # 6 managers, 4 rooms each dealt by size (a feasible instance: at most 2 big rooms each),
    # plus one room shared by two managers
    ranked = list(hh.sort_values(ascending=False).index)
    managers = pd.DataFrame({"staff_hash": [f"m{i % 6}" for i in range(24)], "room_id": ranked})
    extra = "m5" if ranked.index("R00") % 6 != 5 else "m4"
    managers = pd.concat([managers, pd.DataFrame({"staff_hash": [extra], "room_id": ["R00"]})], ignore_index=True)
    sched = S.propose_schedule(rooms, managers, hh, neighbour_m=600, weekend_share=0.25)
    days = dict(zip(sched["room_id"], sched["days"], strict=True))
    # rule 1, independently: a manager's rooms never share a day
    for _, g in managers.groupby("staff_hash"):
        used = [d for r in g["room_id"] for d in days[r]]
        assert len(used) == len(set(used))
    # rule 2: the 6 biggest rooms (25 %) open on a weekend day
    for rid in hh.sort_values(ascending=False).index[:6]:
        assert set(days[rid]) & {"sat", "sun"}, rid
    # rule 3: no room has all its neighbours on exactly its days
    near = S.neighbours(rooms, 600)
    assert sum(len(v) for v in near.values()) > 0
    for rid, ns in near.items():
        if ns:
            assert not all(days[n] == days[rid] for n in ns)
    assert all(len(d) == 1 for d in days.values())
    assert S.check_schedule(sched, managers, near, weekend_share=0.25) == []


def test_checker_catches_broken_schedules():
    rooms = _rooms(3, spread_m=100)
    managers = pd.DataFrame({"staff_hash": ["m", "m", "m"], "room_id": rooms["room_id"]})
    bad = pd.DataFrame({"room_id": rooms["room_id"], "name": rooms["name"], "households": [3000, 200, 100],
                        "days": [["tue"], ["tue"], ["tue"]], "hours": S.DEFAULT_HOURS, "n_managers": 1})
    near = S.neighbours(rooms, 500)
    problems = S.check_schedule(bad, managers, near, weekend_share=0.34)
    assert any("share ['tue']" in p for p in problems)
    assert any("no weekend day" in p for p in problems)
    assert any("neighbours" in p for p in problems)


def test_manager_with_too_many_rooms_is_reported():
    rooms = _rooms(9, spread_m=5000)
    managers = pd.DataFrame({"staff_hash": ["m"] * 9, "room_id": rooms["room_id"]})
    sched = S.propose_schedule(rooms, managers, pd.Series(1000, index=rooms["room_id"]), neighbour_m=10)
    assert sum(1 for d in sched["days"] if not d) == 2
    assert sum("no open day" in p for p in S.check_schedule(sched, managers, S.neighbours(rooms, 10))) == 2


def test_inferred_managers_group_by_nearest_hall():
    rooms = _rooms(12, spread_m=3000)
    halls = pd.DataFrame({"hall_id": ["H1", "H2"], "lon": [104.06, 104.09], "lat": [30.66, 30.687]})
    m = S.infer_managers(rooms, halls)
    assert set(m["room_id"]) == set(rooms["room_id"])
    assert m.groupby("staff_hash").size().max() <= 5
    assert all(h.startswith("inferred:H") for h in m["staff_hash"])


def test_notice_board_in_chinese_and_timetable():
    rooms = _rooms(2)
    comm = pd.DataFrame({"community_id": ["C00", "C01"], "name": ["玉林社区", "芳草社区"], "district": "武侯区",
                         "subdistrict": "玉林街道"})
    sched = pd.DataFrame({"room_id": ["R00", "R01"], "name": ["玉林服务室", "芳草服务室"], "households": [1, 2],
                          "days": [["tue", "sat"], ["wed"]], "hours": ["09:00-16:00", "14:00-17:00"], "n_managers": [2, 1]})
    text = S.notice_text(sched, rooms, comm)
    assert "服务公示牌" in text
    assert "服务室：玉林服务室（R00）" in text
    assert "地址：武侯区玉林街道玉林社区" in text
    assert "开放日：每周 周二、周六" in text
    assert "开放时间：14:00-17:00" in text
    assert "客户经理 2 名" in text and "95598" in text
    assert "周六: 玉林服务室" in text and "周三: 芳草服务室" in text
    en = S.notice_text(sched, rooms, comm, lang="en")
    assert "Open: every Tue, Sat" in en
    tt = S.timetable(sched, "zh")
    assert list(tt.columns) == ["服务室", "周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    assert tt.loc[0, "周二"] == "09:00-16:00" and tt.loc[0, "周一"] == ""


def test_room_households_counts_served_communities():
    rooms = pd.DataFrame({"room_id": ["R1"], "community_id": ["A"], "served_community_ids": [["A", "B"]]})
    comm = pd.DataFrame({"community_id": ["A", "B", "C"], "households": [100, 250, 999]})
    assert S.room_households(rooms, comm).to_dict() == {"R1": 350}
