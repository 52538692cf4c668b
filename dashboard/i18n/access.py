"""Strings of sign-in, roles, users and the audit trail (``dashboard.access``, ``dashboard.ui.auth``,
``servicecircle users`` / ``audit``)."""

STRINGS: dict[str, dict[str, str]] = {
    # ---- roles
    "acc.role.viewer": {"zh": "查看者", "en": "viewer"},
    "acc.role.analyst": {"zh": "分析员", "en": "analyst"},
    "acc.role.admin": {"zh": "管理员", "en": "admin"},
    # ---- errors of the users file (dashboard.access.users.UserError)
    "acc.err.bad_name": {
        "zh": "用户名 {name!r} 无效：只能用 1–64 个字母、数字或 _ . @ + -（不含空格）",
        "en": "bad user name {name!r}: 1-64 letters, digits or _ . @ + - (no spaces)",
    },
    "acc.err.empty_password": {"zh": "密码为空", "en": "empty password"},
    "acc.err.short_password": {"zh": "密码太短：至少 {n} 个字符", "en": "password too short: at least {n} characters"},
    "acc.err.long_password": {"zh": "密码太长：最多 {n} 个字符", "en": "password too long: at most {n} characters"},
    "acc.err.bad_role": {
        "zh": "未知角色 {role!r}：可选 {choices}",
        "en": "unknown role {role!r}: choose one of {choices}",
    },
    "acc.err.exists": {
        "zh": "用户 {name!r} 已存在（改角色用 set-role，改密码用 set-password）",
        "en": "user {name!r} already exists (use set-role or set-password)",
    },
    "acc.err.unknown_user": {"zh": "没有用户 {name!r}（{path}）", "en": "unknown user {name!r} (not in {path})"},
    "acc.err.bad_file": {"zh": "{path}：不是 ServiceCircle 用户文件（{msg}）", "en": "{path}: not a ServiceCircle users file ({msg})"},
    # ---- users command
    "acc.cli.added": {"zh": "已添加用户 {name}（{role}）", "en": "Added user {name} ({role})"},
    "acc.cli.added_no_password": {
        "zh": "已添加用户 {name}（{role}），无密码：只能经公司统一登录代理（--trust-proxy-header）进入",
        "en": "Added user {name} ({role}) without a password: they can only come in through the company sign-on proxy (--trust-proxy-header)",
    },
    "acc.cli.removed": {"zh": "已删除用户 {name}", "en": "Removed user {name}"},
    "acc.cli.role_set": {"zh": "用户 {name}：{old} → {new}", "en": "User {name}: {old} → {new}"},
    "acc.cli.password_set": {"zh": "已为用户 {name} 设置新密码", "en": "New password set for {name}"},
    "acc.cli.now_open": {
        "zh": "注意：已没有任何用户，看板不再要求登录，任何能访问它的人都可使用全部功能。",
        "en": "Note: no users are left, so the dashboard no longer asks for a sign-in; anyone who reaches it may do everything.",
    },
    "acc.cli.no_admin": {
        "zh": "注意：已没有管理员，网页上无人能导入数据或查看审计记录（命令行仍可）。",
        "en": "Note: no admin is left: nobody can import data or read the audit trail in the dashboard (the command line still can).",
    },
    "acc.cli.first_user": {
        "zh": "从现在起，看板的每个页面都要求登录（用户文件：{path}）。",
        "en": "From now on every page of the dashboard asks for a sign-in (users file: {path}).",
    },
    "acc.cli.password_prompt_hint": {
        "zh": "用 --password-stdin 从标准输入读入密码，例如：printf '%s' \"$PW\" | servicecircle users add 张三 --role viewer --password-stdin",
        "en": "Read the password from standard input with --password-stdin, e.g. printf '%s' \"$PW\" | servicecircle users add alice --role viewer --password-stdin",
    },
    "acc.cli.none": {"zh": "没有用户：看板不要求登录（{path}）", "en": "No users: the dashboard asks for no sign-in ({path})"},
    "acc.cli.error": {"zh": "错误：{msg}", "en": "Error: {msg}"},
    "acc.col.name": {"zh": "用户名", "en": "Name"},
    "acc.col.role": {"zh": "角色", "en": "Role"},
    "acc.col.password": {"zh": "密码", "en": "Password"},
    "acc.col.changed": {"zh": "最近修改", "en": "Changed"},
    "acc.password.yes": {"zh": "已设置", "en": "set"},
    "acc.password.no": {"zh": "无（仅统一登录）", "en": "none (sign-on proxy only)"},
    # ---- audit command
    "acc.audit.empty": {"zh": "审计记录为空（{path}）", "en": "The audit trail is empty ({path})"},
    "acc.audit.bad_since": {
        "zh": "--since {value!r} 不是日期（用 2026-12-01 或 2026-12-01T08:00）",
        "en": "--since {value!r} is not a date (use 2026-12-01 or 2026-12-01T08:00)",
    },
    "acc.audit.broken": {
        "zh": "审计记录的链条不完整（{path}），记录写入后被改动过：",
        "en": "The audit trail's chain is broken ({path}): records were changed after they were written:",
    },
    "acc.audit.intact": {"zh": "审计记录完整：{n} 条，链条无断点", "en": "Audit trail intact: {n} records, chain unbroken"},
    # ---- users on the Data page
    "acc.users.title": {"zh": "用户与角色", "en": "Users and roles"},
    "acc.users.caption": {
        "zh": "在服务器上用 servicecircle users add / set-role / set-password / remove 管理（用户文件：{path}）。没有用户时看板不要求登录。",
        "en": "Managed on the server with servicecircle users add / set-role / set-password / remove (users file: {path}). With no users the dashboard asks for no sign-in.",
    },
    # ---- audit trail (Data page and command)
    "acc.audit.title": {"zh": "审计记录", "en": "Audit trail"},
    "acc.audit.caption": {
        "zh": "谁在何时导入、导出、登录或修改用户（只追加，不可修改；最近 {n} 条）。文件：{path}",
        "en": "Who imported, exported, signed in or changed a user, and when (append-only; the latest {n}). File: {path}",
    },
    "acc.audit.col.at": {"zh": "时间（UTC）", "en": "Time (UTC)"},
    "acc.audit.col.event": {"zh": "事件", "en": "Event"},
    "acc.audit.col.user": {"zh": "用户", "en": "User"},
    "acc.audit.col.via": {"zh": "途径", "en": "Via"},
    "acc.audit.col.what": {"zh": "内容", "en": "What"},
    "acc.audit.event.import": {"zh": "导入", "en": "import"},
    "acc.audit.event.export": {"zh": "导出", "en": "export"},
    "acc.audit.event.sign_in": {"zh": "登录", "en": "sign-in"},
    "acc.audit.event.sign_out": {"zh": "退出", "en": "sign-out"},
    "acc.audit.event.user_add": {"zh": "添加用户", "en": "user added"},
    "acc.audit.event.user_remove": {"zh": "删除用户", "en": "user removed"},
    "acc.audit.event.user_role": {"zh": "修改角色", "en": "role changed"},
    "acc.audit.event.user_password": {"zh": "修改密码", "en": "password changed"},
    "acc.audit.via.web": {"zh": "网页", "en": "web"},
    "acc.audit.via.cli": {"zh": "命令行", "en": "command line"},
    "acc.audit.open": {"zh": "（未启用登录）", "en": "(no sign-in)"},
    "acc.audit.outcome.stored": {"zh": "已入库", "en": "stored"},
    "acc.audit.outcome.refused": {"zh": "被拒绝，未写入", "en": "refused, nothing written"},
    "acc.audit.outcome.failed": {"zh": "失败，未写入", "en": "failed, nothing written"},
    "acc.audit.outcome.ok": {"zh": "成功", "en": "success"},
    "acc.audit.outcome.wrong_password": {"zh": "用户名或密码错误", "en": "wrong name or password"},
    "acc.audit.outcome.locked": {"zh": "失败次数过多，暂时锁定", "en": "locked after too many failures"},
    "acc.audit.outcome.not_authorised": {"zh": "未获授权", "en": "not authorised"},
    "acc.audit.method.proxy": {"zh": "统一登录", "en": "company sign-on"},
    # ---- sign-in page
    "acc.signin.title": {"zh": "登录", "en": "Sign in"},
    "acc.signin.intro": {"zh": "请用管理员为您开设的账号登录。", "en": "Sign in with the account your administrator gave you."},
    "acc.signin.name": {"zh": "用户名", "en": "User name"},
    "acc.signin.password": {"zh": "密码", "en": "Password"},
    "acc.signin.button": {"zh": "登录", "en": "Sign in"},
    "acc.signin.failed": {"zh": "用户名或密码不正确。", "en": "Wrong user name or password."},
    "acc.signin.locked": {
        "zh": "登录失败次数过多，请 {minutes} 分钟后再试。",
        "en": "Too many failed sign-ins: try again in {minutes} minutes.",
    },
    "acc.signin.as": {"zh": "已登录：{name}（{role}）", "en": "Signed in: {name} ({role})"},
    "acc.signin.as_proxy": {"zh": "已经统一登录：{name}（{role}）", "en": "Signed in through the company sign-on: {name} ({role})"},
    "acc.signout.button": {"zh": "退出登录", "en": "Sign out"},
    "acc.signout.done": {"zh": "您已退出登录。", "en": "You have signed out."},
    # ---- serve
    "acc.serve.proxy_open": {
        "zh": "警告：信任代理请求头，但服务监听在 {address}，可被直接访问：任何人都能伪造该请求头。请只监听 127.0.0.1，或用防火墙只放行反向代理。",
        "en": "Warning: trusting a proxy header while listening on {address}, which can be reached directly: anyone can forge the header. Listen on 127.0.0.1, or let only the reverse proxy through a firewall.",
    },
    "acc.serve.proxy_no_users": {
        "zh": "注意：用户文件 {path} 中没有用户，所有人都将看到“未获授权”。用 servicecircle users add 添加。",
        "en": "Note: no users in {path}, so everyone will be told they are not authorised. Add them with servicecircle users add.",
    },
    # ---- not authorised, role too low
    "acc.denied.title": {"zh": "未获授权", "en": "Not authorised"},
    "acc.denied.no_header": {
        "zh": "未收到公司统一登录提供的用户名。请通过公司门户访问本看板。",
        "en": "The company sign-on did not name a user. Open the dashboard through the company portal.",
    },
    "acc.denied.unknown": {
        "zh": "用户 {name} 未获授权使用本看板。请联系看板管理员为您开通。",
        "en": "User {name} is not authorised to use this dashboard. Ask its administrator to add you.",
    },
    "acc.denied.role": {
        "zh": "此功能需要“{need}”或更高角色；您的角色是“{role}”。",
        "en": "This needs the role “{need}” or higher; yours is “{role}”.",
    },
}
