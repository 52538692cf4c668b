"""Strings of the demo city's command (``servicecircle demo``)."""

STRINGS: dict[str, dict[str, str]] = {
    "demo.cli.building": {"zh": "正在生成示例城市（规模 {scale}，随机种子 {seed}）", "en": "Building the demo city (scale {scale}, seed {seed})"},
    "demo.cli.exists_hint": {
        "zh": "数据仓库 {db} 已有数据，未做任何改动。加 --force 以示例数据替换，或用 --db 指定其他文件。",
        "en": "The warehouse {db} already holds data; nothing was changed. Add --force to replace it with the demo, or choose another --db.",
    },
    "demo.cli.failed": {"zh": "示例数据生成失败：{msg}", "en": "Building the demo failed: {msg}"},
    "demo.cli.locked": {"zh": "另一个导入正在写入数据仓库：{msg}", "en": "Another import is writing the warehouse: {msg}"},
    "demo.cli.done": {
        "zh": "示例城市已载入 {db}（用时 {seconds:.1f} 秒）",
        "en": "Demo city loaded into {db} ({seconds:.1f} s)",
    },
    "demo.cli.title": {"zh": "导入结果", "en": "Import results"},
    "demo.col.table": {"zh": "数据表", "en": "Table"},
    "demo.col.generated": {"zh": "生成", "en": "Generated"},
    "demo.col.stored": {"zh": "入库", "en": "Stored"},
    "demo.col.duplicates": {"zh": "重复", "en": "Duplicates"},
    "demo.col.rejected": {"zh": "拒收", "en": "Rejected"},
    "demo.cli.network": {"zh": "路网：{nodes} 个节点，{edges} 条边", "en": "Street network: {nodes} nodes, {edges} edges"},
    "demo.cli.mismatch": {
        "zh": "注意：{table} 导入数与生成数不一致（期望 {expected}，实际 {loaded}）",
        "en": "Warning: {table} loaded counts differ from generated (expected {expected}, got {loaded})",
    },
    "demo.cli.truth": {"zh": "真实效果写入 {path}", "en": "True effects written to {path}"},
}
