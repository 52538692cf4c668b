"""Strings of the planner's settings the seed asks for: a walk by community kind, coverage
weighted by opening days, several named what-if sites."""

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
}
