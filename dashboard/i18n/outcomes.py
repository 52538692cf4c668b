"""Strings of the seed-goal outcomes: the effects by hotline category, fault arrival,
satisfaction and complaints, heterogeneity by urban / rural and walking-distance band,
complaint timeliness, vulnerable-group reach, and the counter / room measures shown on
the Hotline, Faults, Offload and Groups & staff pages
(``dashboard/analysis/heterogeneity.py``, ``dashboard/analysis/goal_metrics.py``,
``dashboard/figures/breakdown.py``)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # ---- the new effect outcomes (eff.what / eff.unit as for the first four)
    "eff.what.arrival_minutes": {"zh": "故障抢修平均到达现场时长", "en": "mean time for the repair crew to arrive on site"},
    "eff.what.satisfaction_rate": {"zh": "95598回访满意率", "en": "the callback satisfaction rate"},
    "eff.what.complaints_per_10k_households": {"zh": "投诉工单每万户每月", "en": "complaints"},
    "eff.unit.arrival_minutes": {"zh": "分钟", "en": " min"},
    "eff.unit.satisfaction_rate": {"zh": "（比例）", "en": " (share)"},
    "eff.unit.complaints_per_10k_households": {"zh": "件", "en": " per 10,000 households a month"},
    "out.outcome.hotline_per_1k_households": {"zh": "95598工单（每千户每月）", "en": "95598 orders per 1,000 households a month"},
    "out.outcome.counter_visits_per_1k_households": {"zh": "到厅业务量（每千户每月）", "en": "Hall visits per 1,000 households a month"},
    "out.outcome.hall_wait_mean_min": {"zh": "平均等候时长（分钟）", "en": "Mean wait at the hall (min)"},
    "out.outcome.restoration_hours": {"zh": "恢复送电时长（小时）", "en": "Restoration time (h)"},
    "out.outcome.arrival_minutes": {"zh": "到达现场时长（分钟）", "en": "Time to arrive on site (min)"},
    "out.outcome.satisfaction_rate": {"zh": "回访满意率", "en": "Callback satisfaction rate"},
    "out.outcome.complaints_per_10k_households": {"zh": "投诉（每万户每月）", "en": "Complaints per 10,000 households a month"},
    # ---- subgroup and category-group labels (label("urban_rural", code) ...)
    "urban_rural.urban": {"zh": "城市社区", "en": "Urban"},
    "urban_rural.rural": {"zh": "农村", "en": "Rural"},
    "distance_band.le300": {"zh": "≤300米", "en": "≤300 m"},
    "distance_band.300_500": {"zh": "300–500米", "en": "300–500 m"},
    "distance_band.500_800": {"zh": "500–800米", "en": "500–800 m"},
    "distance_band.gt800": {"zh": ">800米", "en": ">800 m"},
    "hotline_group.consultation": {"zh": "咨询查询", "en": "Consultation & queries"},
    "hotline_group.fault_repair": {"zh": "故障报修", "en": "Fault repair"},
    "hotline_group.complaint": {"zh": "投诉", "en": "Complaints"},
    "hotline_group.reminder": {"zh": "催办", "en": "Reminders"},
    "hotline_group.rest": {"zh": "其他", "en": "The rest"},
    # ---- the effect-by-group figure (dashboard/figures/breakdown.py)
    "out.fig.group.att": {"zh": "效果估计（95%置信区间）", "en": "Estimated effect (95% CI)"},
    "out.fig.group.none": {"zh": "无法估计", "en": "No estimate"},
    "out.fig.group.hover": {
        "zh": "{group}：{att}（95%置信区间 {lo}–{hi}），新设服务室社区 {n} 个",
        "en": "{group}: {att} (95% CI {lo}–{hi}), {n} newly served communities",
    },
    "out.fig.group.title.hotline_group": {"zh": "按工单类别的效果", "en": "Effect by order category"},
    "out.fig.group.title.urban_rural": {"zh": "城市与农村的效果", "en": "Effect in urban and rural communities"},
    "out.fig.group.title.distance_band": {"zh": "按到服务室步行距离的效果", "en": "Effect by walking distance to the room"},
    # ---- effect sections of the pages
    "out.page.by_category.title": {"zh": "各类工单的效果", "en": "Effect per order category"},
    "out.page.by_category.note": {
        "zh": "同一方法分别估计各类工单每千户每月的变化：咨询查询应减少，故障报修可能部分转到服务室。",
        "en": "The same method per category of orders per 1,000 households a month: consultations should fall, fault reports may partly move to the rooms.",
    },
    "out.page.hetero.title": {"zh": "效果因地而异吗？", "en": "Does the effect differ by place?"},
    "out.page.hetero.outcome": {"zh": "效果指标", "en": "Outcome"},
    "out.page.hetero.by": {"zh": "分组", "en": "Group by"},
    "out.by.distance_band": {"zh": "到服务室步行距离", "en": "Walking distance to the room"},
    "out.by.urban_rural": {"zh": "城市 / 农村", "en": "Urban / rural"},
    "out.page.hetero.note": {
        "zh": "每组只用该组新设服务室的社区，对照为全部尚未设服务室的社区。步行距离为社区住户沿道路到最近服务室的距离（按户数取中位数）；若效果随距离减弱，五分钟服务圈的半径就得到了检验。",
        "en": "Each group uses only its own newly served communities, against every community not yet served. Walking distance is along the streets from the community's homes to the nearest room (household-weighted median); an effect that fades with distance tests the five-minute radius itself.",
    },
    "out.page.hetero.no_network": {
        "zh": "仓库中还没有路网，无法计算步行距离。请先导入路网：servicecircle import network FILE",
        "en": "The warehouse has no street network yet, so no walking distances. Import one first: servicecircle import network FILE",
    },
    "out.page.faults.effects": {"zh": "效果估计", "en": "Effect estimates"},
    # ---- complaint timeliness, subcategories (Hotline page)
    "out.page.complaints.title": {"zh": "投诉处理时限", "en": "Complaint timeliness"},
    "out.kpi.complaints": {"zh": "投诉工单", "en": "Complaints"},
    "out.kpi.complaints_open": {"zh": "其中未办结 {n} 件（不计入时限比例）。", "en": "{n} of them not closed (left out of the shares)."},
    "out.kpi.contact_in_time": {"zh": "{days}个工作日内联系", "en": "Contacted within {days} working day"},
    "out.kpi.contact_in_time.help": {
        "zh": "办结时间在受理后1个工作日内的投诉占已办结投诉的比例。导出数据只有办结（归档）时间，办结即已联系，故这是联系及时率的下限。",
        "en": "Share of closed complaints closed within 1 working day of receipt. The exports carry only the closing time; a closed complaint was contacted, so this is a lower bound of the contact rate.",
    },
    "out.kpi.reply_in_time": {"zh": "{days}个工作日内答复", "en": "Replied within {days} working days"},
    "out.kpi.reply_in_time.help": {
        "zh": "办结（归档）时间在受理后7个工作日内的投诉占已办结投诉的比例。",
        "en": "Share of closed complaints closed (replied) within 7 working days of receipt.",
    },
    "out.page.complaints.workdays": {
        "zh": "工作日按周一至周五计；系统中没有法定节假日和调休日历，节假日按工作日计算。",
        "en": "Working days are Monday to Friday; there is no calendar of Chinese public holidays or swapped working weekends in the system, so holidays count as working days.",
    },
    "out.page.subcategory.title": {"zh": "工单业务子类", "en": "Orders by subcategory"},
    "out.col.subcategory": {"zh": "业务子类", "en": "Subcategory"},
    "out.col.share_of_category": {"zh": "占该类比例", "en": "Share of its category"},
    # ---- vulnerable groups, rooms, managers (Groups & staff page)
    "out.kpi.reach": {"zh": "老年人、残疾人覆盖率", "en": "Reach among elderly and disabled"},
    "out.kpi.reach.help": {
        "zh": "到服务室办理业务的老年人、残疾人客户（按户号去重）{n} 人，除以社区老年人与残疾人数 {residents} 人。无户号的服务无法按人计数，故为下限。",
        "en": "{n} distinct elderly and disabled customers served (by customer number), over {residents} elderly and disabled residents. Visits without a customer number cannot be counted as people, so this is a lower bound.",
    },
    "out.kpi.resolution_rate": {"zh": "服务室办结率", "en": "Room resolution rate"},
    "out.kpi.resolution_rate.help": {"zh": "服务室当场办结的服务占全部服务的比例。", "en": "Share of room visits resolved on the spot."},
    "out.kpi.home_visits_per_manager": {"zh": "人均上门服务", "en": "Home visits per manager"},
    "out.kpi.home_visits_per_manager.help": {
        "zh": "时段内上门服务次数除以客户经理人数。",
        "en": "Home visits in the period divided by the number of customer managers.",
    },
    "out.page.groups.reach_table": {"zh": "各社区覆盖率", "en": "Reach per community"},
    "out.page.groups.room_table": {"zh": "各服务室办结率", "en": "Resolution rate per room"},
    "out.col.community_id": {"zh": "社区编号", "en": "Community id"},
    "out.col.room_id": {"zh": "服务室编号", "en": "Room id"},
    "out.col.name": {"zh": "名称", "en": "Name"},
    "out.col.n_residents": {"zh": "老年人与残疾人数", "en": "Elderly and disabled residents"},
    "out.col.n_customers": {"zh": "服务人数（去重）", "en": "Distinct customers served"},
    "out.col.n_visits": {"zh": "服务人次", "en": "Visits"},
    "out.col.n_resolved": {"zh": "办结人次", "en": "Resolved"},
    # ---- counter handling (Offload page)
    "out.kpi.handle_mean_min": {"zh": "柜台平均办理时长", "en": "Mean counter handling time"},
    "out.kpi.handle_mean_min.help": {
        "zh": "结束办理时间 − 开始办理时间 的平均值，取两者都有且不倒序的排队号。",
        "en": "Mean of finished_at − started_at over tickets with both times in order.",
    },
    "out.kpi.appointment_share": {"zh": "预约取号占比", "en": "Share of tickets by appointment"},
    "out.kpi.appointment_share.help": {
        "zh": "标记为预约的排队号占全部排队号的比例（未标记按非预约计）。",
        "en": "Tickets marked as taken by appointment, over all tickets (unmarked counts as not).",
    },
    "out.page.offload.by_type": {"zh": "按业务类型的办理时长与预约占比", "en": "Handling time and appointment share by service type"},
    "out.col.service_type": {"zh": "业务类型", "en": "Service type"},
    "out.col.n_tickets": {"zh": "排队号", "en": "Tickets"},
    "out.col.n_handled": {"zh": "有办理时长的排队号", "en": "Tickets with a handling time"},
    # ---- import: fault durations instead of times (dashboard/ingest/validate.py)
    "data.reason.negative_duration": {"zh": "时长为负", "en": "Negative duration"},
    "data.reason.duration_too_long": {"zh": "时长超过7天（单位可能有误）", "en": "Duration over 7 days (wrong unit?)"},
    "data.reason.repair_without_arrival": {
        "zh": "有故障修复时长但没有到达现场时间或时长",
        "en": "Repair duration without an arrival time or duration",
    },
}
