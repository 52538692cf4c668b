"""Strings of what a plan will bring (``impact.``): the planner page's section, its
sentence for a superior, the ranking table's columns and the reasons a figure is
missing."""

STRINGS: dict[str, dict[str, str]] = {
    "impact.title": {"zh": "方案效果", "en": "What the plan brings"},
    "impact.intro": {
        "zh": "按已估计的服务室效果（每千户每月少跑的营业厅取号、少打的95598工单）乘以新覆盖户数推算；区间来自效果的95%置信区间，未包含模型误差。",
        "en": "From the estimated effects of the rooms (counter tickets and 95598 orders avoided per 1,000 households a month) times the households newly covered; intervals come from the effects' 95% confidence intervals, not model error.",
    },
    "impact.metric.households": {"zh": "新覆盖户数", "en": "Households newly covered"},
    "impact.metric.elderly": {"zh": "新覆盖老年人", "en": "Elderly residents newly covered"},
    "impact.metric.visits": {"zh": "每月少跑营业厅（次）", "en": "Counter visits avoided a month"},
    "impact.metric.orders": {"zh": "每月少打95598（件）", "en": "Hotline orders avoided a month"},
    "impact.metric.hours": {"zh": "每周可少开窗口小时", "en": "Counter-hours freed a week"},
    "impact.metric.managers": {"zh": "所需客户经理", "en": "Managers needed"},
    "impact.range": {"zh": "范围 {low} 至 {high}", "en": "range {low} to {high}"},
    "impact.na": {"zh": "无法估计", "en": "Not estimable"},
    "impact.by_category": {"zh": "按工单类别", "en": "By order category"},
    "impact.ranking": {"zh": "按每名客户经理的效果排序", "en": "Ranked by impact per manager"},
    "impact.col.site_id": {"zh": "候选点", "en": "Site"},
    "impact.col.name": {"zh": "名称", "en": "Name"},
    "impact.col.category": {"zh": "类别", "en": "Category"},
    "impact.col.new_households": {"zh": "新覆盖户数", "en": "New households"},
    "impact.col.managers": {"zh": "客户经理", "en": "Managers"},
    "impact.col.visits_avoided": {"zh": "每月少跑（次）", "en": "Visits avoided a month"},
    "impact.col.orders_avoided": {"zh": "每月少打（件）", "en": "Orders avoided a month"},
    "impact.col.visits_low": {"zh": "下限", "en": "Low"},
    "impact.col.visits_high": {"zh": "上限", "en": "High"},
    "impact.col.impact_per_manager": {"zh": "每名经理每月少跑（次）", "en": "Visits avoided per manager a month"},
    "impact.col.rank_coverage": {"zh": "覆盖排名", "en": "Rank by coverage"},
    "impact.col.rank_impact_per_manager": {"zh": "人均效果排名", "en": "Rank by impact per manager"},
    "impact.sentence.coverage": {
        "zh": "新设{rooms}个服务室，可新覆盖{households}户（其中老年人{elderly}人），需配客户经理{managers}名。",
        "en": "Opening {rooms} rooms covers {households} more households ({elderly} elderly residents) and needs {managers} customer managers.",
    },
    "impact.sentence.visits": {
        "zh": "预计每月少跑营业厅约{value}次（范围{low}至{high}）。",
        "en": "It should save about {value} counter visits a month (range {low} to {high}).",
    },
    "impact.sentence.orders": {
        "zh": "每月少打95598约{value}件（范围{low}至{high}）。",
        "en": "It should also save about {value} hotline orders a month (range {low} to {high}).",
    },
    "impact.sentence.hours": {
        "zh": "相关营业厅每周可少开约{median}个窗口小时（范围{low}至{high}）。",
        "en": "The halls concerned could open about {median} fewer counter-hours a week (range {low} to {high}).",
    },
    "impact.sentence.unclear": {
        "zh": "少跑营业厅次数的范围包含零，效果尚不确定。",
        "en": "The range of counter visits avoided includes zero: the effect is not yet certain.",
    },
    "impact.reason.counter": {
        "zh": "无法估计少跑营业厅的次数：{why}", "en": "No estimate of the counter visits avoided: {why}",
    },
    "impact.reason.hotline": {
        "zh": "无法估计少打95598的件数：{why}", "en": "No estimate of the hotline orders avoided: {why}",
    },
    "impact.reason.hours": {
        "zh": "无法测算可少开的窗口小时：{why}", "en": "No estimate of the counter-hours freed: {why}",
    },
    "impact.reason.no_estimate": {
        "zh": "没有可用的营业厅取号或办理时长数据。", "en": "no counter tickets or counter times to model.",
    },
}
