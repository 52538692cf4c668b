"""Strings of the load forecast: the page, the backtest verdict, the CLI."""

STRINGS = {
    "nav.forecast": {"zh": "负荷预测", "en": "Load forecast"},
    "fc.page.title": {"zh": "明年的负荷：营业厅到厅量和 95598 工单预测", "en": "Next year's load: hall arrivals and 95598 orders"},
    "fc.page.intro": {
        "zh": "按周预测未来 26 周的营业厅叫号量或 95598 工单量（含 95% 区间），考虑年度季节、春节等法定节假日；用最近 26 周回测，并与“去年同周”的朴素预测比较。",
        "en": "Weekly counter arrivals or 95598 orders for the next 26 weeks (with 95 % intervals), with the yearly season and Chinese public holidays, the Spring Festival included; backtested on the last 26 weeks against last year's same week.",
    },
    "fc.series": {"zh": "预测对象", "en": "Series"},
    "fc.series.hall_arrivals": {"zh": "营业厅到厅量（叫号）", "en": "Counter arrivals (tickets)"},
    "fc.series.hotline": {"zh": "95598 工单", "en": "95598 orders"},
    "fc.halls": {"zh": "营业厅（不选 = 全部）", "en": "Halls (none = all)"},
    "fc.categories": {"zh": "工单类别（不选 = 全部）", "en": "Categories (none = all)"},
    "fc.backtest.beats": {
        "zh": "回测（最近 26 周）：模型误差 MASE {mase}，低于“去年同周”朴素预测的 {naive}，预测优于朴素方法。",
        "en": "Backtest (last 26 weeks): the model's MASE is {mase}, below the seasonal naive forecast's {naive}: it beats last year's same week.",
    },
    "fc.backtest.loses": {
        "zh": "回测（最近 26 周）：模型误差 MASE {mase}，不低于“去年同周”朴素预测的 {naive}，这组数据上模型没有胜过朴素方法，请谨慎使用。",
        "en": "Backtest (last 26 weeks): the model's MASE is {mase}, not below the seasonal naive forecast's {naive}: on these data the model does not beat last year's same week; use it with care.",
    },
    "fc.backtest.none": {"zh": "没有回测：{note}", "en": "No backtest: {note}"},
    "fc.fig.title": {"zh": "每周数量：历史、回测与未来 26 周预测", "en": "Per week: history, backtest and the next 26 weeks"},
    "fc.fig.history": {"zh": "实际", "en": "Actual"},
    "fc.fig.forecast": {"zh": "预测", "en": "Forecast"},
    "fc.fig.interval": {"zh": "95% 区间", "en": "95 % interval"},
    "fc.fig.backtest": {"zh": "回测预测", "en": "Backtest forecast"},
    "fc.fig.naive": {"zh": "去年同周（朴素）", "en": "Last year's week (naive)"},
    "fc.fig.week": {"zh": "周", "en": "Week"},
    "fc.fig.value": {"zh": "每周数量", "en": "Per week"},
    "fc.col.week": {"zh": "周（周一）", "en": "Week (Monday)"},
    "fc.col.value": {"zh": "预测值", "en": "Forecast"},
    "fc.col.low": {"zh": "下限", "en": "Low"},
    "fc.col.high": {"zh": "上限", "en": "High"},
    "fc.too_short": {"zh": "数据不足，无法预测：{msg}", "en": "Not enough data for a forecast: {msg}"},
    "fc.cli.bad_series": {"zh": "未知的预测对象 {series}（可选：{known}）", "en": "Unknown series {series} (one of {known})"},
}
