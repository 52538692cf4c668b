"""Hand-made briefing inputs: small numbers worked out by hand, no warehouse needed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
import shapely

from dashboard import settings
from dashboard.report.inputs import (
    BriefingInputs, CoverageInput, EffectInput, FaultsInput, GroupsStaffInput, HotlineInput,
    OffloadInput, PlanInput, ScorecardInput, WaitingInput,
)
from dashboard.report.mapimage import draw_coverage_map

MONTHS = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])


def _square(lon: float, lat: float, d: float = 0.004) -> bytes:
    return shapely.to_wkb(shapely.box(lon, lat, lon + d, lat + d))


@pytest.fixture
def map_frames():
    communities = pd.DataFrame({
        "community_id": ["c1", "c2", "c3"],
        "lon": [116.402, 116.412, 116.420],
        "lat": [39.902, 39.902, 39.912],
        "covered": [True, False, True],
        "households": [1200, 800, 300],
        "geometry_wkb": [_square(116.400, 39.900), _square(116.410, 39.900), None],
    })
    rooms = pd.DataFrame({"lon": [116.4020], "lat": [39.9020]})
    streets = [shapely.to_wkb(shapely.LineString([(116.399, 39.899), (116.425, 39.915)]))]
    return communities, rooms, streets


@pytest.fixture
def inputs(map_frames) -> BriefingInputs:
    communities, rooms, streets = map_frames
    es = pd.DataFrame({"event_time": [-2, -1, 0, 1, 2], "att": [0.1, 0.0, -1.8, -2.1, -2.3],
                       "ci_low": [-0.4, -0.5, -2.5, -2.8, -3.0], "ci_high": [0.6, 0.5, -1.1, -1.4, -1.6]})
    return BriefingInputs(
        date_from=dt.date(2024, 1, 1),
        date_to=dt.date(2024, 3, 31),
        districts=("东城区",),
        offload=OffloadInput(share=0.25, room=30_000, counter=90_000, monthly=pd.DataFrame(
            {"month": MONTHS, "counter": [32_000, 30_000, 28_000], "room": [8_000, 10_000, 12_000]})),
        waiting=WaitingInput(mean_min=12.34, within_share=0.8125, target_min=15.0, monthly=pd.DataFrame(
            {"month": MONTHS, "wait_mean_min": [14.0, 12.5, 10.5]})),
        hotline=HotlineInput(served_per_1k=7.5, not_served_per_1k=9.25, monthly=pd.DataFrame(
            {"month": MONTHS, "served": [8.0, 7.5, 7.0], "not_served": [9.0, 9.25, 9.5]})),
        faults=FaultsInput(restoration_h=2.5, satisfaction_share=0.95, monthly=pd.DataFrame(
            {"month": MONTHS, "restoration_h": [2.6, 2.5, 2.4]})),
        groups_staff=GroupsStaffInput(by_group={"general": 5000, "elderly": 1200, "disabled": 150,
                                                "military_family": 40}, home_visits=320, former_readers=12),
        coverage=CoverageInput(share=0.625, elderly_share=0.5, households_covered=1500, households_total=2400,
                               by_district=pd.DataFrame({"district": ["东城区", "西城区"], "share": [0.7, 0.5]}),
                               gaps=pd.DataFrame({"name": ["<b>幸福里</b>", "和平里", "安贞", "小关"],
                                                  "district": ["东城区"] * 4,
                                                  "households_uncovered": [800, 50, 300, 10],
                                                  "walk_m": [650.4, None, 420.0, 310.0]})),
        plan=PlanInput(share_before=0.625, share_after=0.79, added=pd.DataFrame(
            {"site_id": ["s7", "s2"], "new_households": [300, 100], "new_elderly": [60, 20]})),
        scorecard=ScorecardInput(month=dt.date(2024, 3, 1), n_rooms=4, breaches=pd.DataFrame({
            "room_id": ["R2", "R1", "R2"], "name": ["东风社区服务室", "西河村服务室", "东风社区服务室"],
            "metric": ["home_visits", "coverage_share", "idle_open_days"], "value": [5.0, 0.41, 4.0],
            "target": [8.0, 0.6, 2.0],
            "since": [dt.date(2024, 1, 1), dt.date(2023, 11, 1), dt.date(2024, 3, 1)]}),
            targets=dataclasses.asdict(settings.ROOM_TARGETS)),
        effects={"hotline": EffectInput(
            outcome="hotline_per_1k_households",
            sentences={"zh": "服务室开放后，所服务社区的95598工单每千户每月减少2.1件（95%置信区间1.5–2.6，约-22%）",
                       "en": "After the rooms opened, hotline orders fell by 2.1 per 1,000 households a month (95% CI 1.5–2.6, about -22%)"},
            att=-2.1, ci_low=-2.6, ci_high=-1.5, relative_effect=-0.22, event_study=es)},
        map_png=draw_coverage_map(communities, rooms, streets, size=(400, 300)),
        generated_on=dt.date(2024, 4, 2),
    )
