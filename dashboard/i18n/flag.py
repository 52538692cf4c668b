"""Strings of the demo-data flag (the page banner and the mark on exports)."""

STRINGS: dict[str, dict[str, str]] = {
    "flag.banner": {
        "zh": "演示数据：这里的数字来自生成的示例城市，不是真实结果。示例数据全部被真实数据替换后，此提示才会消失。",
        "en": "Demo data: these numbers come from the generated demo city, not from real results. "
              "This notice goes only once no demo rows remain.",
    },
    "flag.stamp": {"zh": "演示数据（非真实结果）", "en": "Demo data (not real results)"},
}
