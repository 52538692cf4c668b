"""Strings of the planner's settings the seed asks for: a walk by community kind, coverage
weighted by opening days, the mean-walk objective and a cap per manager, several named
what-if sites."""

STRINGS = {
    "cov.village_minutes": {"zh": "村（农村社区）步行时间（分钟）", "en": "Walk for villages (minutes)"},
    "cov.village_help": {
        "zh": "GB 50180 的五分钟生活圈针对城市社区；村庄居住分散，可设更长的步行时间，例如 10 或 15 分钟。",
        "en": "GB 50180's five-minute circle is meant for urban communities; village homes lie farther apart, so villages may get a longer walk, e.g. 10 or 15 minutes.",
    },
    "cov.kpi.days_weighted": {"zh": "按开放日加权覆盖率", "en": "Coverage weighted by open days"},
    "cov.kpi.days_weighted_help": {
        "zh": "每户按步行范围内服务室每周开放的天数计：开放 5 天及以上计 1 户，开放 2 天计 0.4 户；开放日未知的服务室按每个工作日都开放计。",
        "en": "Each household counts by the days a week a room within its walk is open: 5 days or more count 1, 2 days 0.4; rooms whose open days are not known count as open every weekday.",
    },
    "cov.cli.days_weighted": {
        "zh": "按开放日加权：{share}（{rural}）",
        "en": "Weighted by open days: {share} ({rural})",
    },
    "cov.cli.village_walk": {"zh": "村步行 {minutes} 分钟", "en": "villages walk {minutes} min"},
    "cov.cli.same_walk": {"zh": "城乡同一步行时间", "en": "one walk for all"},
    "cov.whatif.site_name": {"zh": "新增地点名称", "en": "Name of the new site"},
    "cov.whatif.sites_help": {
        "zh": "可添加多个新增地点：每行填写名称和经纬度（WGS-84），一起试算。",
        "en": "Add several new sites at once: one row each with a name and its longitude / latitude (WGS-84).",
    },
    "cov.whatif.bad_sites": {
        "zh": "第 {rows} 行的经纬度无效或不在中国境内，未计入试算。",
        "en": "Row(s) {rows}: the coordinates are not numbers or lie outside China; left out of the what-if.",
    },
    "cov.plan.objective": {"zh": "规划目标", "en": "Plan for"},
    "cov.plan.objective.coverage": {"zh": "覆盖户数最多", "en": "Most households within the walk"},
    "cov.plan.objective.mean_walk": {"zh": "平均步行距离最短", "en": "Shortest mean walk"},
    "cov.plan.objective_help": {
        "zh": "覆盖户数最多：新服务室让最多的未覆盖户进入步行范围。平均步行距离最短（p-中位问题）：所有户到最近服务室的平均步行距离最短，也照顾步行范围外的户。两者都与精确最优解比较。",
        "en": "Most households: the new rooms bring the most uncovered households within the walk. Shortest mean walk (p-median): the lowest mean walk of all households to their nearest room, which also counts households beyond the walk. Both are checked against the exact optimum.",
    },
    "cov.plan.per_manager": {"zh": "每名客户经理服务户数上限（0 = 不限）", "en": "Households per manager at most (0 = no cap)"},
    "cov.plan.per_manager_help": {
        "zh": "每个新服务室按 1 名客户经理计，最多服务这么多户；超出的户不计为已覆盖。",
        "en": "Each new room has one customer manager and serves at most this many households; the rest are not counted as covered.",
    },
    "cov.plan.mean_walk": {
        "zh": "平均步行距离：规划前 {before} 米，规划后 {after} 米（超过 {far} 米的按 {far} 米计）。",
        "en": "Mean walk: {before} m before, {after} m after (walks beyond {far} m count as {far} m).",
    },
}
