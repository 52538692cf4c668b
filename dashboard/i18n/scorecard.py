"""Strings of the rooms' scorecard (考核): the Rooms page, its targets form, the breach
lists on the Overview and in the Briefing; and of the Overview's new-service and causal
labels and the community profile's added facts and peers."""

STRINGS: dict[str, dict[str, str]] = {
    "nav.rooms": {"zh": "服务室考核", "en": "Rooms scorecard"},
    # page
    "sc.page.caption": {
        "zh": "{month}：每个服务室对照考核目标（绿色达标，红色未达标，“—”为本月不考核）。目标可在下方修改。",
        "en": "{month}: each room against its targets (green met, red missed, '—' not judged this month). "
              "The targets can be changed below.",
    },
    "sc.page.month": {"zh": "考核月份", "en": "Month"},
    "sc.page.no_data": {"zh": "所选范围内没有服务室数据。", "en": "No service-room data in the selected range."},
    "sc.page.rooms": {"zh": "服务室", "en": "Rooms"},
    "sc.page.rooms_ok": {"zh": "全部达标的服务室", "en": "Rooms meeting every target"},
    "sc.page.n_breaches": {"zh": "未达标项", "en": "Targets missed"},
    "sc.page.table": {"zh": "各服务室考核表", "en": "Scorecard by room"},
    "sc.page.managers": {"zh": "按客户经理", "en": "By customer manager"},
    "sc.page.managers_note": {
        "zh": "台账不记录每次服务由哪位客户经理办理，因此每位客户经理的数字为其所在服务室的数字按该室客户经理人数平均分摊。",
        "en": "The ledger does not record which manager served a visit, so each manager's figures are "
              "their room's, shared equally among the room's managers.",
    },
    "sc.page.no_managers": {"zh": "人员台账中没有本月在岗的客户经理。", "en": "The staff ledger names no customer manager this month."},
    "sc.page.coverage_note": {
        "zh": "步行覆盖未考核：{reason}",
        "en": "Walking coverage not judged: {reason}",
    },
    "sc.page.how": {
        "zh": "开放日取自服务室的开放日安排（开放至关闭之间）；步行覆盖为服务社区的住户中，月末在{minutes:g}分钟步行范围内有开放服务室的比例；"
              "月度数量（服务人次、上门服务）只在整月开放的月份考核。",
        "en": "Open days come from the room's schedule (between its opening and closing); walking coverage "
              "is the share of the served communities' households within a {minutes:g}-minute walk of a room "
              "open at the month's end; monthly counts (visits, home visits) are judged only in whole months.",
    },
    # metrics
    "sc.metric.visits": {"zh": "服务人次", "en": "Visits"},
    "sc.metric.visits_per_open_day": {"zh": "每开放日人次", "en": "Visits per open day"},
    "sc.metric.vulnerable_share": {"zh": "特殊群体占比", "en": "Vulnerable-group share"},
    "sc.metric.home_visits": {"zh": "上门服务", "en": "Home visits"},
    "sc.metric.resolution_rate": {"zh": "当场办结率", "en": "Resolution rate"},
    "sc.metric.closed_day_visits": {"zh": "非开放日服务", "en": "Visits on closed days"},
    "sc.metric.idle_open_days": {"zh": "零服务开放日", "en": "Open days with no visit"},
    "sc.metric.households_per_manager": {"zh": "每客户经理户数", "en": "Households per manager"},
    "sc.metric.coverage_share": {"zh": "服务社区步行覆盖", "en": "Walking coverage of its communities"},
    # statuses
    "sc.status.ok": {"zh": "🟢 {v}", "en": "🟢 {v}"},
    "sc.status.miss": {"zh": "🔴 {v}", "en": "🔴 {v}"},
    "sc.status.none": {"zh": "— {v}", "en": "— {v}"},
    "sc.min": {"zh": "≥ {v}", "en": "≥ {v}"},
    "sc.max": {"zh": "≤ {v}", "en": "≤ {v}"},
    # columns
    "sc.col.room": {"zh": "服务室", "en": "Room"},
    "sc.col.room_id": {"zh": "服务室编号", "en": "Room id"},
    "sc.col.metric": {"zh": "考核项", "en": "Target"},
    "sc.col.value": {"zh": "本月", "en": "This month"},
    "sc.col.target": {"zh": "目标", "en": "Target value"},
    "sc.col.since": {"zh": "起始月份", "en": "Since"},
    "sc.col.manager": {"zh": "客户经理（工号加密）", "en": "Manager (hashed id)"},
    "sc.col.former_role": {"zh": "原岗位", "en": "Former role"},
    "sc.col.n_managers": {"zh": "本室客户经理数", "en": "Managers in the room"},
    "sc.col.visits_share": {"zh": "人均服务人次", "en": "Visits per manager"},
    "sc.col.home_share": {"zh": "人均上门服务", "en": "Home visits per manager"},
    "sc.col.households_share": {"zh": "人均户数", "en": "Households per manager"},
    "sc.col.n_breaches": {"zh": "未达标项", "en": "Missed"},
    "sc.role.meter_reader": {"zh": "抄表员", "en": "Meter reader"},
    "sc.role.accountant": {"zh": "核算员", "en": "Accountant"},
    "sc.role.cashier": {"zh": "收费员", "en": "Cashier"},
    "sc.role.clerk": {"zh": "营业员", "en": "Clerk"},
    "sc.role.other": {"zh": "其他", "en": "Other"},
    # breaches
    "sc.breaches.title": {"zh": "考核未达标", "en": "Scorecard breaches"},
    "sc.breaches.none": {"zh": "{month}所有服务室均达到考核目标。", "en": "Every room met its targets in {month}."},
    "sc.breaches.item": {
        "zh": "{room}：{metric} {value}（目标 {target}），自{since}起",
        "en": "{room}: {metric} {value} (target {target}), since {since}",
    },
    "sc.breaches.more": {"zh": "另有{n}项，见服务室考核页。", "en": "{n} more on the Rooms scorecard page."},
    "sc.breaches.goto": {"zh": "查看考核表", "en": "Open the scorecard"},
    # targets form
    "sc.targets.title": {"zh": "考核目标", "en": "Targets"},
    "sc.targets.file": {"zh": "保存在 {path}", "en": "Saved in {path}"},
    "sc.targets.save": {"zh": "保存目标", "en": "Save targets"},
    "sc.targets.saved": {"zh": "考核目标已保存。", "en": "Targets saved."},
    "sc.targets.refused": {"zh": "未保存：{error}", "en": "Not saved: {error}"},
    "sc.targets.bad_file": {
        "zh": "考核目标文件无法使用，暂按默认目标考核：{error}",
        "en": "The targets file cannot be used; the default targets apply for now: {error}",
    },
    "sc.targets.readonly": {"zh": "修改考核目标需要分析员及以上权限。", "en": "Changing targets needs the analyst role or higher."},
    "sc.target.visits_min": {"zh": "每月服务人次不少于", "en": "Visits a month, at least"},
    "sc.target.visits_per_open_day_min": {"zh": "每开放日人次不少于", "en": "Visits per open day, at least"},
    "sc.target.vulnerable_share_min": {"zh": "特殊群体占比不低于（0–1）", "en": "Vulnerable-group share, at least (0–1)"},
    "sc.target.home_visits_min": {"zh": "每月上门服务不少于", "en": "Home visits a month, at least"},
    "sc.target.resolution_rate_min": {"zh": "当场办结率不低于（0–1）", "en": "Resolution rate, at least (0–1)"},
    "sc.target.closed_day_visits_max": {"zh": "非开放日服务不多于", "en": "Visits on closed days, at most"},
    "sc.target.idle_open_days_max": {"zh": "每月零服务开放日不多于", "en": "Open days with no visit a month, at most"},
    "sc.target.households_per_manager_max": {"zh": "每客户经理户数不多于", "en": "Households per manager, at most"},
    "sc.target.coverage_share_min": {"zh": "服务社区步行覆盖不低于（0–1）", "en": "Walking coverage, at least (0–1)"},
    # briefing
    "rep.section.scorecard": {"zh": "服务室考核", "en": "Rooms scorecard"},
    "rep.chart.scorecard": {"zh": "{month}各考核项未达标的服务室数", "en": "Rooms missing each target, {month}"},
    "rep.kpi.rooms_scored": {"zh": "考核服务室（个）", "en": "Rooms scored"},
    "rep.kpi.rooms_breaching": {"zh": "有未达标项的服务室（个）", "en": "Rooms missing a target"},
    "rep.kpi.breaches": {"zh": "未达标项（项）", "en": "Targets missed"},
    "rep.find.scorecard": {
        "zh": "{month}，{n_rooms}个服务室中有{n_breaching}个未达到至少一项考核目标，共{n}项。",
        "en": "In {month}, {n_breaching} of {n_rooms} rooms missed at least one target ({n} in all).",
    },
    "rep.find.scorecard_none": {
        "zh": "{month}，{n_rooms}个服务室全部达到考核目标。",
        "en": "In {month}, all {n_rooms} rooms met their targets.",
    },
    # overview: new services and causal estimates
    "sc.ov.new_service": {"zh": "新服务：{v}", "en": "New service: {v}"},
    "sc.ov.new_service_help": {
        "zh": "服务室开放前这项服务不存在，基线为零，因此显示为新增服务量，而不是“变化”。",
        "en": "This service did not exist before the rooms opened (its baseline is zero by construction), "
              "so it is shown as a new service, not as a change.",
    },
    "sc.ov.plain": {"zh": "与开放前一年相比（未扣除同期趋势）", "en": "Against the year before the first opening (trend not removed)"},
    "sc.ov.causal": {
        "zh": "因果估计（{outcome}）：{att}，95%区间 {lo} 至 {hi}",
        "en": "Causal estimate ({outcome}): {att}, 95% CI {lo} to {hi}",
    },
    "sc.ov.causal_none": {"zh": "因果估计：{reason}", "en": "Causal estimate: {reason}"},
    "sc.ov.causal_title": {"zh": "因果估计（双重差分）", "en": "Causal estimates (difference in differences)"},
    "sc.ov.causal_toggle": {"zh": "显示因果估计", "en": "Show causal estimates"},
    "sc.ov.causal_help": {
        "zh": "上方数字是开放前后的简单对比；因果估计与尚未开放服务室的社区对比，扣除了同期趋势。二者不可混用。",
        "en": "The numbers above compare before with after; a causal estimate compares with communities "
              "not yet served, removing the common trend. They answer different questions.",
    },
    # community profile
    "sc.cp.disabled": {"zh": "残疾人", "en": "Disabled residents"},
    "sc.cp.walk_m": {"zh": "到最近服务室步行距离", "en": "Walk to the nearest room"},
    "sc.cp.walk_value": {"zh": "{v:,.0f} 米", "en": "{v:,.0f} m"},
    "sc.cp.walk_beyond": {"zh": "{limit:,.0f} 米内无服务室", "en": "No room within {limit:,.0f} m"},
    "sc.cp.coverage": {"zh": "步行覆盖（住户）", "en": "Walking coverage (households)"},
    "sc.cp.satisfaction": {"zh": "回访满意率", "en": "Callback satisfaction"},
    "sc.cp.peers": {"zh": "同类社区对比", "en": "Compared with its peers"},
    "sc.cp.peers_note": {
        "zh": "同类社区：同为{kind}、住户数在本社区的±{pct:.0f}%以内的其他社区，共{n}个；表中为它们的中位数。",
        "en": "Peers: the other {kind} communities with households within ±{pct:.0f}% of this one ({n} in all); "
              "the table shows their median.",
    },
    "sc.cp.no_peers": {"zh": "没有同类社区（同类型、住户数相近）。", "en": "No peer communities (same kind, similar size)."},
    "sc.cp.col.figure": {"zh": "指标", "en": "Figure"},
    "sc.cp.col.this": {"zh": "本社区", "en": "This community"},
    "sc.cp.col.peers": {"zh": "同类社区中位数", "en": "Peer median"},
    "sc.cp.fig.households": {"zh": "住户数", "en": "Households"},
    "sc.cp.fig.elderly_share": {"zh": "老年人占人口比例", "en": "Elderly share of residents"},
    "sc.cp.fig.disabled_share": {"zh": "残疾人占人口比例", "en": "Disabled share of residents"},
    "sc.cp.fig.walk_m": {"zh": "到最近服务室步行距离（米）", "en": "Walk to the nearest room (m)"},
    "sc.cp.fig.coverage_share": {"zh": "步行覆盖（住户比例）", "en": "Walking coverage (share of households)"},
    "sc.cp.fig.satisfaction_rate": {"zh": "回访满意率", "en": "Callback satisfaction"},
    "sc.cp.fig.visits_per_1k": {"zh": "每千户每月服务室人次", "en": "Room visits per 1,000 households a month"},
    "sc.cp.fig.hotline_per_1k": {"zh": "每千户每月95598工单", "en": "95598 orders per 1,000 households a month"},
    "sc.cp.kind.urban": {"zh": "城市社区", "en": "urban"},
    "sc.cp.kind.rural": {"zh": "农村", "en": "rural"},
}
