"""Strings of the robustness checks (pre-trend test, HonestDiD sensitivity, placebo)."""

STRINGS = {
    "rob.title": {"zh": "稳健性检验", "en": "Robustness"},
    "rob.spinner": {"zh": "正在计算稳健性检验……", "en": "Computing the robustness checks…"},
    "rob.run": {"zh": "计算稳健性检验", "en": "Compute the robustness checks"},
    "rob.intro": {
        "zh": "三项检验：开放前是否已有不同趋势（预趋势检验）；平行趋势不完全成立时结论还站不站得住（Rambachan–Roth 敏感性分析）；把开放日期提前后是否会“测出”并不存在的效果（时间安慰剂）。",
        "en": "Three checks: were the trends already different before opening (pre-trend test); does the conclusion hold if parallel trends hold only approximately (Rambachan–Roth sensitivity); does moving the openings earlier 'find' an effect that cannot exist (placebo in time).",
    },
    "rob.pretrend.ok": {
        "zh": "预趋势检验：开放前各月的估计联合起来与零没有显著差异（p = {p}，{df} 个月），没有发现开放前已存在的不同趋势。",
        "en": "Pre-trend test: the months before opening are jointly not distinguishable from zero (p = {p}, {df} months); no sign of different trends before the rooms opened.",
    },
    "rob.pretrend.reject": {
        "zh": "预趋势检验：开放前各月的估计联合起来显著不为零（p = {p}，{df} 个月），所服务社区在开放前就已走出不同趋势，效果估计需谨慎看待，请参考下方敏感性分析。",
        "en": "Pre-trend test: the months before opening are jointly different from zero (p = {p}, {df} months); the served communities were already on a different trend, so read the effect with care and see the sensitivity analysis below.",
    },
    "rob.breakdown.lead": {
        "zh": "敏感性分析（开放后前 {months} 个月的平均效果）：",
        "en": "Sensitivity (average effect over the first {months} months after opening):",
    },
    "rob.breakdown.rm": {
        "zh": "只要开放后偏离平行趋势的月度变化不超过开放前最大变化的 {mbar} 倍，效果仍显著；再大就不能确认。",
        "en": "the effect stays significant as long as the month-to-month departure from parallel trends after opening is at most {mbar} times the largest one before opening; beyond that it cannot be confirmed.",
    },
    "rob.breakdown.rm_all": {
        "zh": "即使开放后偏离平行趋势的月度变化达到开放前最大变化的 {mbar} 倍，效果仍显著。",
        "en": "the effect stays significant even if the month-to-month departure from parallel trends after opening is {mbar} times the largest one before opening.",
    },
    "rob.breakdown.rm_none": {
        "zh": "只要允许开放后偏离平行趋势达到开放前最大变化的一半，效果就不能再确认。",
        "en": "once departures after opening of half the largest one before opening are allowed, the effect can no longer be confirmed.",
    },
    "rob.breakdown.sd": {
        "zh": "若趋势的斜率每月变化不超过 {m}，效果仍显著。",
        "en": "It stays significant if the slope of the trend changes by at most {m} per month.",
    },
    "rob.breakdown.not_significant": {
        "zh": "即使平行趋势完全成立，这一平均效果也与零没有显著差异，放宽假设只会让区间更宽。",
        "en": "even under exact parallel trends this average effect is not distinguishable from zero; relaxing the assumption only widens the interval.",
    },
    "rob.breakdown.sd_zero": {
        "zh": "只有假定趋势严格按开放前的直线外推时效果才显著；允许斜率稍有变化就不能确认。",
        "en": "It is significant only if the pre-opening trend continues exactly as a straight line; allowing its slope to change at all, the effect can no longer be confirmed.",
    },
    "rob.breakdown.sd_none": {
        "zh": "即使假定趋势严格线性外推，效果也不显著。",
        "en": "Even with an exactly linear extrapolation of the trend, the effect is not significant.",
    },
    "rob.placebo.ok": {
        "zh": "时间安慰剂：把开放日期提前 {shift} 个月、只用真实开放前的数据，“效果”为 {att}（95%置信区间 {lo} 至 {hi}），与零无显著差异，符合预期。",
        "en": "Placebo in time: with openings moved {shift} months earlier, on data from before the real openings only, the 'effect' is {att} (95% CI {lo} to {hi}), not distinguishable from zero, as it should be.",
    },
    "rob.placebo.reject": {
        "zh": "时间安慰剂：把开放日期提前 {shift} 个月、只用真实开放前的数据，仍“测出”效果 {att}（95%置信区间 {lo} 至 {hi}），说明所服务社区与对照社区本就走势不同，效果估计需谨慎看待。",
        "en": "Placebo in time: with openings moved {shift} months earlier, on data from before the real openings only, an 'effect' of {att} appears (95% CI {lo} to {hi}): served and comparison communities were already diverging, so read the effect with care.",
    },
    "rob.dropped": {
        "zh": "另有 {n} 个社区因部分月份无数据未纳入稳健性检验。",
        "en": "{n} communities with months without data are left out of the robustness checks.",
    },
    "rob.reason.no_data": {"zh": "没有可用于稳健性检验的数据。", "en": "There is no data for the robustness checks."},
    "rob.reason.no_groups": {
        "zh": "没有同时具备已服务社区和对照社区的完整数据，无法做稳健性检验。",
        "en": "Complete data for both served and comparison communities is missing, so no robustness check is possible.",
    },
    "rob.reason.pretrend": {
        "zh": "开放前的月份太少或数据不足，无法做预趋势检验。",
        "en": "Too few months before opening (or too little data) for a pre-trend test.",
    },
    "rob.reason.honest": {
        "zh": "开放前至少需要两个可比月份，才能做敏感性分析。",
        "en": "The sensitivity analysis needs at least two comparable months before opening.",
    },
    "rob.reason.placebo": {
        "zh": "没有社区在开放前有足够的月份（需要把开放提前 {shift} 个月后仍有开放前数据），无法做时间安慰剂。",
        "en": "No community has enough months before its opening (openings moved {shift} months earlier must still have earlier months), so no placebo in time is possible.",
    },
    "rob.fig.title": {"zh": "平行趋势放宽后的置信区间", "en": "Confidence intervals when parallel trends are relaxed"},
    "rob.fig.original": {"zh": "原始区间（平行趋势成立）", "en": "Original (parallel trends)"},
    "rob.fig.rm": {"zh": "相对幅度 M̄", "en": "Relative magnitudes M̄"},
    "rob.fig.sd": {"zh": "平滑度 M", "en": "Smoothness M"},
    "rob.fig.y": {"zh": "开放后平均效果", "en": "Average effect after opening"},
    "rob.fig.x": {"zh": "限制强度", "en": "Restriction"},
}
