"""Strings of the effect pages: metrics (``met.``) and causal estimates (``eff.``)."""

STRINGS: dict[str, dict[str, str]] = {
    # ---- eff.: causal estimates (dashboard/analysis/effects.py, ui/effect_panel.py)
    "eff.method.callaway_santanna_dr_not_yet_treated": {
        "zh": "交错双重差分（Callaway–Sant'Anna，双重稳健，以尚未设服务室的社区为对照）",
        "en": "Staggered difference-in-differences (Callaway–Sant'Anna, doubly robust, not-yet-served communities as controls)",
    },
    "eff.what.hotline_per_1k_households": {"zh": "95598工单每千户每月", "en": "95598 hotline orders"},
    "eff.what.counter_visits_per_1k_households": {"zh": "到营业厅办理业务每千户每月", "en": "business-hall visits"},
    "eff.what.hall_wait_mean_min": {"zh": "居民在营业厅的平均等候时长", "en": "residents' mean wait at the business hall"},
    "eff.what.restoration_hours": {"zh": "故障平均恢复送电时长", "en": "mean fault restoration time"},
    "eff.unit.hotline_per_1k_households": {"zh": "件", "en": " per 1,000 households a month"},
    "eff.unit.counter_visits_per_1k_households": {"zh": "人次", "en": " per 1,000 households a month"},
    "eff.unit.hall_wait_mean_min": {"zh": "分钟", "en": " min"},
    "eff.unit.restoration_hours": {"zh": "小时", "en": " h"},
    "eff.sentence.down": {
        "zh": "服务室开放后，所服务社区的{what}减少{abs}{unit}（95%置信区间{lo}–{hi}，约{rel}）。",
        "en": "After the rooms opened, {what} in the communities they serve fell by {abs}{unit} (95% CI {lo}–{hi}, about {rel}).",
    },
    "eff.sentence.up": {
        "zh": "服务室开放后，所服务社区的{what}增加{abs}{unit}（95%置信区间{lo}–{hi}，约{rel}）。",
        "en": "After the rooms opened, {what} in the communities they serve rose by {abs}{unit} (95% CI {lo}–{hi}, about {rel}).",
    },
    "eff.sentence.unclear": {
        "zh": "服务室开放后，所服务社区的{what}变化{att}{unit}（95%置信区间{lo}至{hi}，约{rel}），与零没有显著差异，尚不能确认有效果。",
        "en": "After the rooms opened, {what} in the communities they serve changed by {att}{unit} (95% CI {lo} to {hi}, about {rel}); this is not distinguishable from zero, so no effect can be confirmed yet.",
    },
    "eff.naive_note": {
        "zh": "简单前后对比为{naive}{unit}，双重差分估计为{att}{unit}：前后对比把季节、全市趋势等同期变化也算成了服务室的作用，双重差分用同期尚未设服务室的社区作对照，扣除了这些变化。",
        "en": "A plain before/after comparison gives {naive}{unit} against {att}{unit} from difference-in-differences: before/after also counts seasons and city-wide trends as the rooms' doing, while difference-in-differences removes them by comparing with communities not yet served in the same months.",
    },
    "eff.reason.no_data": {
        "zh": "所选范围内没有“{what}”的数据，无法估计效果。",
        "en": "There is no data on {what} in the selected range, so no effect can be estimated.",
    },
    "eff.reason.too_few_months": {
        "zh": "所选范围只有{n}个月的数据（至少需要{min}个月），无法可靠估计效果。",
        "en": "The selected range has only {n} months of data (at least {min} are needed), too few to estimate an effect.",
    },
    "eff.reason.too_few_treated": {
        "zh": "所选范围内在数据期内新设服务室、且有开放前数据的社区只有{n}个（至少需要{min}个），无法可靠估计效果。",
        "en": "Only {n} communities got a room within the selected range with months of data before it opened (at least {min} are needed), too few to estimate an effect.",
    },
    "eff.reason.too_few_control": {
        "zh": "可作对照的尚未设服务室社区只有{n}个（至少需要{min}个），无法把服务室的作用与同期变化区分开。",
        "en": "Only {n} communities without a room yet can serve as a comparison (at least {min} are needed), so the rooms' effect cannot be told apart from what changed anyway.",
    },
    "eff.reason.no_estimate": {
        "zh": "各批服务室开放后都没有同期尚未设服务室的社区可作对照，无法估计效果。",
        "en": "No wave of rooms has communities without a room in the same months to compare with, so no effect can be estimated.",
    },
    "eff.cannot": {"zh": "无法估计效果：{reason}", "en": "Cannot estimate the effect: {reason}"},
    # panel labels
    "eff.title": {"zh": "效果估计（95%置信区间）", "en": "Effect (95% CI)"},
    "eff.metric.att": {"zh": "服务室效果（每社区每月）", "en": "Effect of the rooms (per community-month)"},
    "eff.metric.ci": {"zh": "95%置信区间 {lo} 至 {hi}", "en": "95% CI {lo} to {hi}"},
    "eff.metric.relative": {"zh": "相对效果", "en": "Relative effect"},
    "eff.metric.relative_help": {
        "zh": "效果 ÷ 若未设服务室的预期水平（反事实均值 {cf}）",
        "en": "Effect ÷ the level expected without rooms (counterfactual mean {cf})",
    },
    "eff.metric.naive": {"zh": "简单前后对比", "en": "Plain before/after"},
    "eff.metric.n": {"zh": "已设服务室社区 / 对照社区", "en": "Served / comparison communities"},
    "eff.method_caption": {"zh": "方法：{method}", "en": "Method: {method}"},
    # figures
    "eff.fig.event.title": {"zh": "按开放后月数的效果（事件研究）", "en": "Effect by months since opening (event study)"},
    "eff.fig.event.x": {"zh": "距服务室开放的月数", "en": "Months since the room opened"},
    "eff.fig.event.y": {"zh": "效果", "en": "Effect"},
    "eff.fig.event.att": {"zh": "效果估计", "en": "Estimated effect"},
    "eff.fig.event.ci": {"zh": "95%置信区间", "en": "95% CI"},
    "eff.fig.event.pre": {"zh": "开放前（平行趋势检验，应接近0）", "en": "Before opening (parallel-trends check, should be near 0)"},
    "eff.fig.event.post": {"zh": "开放后", "en": "After opening"},
    "eff.fig.event.hover": {
        "zh": "第{e}个月<br>效果 {att}<br>95%置信区间 {lo} 至 {hi}",
        "en": "Month {e}<br>Effect {att}<br>95% CI {lo} to {hi}",
    },
    "eff.fig.cf.title": {"zh": "已设服务室社区：实际与若未设服务室的预期", "en": "Served communities: observed vs without rooms"},
    "eff.fig.cf.x": {"zh": "月份", "en": "Month"},
    "eff.fig.cf.observed": {"zh": "实际水平", "en": "Observed"},
    "eff.fig.cf.counterfactual": {"zh": "若未设服务室的预期水平（反事实）", "en": "What would have happened without rooms (counterfactual)"},
    "eff.fig.cmp.title": {"zh": "简单前后对比与双重差分估计", "en": "Plain before/after vs difference-in-differences"},
    "eff.fig.cmp.naive": {"zh": "简单前后对比", "en": "Plain before/after"},
    "eff.fig.cmp.did": {"zh": "双重差分（95%置信区间）", "en": "Difference-in-differences (95% CI)"},
    "eff.fig.cmp.y": {"zh": "效果", "en": "Effect"},
    # CLI
    "eff.cli.outcome_help": {"zh": "结果指标", "en": "Outcome"},
}
