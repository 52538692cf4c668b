"""Strings of customer lists and attribution: the ``import`` sentences, the Data page's
attribution table, and the caption on pages with per-community figures."""

STRINGS: dict[str, dict[str, str]] = {
    "data.table.customers": {"zh": "客户档案", "en": "Customer list"},
    # import sentences (CLI and the Data page's upload result)
    "customers.note.fact": {
        "zh": "社区归属：{attributed} 行经客户档案（户号）归属到社区，{unattributed} 行没有社区；"
              "{from_export} 行的社区由导出文件给出。",
        "en": "Communities: {attributed} rows were attributed through the customer list (户号), "
              "{unattributed} rows have no community; {from_export} rows have their community from the export.",
    },
    "customers.note.reattributed": {
        "zh": "{table}：按客户档案重新归属 {changed} 行；现有 {attributed} 行的社区来自客户档案，{unattributed} 行没有社区。",
        "en": "{table}: {changed} rows re-attributed from the customer list; {attributed} rows now have their "
              "community from the list, {unattributed} rows have none.",
    },
    # Data page
    "customers.page.title": {"zh": "社区归属", "en": "Community attribution"},
    "customers.page.intro": {
        "zh": "排队叫号和95598导出常只有户号、没有社区：这些记录通过客户档案归属到社区。"
              "没有社区的记录计入所有总数，只在分社区的数字中不计。",
        "en": "Queue and 95598 exports often carry the customer number but no community: those rows get "
              "their community through the customer list. Rows without a community count in every total "
              "and are left out only of per-community figures.",
    },
    "customers.col.table": {"zh": "数据表", "en": "Table"},
    "customers.col.rows": {"zh": "行数", "en": "Rows"},
    "customers.col.from_export": {"zh": "社区来自导出文件", "en": "Community from the export"},
    "customers.col.attributed": {"zh": "经客户档案归属", "en": "Attributed via customer list"},
    "customers.col.unattributed": {"zh": "没有社区", "en": "No community"},
    "customers.col.share": {"zh": "有社区的比例", "en": "Share with a community"},
    # caption on pages with per-community figures
    "customers.left_out": {
        "zh": "分社区的数字不含 {parts} 条没有社区归属的记录（总数中已包含）。",
        "en": "Per-community figures leave out {parts} without a community (they are in every total).",
    },
    "customers.left_out.part": {"zh": "{table} {n}", "en": "{n} {table}"},
}
