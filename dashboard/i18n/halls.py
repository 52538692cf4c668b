"""Strings of the hall-level waiting-time effect (``halls.``): exposure of the halls to
the rooms, the two estimates side by side, refusals, the Waiting page and the Briefing."""

STRINGS: dict[str, dict[str, str]] = {
    # methods
    "halls.method.hall_dose_did": {"zh": "营业厅面板双重差分（覆盖比例为剂量）", "en": "hall panel difference-in-differences (exposure share as dose)"},
    "halls.method.queue_model_mgc": {"zh": "排队模型（M/G/c，按营业厅×日×小时）", "en": "queue model (M/G/c per hall × day × hour)"},
    "halls.source.tickets": {"zh": "按归属社区的取号量", "en": "from attributed tickets"},
    "halls.source.walk": {"zh": "按步行距离最近的营业厅", "en": "nearest hall by walking distance"},
    "halls.source.straight": {"zh": "按直线距离最近的营业厅（无路网）", "en": "nearest hall by straight-line distance (no street network)"},
    # refusals: why, and what would help
    "halls.reason.too_few_halls": {
        "zh": "只有{n}个营业厅有完整的逐月数据（至少需要{min}个），按营业厅做比较和按营业厅估计置信区间都不可靠。纳入更多营业厅（放宽区县筛选）会有帮助；排队模型的结果不受营业厅数量限制。",
        "en": "Only {n} halls have data in every month (at least {min} are needed), too few to compare halls or to compute an interval over halls. Including more halls (a wider district filter) would help; the queue model does not depend on the number of halls.",
    },
    "halls.reason.too_few_exposed": {
        "zh": "服务室覆盖到的营业厅只有{n}个（至少需要{min}个），无法估计。纳入更多营业厅或更长的时间范围会有帮助。",
        "en": "Only {n} halls have a room in their catchment (at least {min} are needed). More halls or a longer date range would help.",
    },
    "halls.reason.too_few_months": {
        "zh": "营业厅数据只有{n}个月（至少需要{min}个月），无法估计。",
        "en": "The halls have only {n} months of data (at least {min} are needed).",
    },
    "halls.reason.no_dose_variation": {
        "zh": "各营业厅的服务室覆盖比例几乎相同（标准差{sd}，至少需要{min}），与同期变化无法区分。有覆盖比例差别更大的营业厅（如更晚或从未设服务室的片区）会有帮助。",
        "en": "All halls reach almost the same share of their catchment (standard deviation {sd}, at least {min} needed), so the rooms cannot be told apart from what changed anyway. Halls with more different shares (areas served later or not at all) would help.",
    },
    "halls.reason.no_pre_months": {
        "zh": "没有服务室开放前的营业厅数据，无法对比或校准排队模型。导入首批服务室开放前的取号数据会有帮助。",
        "en": "There is no hall data from before the rooms opened, so nothing to compare with or to calibrate the queue model on. Importing tickets from before the first rooms opened would help.",
    },
    "halls.reason.no_arrival_effect": {
        "zh": "服务室对到厅人次的效果无法估计，排队模型无法知道服务室分流了多少顾客。先解决“到厅业务量”效果的问题（见效果页）会有帮助。",
        "en": "The rooms' effect on counter visits cannot be estimated, so the queue model does not know how many customers the rooms took away. Resolving the counter-visit effect first (see the effects page) would help.",
    },
    "halls.reason.no_counters": {
        "zh": "取号数据中没有窗口号，无法知道每小时开放的窗口数。导出时包含“窗口号”会有帮助。",
        "en": "The tickets carry no counter number, so the counters open each hour are unknown. Exporting the counter number would help.",
    },
    "halls.reason.no_data": {
        "zh": "所选范围内没有营业厅的等候数据，无法估计。",
        "en": "There is no hall waiting data in the selected range.",
    },
    # which method is presented, and why
    "halls.why.design": {
        "zh": "主结果采用营业厅面板双重差分：它用各营业厅自身的数据比较覆盖比例不同的营业厅，置信区间包含全部误差来源，不依赖排队模型；排队模型结果并列显示作为旁证（其区间只反映分流人次的不确定性，在演示数据上偏大）。",
        "en": "The main result is the hall-panel difference-in-differences: it compares halls whose catchments the rooms reach to different degrees, on the halls' own data, and its interval carries every source of error without a model of the queue. The queue model is shown beside it as a check (its interval carries only the uncertainty of the visits taken away, and on the demo data it overstates the effect).",
    },
    "halls.why.queue": {
        "zh": "主结果采用排队模型：营业厅太少或覆盖比例差别太小，无法可靠地按营业厅比较（原因见下）。排队模型按营业厅×日×小时的实际到厅量、办理时长和开放窗口数计算，其区间只反映分流人次的不确定性，不含模型误差，在演示数据上结果偏大两成至四成，应视为估计上限。",
        "en": "The main result is the queue model: there are too few halls, or their shares differ too little, to compare halls reliably (reason below). The queue model works from each hall's actual arrivals, handling times and open counters by day and hour; its interval carries only the uncertainty of the visits taken away, not the model's own error, and on the demo data it overstates the effect by a fifth to two fifths: read it as an upper bound.",
    },
    "halls.why.none": {
        "zh": "两种方法都无法给出结果（原因见下）。",
        "en": "Neither method can give a result (reasons below).",
    },
    # result sentences
    "halls.sentence.down": {
        "zh": "服务室开放后，受覆盖营业厅（{n}个）的平均等候时长缩短{abs}分钟（95%置信区间{lo}–{hi}分钟，约{rel}；{method}）。排队缩短惠及在该厅办理业务的所有顾客。",
        "en": "After the rooms opened, the mean wait at the {n} halls they reach fell by {abs} min (95% CI {lo}–{hi} min, about {rel}; {method}). A shorter queue helps everyone at the hall.",
    },
    "halls.sentence.up": {
        "zh": "服务室开放后，受覆盖营业厅（{n}个）的平均等候时长增加{abs}分钟（95%置信区间{lo}–{hi}分钟，约{rel}；{method}）。",
        "en": "After the rooms opened, the mean wait at the {n} halls they reach rose by {abs} min (95% CI {lo}–{hi} min, about {rel}; {method}).",
    },
    "halls.sentence.unclear": {
        "zh": "服务室开放后，受覆盖营业厅（{n}个）的平均等候时长变化{att}分钟（95%置信区间{lo}至{hi}分钟，约{rel}；{method}），与零没有显著差异。",
        "en": "After the rooms opened, the mean wait at the {n} halls they reach changed by {att} min (95% CI {lo} to {hi} min, about {rel}; {method}); this is not distinguishable from zero.",
    },
    # Waiting page
    "halls.page.title": {"zh": "服务室对营业厅等候时长的效果", "en": "The rooms' effect on hall waiting times"},
    "halls.page.intro": {
        "zh": "排队缩短时，同一营业厅的所有顾客都受益，包括尚未设服务室社区的居民。因此效果按营业厅估计：受覆盖营业厅-月的实际平均等候时长减去没有服务室时的等候时长。",
        "en": "A shorter queue helps everyone at the hall, residents of communities without a room included. So the effect is estimated per hall: the actual mean wait of exposed hall-months minus the wait they would have had without rooms.",
    },
    "halls.page.presented": {"zh": "主结果：{method}", "en": "Main result: {method}"},
    "halls.page.metric_att": {"zh": "等候时长变化（分钟）", "en": "Change in wait (min)"},
    "halls.page.metric_rel": {"zh": "相对变化", "en": "Relative change"},
    "halls.page.metric_halls": {"zh": "受覆盖营业厅", "en": "Halls reached"},
    "halls.page.estimates": {"zh": "两种方法并列", "en": "Both methods side by side"},
    "halls.page.refused": {"zh": "{method}：{reason}", "en": "{method}: {reason}"},
    "halls.page.exposure": {"zh": "各营业厅辐射范围内服务室覆盖比例", "en": "How much of each hall's catchment the rooms reach"},
    "halls.page.exposure_note": {
        "zh": "覆盖比例 = 服务室开放前，来自已设服务室社区的取号量占该营业厅取号量的比例。辐射范围来源：{sources}。",
        "en": "Share = of the hall's counter volume before the roll-out, the part from communities served by then. Catchment: {sources}.",
    },
    "halls.page.diagnostic": {"zh": "诊断：按社区比较的等候时长（会低估效果）", "en": "Diagnostic: the community-level wait comparison (understates the effect)"},
    "halls.page.diagnostic_note": {
        "zh": "按社区比较时，对照社区与已设服务室社区在同一营业厅排队，排队缩短同样惠及对照社区，因此这一比较把要测量的效果抵消了大半，仅供诊断。",
        "en": "Comparing communities pits served ones against comparison communities queueing at the same halls; the shorter queue helps the comparison too, so this comparison cancels most of the effect. Shown only as a diagnostic.",
    },
    "halls.col.method": {"zh": "方法", "en": "Method"},
    "halls.col.att": {"zh": "变化（分钟）", "en": "Change (min)"},
    "halls.col.ci": {"zh": "95%置信区间", "en": "95% CI"},
    "halls.col.rel": {"zh": "相对变化", "en": "Relative"},
    "halls.col.status": {"zh": "说明", "en": "Note"},
    "halls.status.ok": {"zh": "可用", "en": "ok"},
    # figures
    "halls.fig.exposure.title": {"zh": "服务室覆盖比例（按营业厅）", "en": "Share of the catchment the rooms reach, by hall"},
    "halls.fig.exposure.x": {"zh": "月份", "en": "Month"},
    "halls.fig.exposure.y": {"zh": "覆盖比例", "en": "Share reached"},
    "halls.fig.event.title": {"zh": "营业厅等候时长效果：按覆盖后月数", "en": "Effect on hall waits by months since exposure"},
    "halls.fig.event.x": {"zh": "距首个服务室开放的月数", "en": "Months since the first room opened"},
    "halls.fig.event.y": {"zh": "等候时长变化（分钟）", "en": "Change in wait (min)"},
    "halls.fig.ci": {"zh": "95%置信区间", "en": "95% CI"},
}
