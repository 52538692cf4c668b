"""Strings of counter staffing (``staffing.``): the Staffing section of the Waiting page,
its heatmap, the freed counter-hours sentence and the refusals."""

STRINGS: dict[str, dict[str, str]] = {
    "staffing.page.title": {"zh": "窗口配置测算", "en": "Counter staffing"},
    "staffing.page.intro": {
        "zh": "按营业厅×星期×小时测算：要把平均等候控制在目标以内需要开几个窗口，有服务室（实际取号量）和没有服务室（加回服务室分流走的取号量）各需几个。统计期为最近{months}个整月（{start}至{end}）。",
        "en": "Per hall × weekday × hour: how many counters keep the mean wait within the target, with the rooms (the tickets observed) and without them (plus the tickets the rooms take away). Period: the last {months} whole months ({start} to {end}).",
    },
    "staffing.page.target": {"zh": "等候目标（分钟）", "en": "Waiting target (minutes)"},
    "staffing.page.hall": {"zh": "营业厅", "en": "Hall"},
    "staffing.page.all_halls": {"zh": "全部营业厅（合计）", "en": "All halls (total)"},
    "staffing.page.halls_table": {"zh": "各营业厅每周窗口时数", "en": "Counter-hours a week per hall"},
    "staffing.page.method_note": {
        "zh": "排队模型：M/G/c（Erlang C，按办理时长的离散程度修正）；取号后未办理（退办、过号）超过{share}的营业厅用 Erlang A（考虑客户等不及离开）。",
        "en": "Queue model: M/G/c (Erlang C corrected for the spread of counter times); halls where more than {share} of tickets are never served (walked away or no-show) use Erlang A (customers who give up waiting).",
    },
    "staffing.page.effect_note": {
        "zh": "“没有服务室”的取号量来自社区层面的取号量效果（每千户每月{att}张，95%区间{lo}至{hi}）乘以各营业厅覆盖的已设服务室社区户数；范围来自该效果的不确定性，未包含模型误差。",
        "en": "The tickets without the rooms come from the community-level counter-visit effect ({att} tickets per 1,000 households a month, 95% interval {lo} to {hi}) times the households of served communities in each hall's catchment; the range reflects that effect's uncertainty, not model error.",
    },
    # the sentence a director can repeat
    "staffing.sentence.freed": {
        "zh": "在平均等候不超过{target}分钟的前提下，服务室分流后各营业厅每周可少开约{median}个窗口小时（范围{low}至{high}）。",
        "en": "Keeping the mean wait within {target} minutes, the rooms let the halls open about {median} fewer counter-hours a week (range {low} to {high}).",
    },
    "staffing.sentence.unclear": {
        "zh": "在平均等候不超过{target}分钟的前提下，服务室分流可节省的窗口时数尚不确定：每周约{median}个窗口小时，范围{low}至{high}，包含零。",
        "en": "Keeping the mean wait within {target} minutes, the counter-hours the rooms free are not yet certain: about {median} a week, range {low} to {high}, which includes zero.",
    },
    "staffing.sentence.needed": {
        "zh": "按目前的取号量，每周共需{after}个窗口小时（实际开了约{observed}个）。",
        "en": "At today's tickets the halls need {after} counter-hours a week (about {observed} were open).",
    },
    # refusals
    "staffing.reason.no_data": {
        "zh": "所选营业厅和时间范围内没有取号数据，无法测算窗口配置。导入叫号系统的取号数据或放宽筛选条件会有帮助。",
        "en": "There are no queue tickets for the selected halls and dates, so staffing cannot be worked out. Importing queue tickets or widening the filters would help.",
    },
    "staffing.reason.no_handling": {
        "zh": "取号数据中没有叫号和办结时间，算不出每位客户占用窗口的时长，无法测算窗口配置。导入含叫号时间、办结时间的取号数据会有帮助。",
        "en": "The queue tickets carry no call and finish times, so the time each customer takes at a counter is unknown and staffing cannot be worked out. Importing tickets with call and finish times would help.",
    },
    "staffing.reason.no_arrival_effect": {
        "zh": "服务室对取号量的效果无法估计，只能给出按目前取号量所需的窗口数，不能说明服务室节省了多少。",
        "en": "The rooms' effect on counter visits could not be estimated, so only the counters needed at today's tickets are shown, not what the rooms save.",
    },
    # figure
    "staffing.fig.title": {"zh": "所需窗口数（营业厅×星期×小时）", "en": "Counters needed (hall × weekday × hour)"},
    "staffing.fig.before": {"zh": "没有服务室", "en": "Without the rooms"},
    "staffing.fig.after": {"zh": "有服务室（实际）", "en": "With the rooms (observed)"},
    "staffing.fig.hour": {"zh": "小时", "en": "Hour"},
    "staffing.fig.counters": {"zh": "窗口数", "en": "Counters"},
    "staffing.fig.hover": {
        "zh": "{day} {hour}<br>需开窗口：{n}",
        "en": "{day} {hour}<br>counters needed: {n}",
    },
    # columns
    "staffing.col.hall": {"zh": "营业厅", "en": "Hall"},
    "staffing.col.model": {"zh": "模型", "en": "Model"},
    "staffing.col.abandon_share": {"zh": "未办理占比", "en": "Never served"},
    "staffing.col.patience_min": {"zh": "平均耐心（分钟）", "en": "Mean patience (min)"},
    "staffing.col.counter_hours_observed": {"zh": "实际开窗时数/周", "en": "Counter-hours open / week"},
    "staffing.col.counter_hours_needed_after": {"zh": "有服务室所需/周", "en": "Needed with rooms / week"},
    "staffing.col.counter_hours_needed_before": {"zh": "无服务室所需/周", "en": "Needed without rooms / week"},
    "staffing.col.freed_median": {"zh": "可节省/周", "en": "Freed / week"},
    "staffing.col.freed_low": {"zh": "可节省下限", "en": "Freed, low"},
    "staffing.col.freed_high": {"zh": "可节省上限", "en": "Freed, high"},
    "staffing.model.mgc": {"zh": "M/G/c", "en": "M/G/c"},
    "staffing.model.erlang_a": {"zh": "Erlang A（含离开）", "en": "Erlang A (walk-aways)"},
}
