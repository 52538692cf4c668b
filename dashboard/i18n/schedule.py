"""Strings of scheduled briefings (``servicecircle report --period ... --email``)."""

STRINGS: dict[str, dict[str, str]] = {
    "sched.failed": {"zh": "简报生成失败：{msg}", "en": "The briefing could not be built: {msg}"},
    "sched.mail.subject": {"zh": "{title}（{period}）", "en": "{title} ({period})"},
    "sched.mail.body": {
        "zh": "附件是本期简报：{file}。\n\n此邮件由 ServiceCircle 定时生成。",
        "en": "Attached is this period's briefing: {file}.\n\nSent automatically by ServiceCircle.",
    },
    "sched.mail.sent": {"zh": "已发送给 {to}", "en": "Sent to {to}"},
}
