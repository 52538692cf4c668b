"""What the importer recognises out of the box: tables, fields, header aliases, category words.

Everything here comes from ``shared/spec/exports.md``. A user never edits this file:
other headers and other category words are mapped by a TOML profile
(:mod:`dashboard.ingest.profile`). Each canonical table is described by a
:class:`TableSpec`, a tuple of :class:`Field` objects saying how a column is recognised
(its aliases), how its text is parsed (its ``kind``) and which checks it gets.

Field kinds
-----------
``text``      kept as text (trimmed, empty → NULL)
``int``       integer ≥ 0 (``1,234`` and ``12.0`` accepted; negative → rejected)
``time``      timestamp, every form of the spec (see :mod:`dashboard.ingest.values`)
``date``      date (same forms; a time part is dropped)
``bool``      是/否, Y/N, 1/0, true/false
``category``  a word mapped to a canonical code through ``CATEGORY_WORDS[field.category]``
``hash``      personal id (户号 / 工号) replaced by a keyed hash into ``field.target``
``days``      open days → list of ``mon`` .. ``sun``
``ids``       several community ids separated by ``;`` ``、`` ``,``
``lon/lat``   coordinates (converted to WGS-84)
``wkb``       polygon geometry from a geometry file
``address``   a street address: used to match a community, then dropped
``drop``      personal data that is recognised only to be dropped (names, phones, ID numbers)
``minutes``   a duration in minutes (到达现场时长(分钟) ...), not stored itself: the importer
              turns it into the timestamp it measures (see ``validate.stage_sql``)
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CATEGORY_WORDS",
    "Field",
    "PERSONAL_HEADERS",
    "TABLES",
    "TABLE_ALIASES",
    "TableSpec",
    "normalise_header",
    "normalise_word",
    "table_spec",
]


@dataclass(frozen=True)
class Field:
    """One canonical field of a table.

    Attributes
    ----------
    name
        Canonical field name (also the name used in profiles, e.g. ``customer_no``).
    kind
        How the text is parsed (see the module docstring).
    aliases
        Headers recognised for it (compared after :func:`normalise_header`).
    required
        The file must have this column (else the whole file is refused).
    not_null
        A row with an empty value is rejected (``value_missing``).
    category
        Vocabulary name in :data:`CATEGORY_WORDS` for ``kind == "category"``.
    ref
        ``"hall"``, ``"room"`` or ``"community"``: the value must exist there.
    target
        Stored column name when it differs from ``name`` (``customer_no`` → ``customer_hash``).
    """

    name: str
    kind: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    not_null: bool = False
    category: str | None = None
    ref: str | None = None
    target: str | None = None

    @property
    def column(self) -> str | None:
        """The warehouse column this field is stored in (``None``: not stored)."""
        if self.kind in ("drop", "address", "minutes"):
            return None
        return self.target or self.name


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its warehouse name, key and fields."""

    name: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    point: bool = False
    """Has lon/lat (point geometry files and coordinate columns accepted)."""
    polygon: bool = False
    """Accepts polygon geometry (communities)."""
    extra: dict = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    """Stored columns the importer computes rather than reads (``community_source``)."""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    @property
    def columns(self) -> list[str]:
        """Stored columns in field order, then the derived ones."""
        return [f.column for f in self.fields if f.column] + list(self.derived)


def normalise_header(h: object) -> str:
    """Compare headers without case, surrounding blanks, BOM, full-width brackets or units."""
    s = str(h).replace("\ufeff", "").strip().lower()
    for a, b in (("（", "("), ("）", ")"), (" ", ""), ("\u3000", ""), ("＿", "_")):
        s = s.replace(a, b)
    return s


def normalise_word(w: object) -> str:
    """Category words are matched trimmed and (for Latin letters) case-insensitively."""
    return str(w).strip().replace("\u3000", "").lower()


# ---------------------------------------------------------------- personal data
_NAME = ("姓名", "客户姓名", "用户姓名", "户名", "用户名称", "客户名称", "联系人", "申请人", "name_person")
_PHONE = ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "phone", "mobile")
_IDNO = ("身份证号", "身份证号码", "证件号码", "证件号", "id_number")
_ADDRESS = ("详细地址", "地址", "住址", "用户地址", "故障地址", "用电地址", "address")

PERSONAL_HEADERS: tuple[str, ...] = _NAME + _PHONE + _IDNO + _ADDRESS
"""Headers of personal data: never stored, never written to ``rejects``."""

_LON = ("经度", "lon", "lng", "longitude", "x坐标")
_LAT = ("纬度", "lat", "latitude", "y坐标")
_COMMUNITY_REF = ("所属社区", "所属社区编码", "社区编码", "community_id")


def _personal(address_kind: str = "drop") -> tuple[Field, ...]:
    return (
        Field("person_name", "drop", _NAME),
        Field("phone", "drop", _PHONE),
        Field("id_number", "drop", _IDNO),
        Field("address", address_kind, _ADDRESS),
    )


# ---------------------------------------------------------------- tables
TABLES: dict[str, TableSpec] = {
    "communities": TableSpec(
        "communities",
        key=("community_id",),
        point=True,
        polygon=True,
        fields=(
            Field("community_id", aliases=("社区编码", "社区代码", "村编码", "村代码", "community_id"), required=True, not_null=True),
            Field("name", aliases=("社区名称", "村名", "名称", "name")),
            Field("district", aliases=("区县", "所属区县", "district")),
            Field("subdistrict", aliases=("街道", "乡镇", "街道/乡镇", "街道(乡镇)", "subdistrict")),
            Field("kind", "category", ("类型", "城乡类别", "社区类型", "kind"), category="kind"),
            Field("households", "int", ("户数", "总户数", "居民户数", "households")),
            Field("population", "int", ("人口", "常住人口", "人口数", "population")),
            Field("elderly", "int", ("60岁以上人口", "老年人口", "老年人数", "elderly")),
            Field("disabled", "int", ("残疾人数", "disabled")),
            Field("lon", "lon", _LON),
            Field("lat", "lat", _LAT),
            Field("geometry_wkb", "wkb", ("geometry_wkb",)),
        ) + _personal(),
    ),
    "buildings": TableSpec(
        "buildings",
        key=("building_id",),
        point=True,
        fields=(
            Field("building_id", aliases=("楼栋编号", "出入口编号", "编号", "building_id"), required=True, not_null=True),
            Field("community_id", aliases=_COMMUNITY_REF, ref="community"),
            Field("kind", "category", ("类型", "kind"), category="building_kind"),
            Field("households", "int", ("户数", "households")),
            Field("population", "int", ("人口", "population")),
            Field("elderly", "int", ("60岁以上人口", "老年人口", "elderly")),
            Field("lon", "lon", _LON),
            Field("lat", "lat", _LAT),
        ) + _personal(),
    ),
    "business_halls": TableSpec(
        "business_halls",
        key=("hall_id",),
        point=True,
        fields=(
            Field("hall_id", aliases=("营业厅编号", "营业厅代码", "网点编号", "hall_id"), required=True, not_null=True),
            Field("name", aliases=("营业厅名称", "网点名称", "名称", "name")),
            Field("district", aliases=("区县", "所属区县", "district")),
            Field("lon", "lon", _LON),
            Field("lat", "lat", _LAT),
            Field("counters", "int", ("窗口数", "柜台数", "counters")),
        ) + _personal(),
    ),
    "service_rooms": TableSpec(
        "service_rooms",
        key=("room_id",),
        point=True,
        fields=(
            Field("room_id", aliases=("服务室编号", "服务室代码", "room_id"), required=True, not_null=True),
            Field("name", aliases=("服务室名称", "name")),
            Field("community_id", aliases=("所在社区", "所在社区编码", "community_id"), required=True, not_null=True, ref="community"),
            Field("served_community_ids", "ids", ("服务社区", "服务范围", "served_community_ids")),
            Field("lon", "lon", _LON),
            Field("lat", "lat", _LAT),
            Field("opened_on", "date", ("启用日期", "开放日期", "成立日期", "opened_on"), required=True, not_null=True),
            Field("closed_on", "date", ("停用日期", "撤销日期", "closed_on")),
            Field("open_days", "days", ("开放日", "服务日", "open_days")),
            Field("open_hours", aliases=("开放时间", "服务时间", "open_hours")),
            Field("managers", "int", ("客户经理人数", "managers")),
        ) + _personal(),
    ),
    "counter_tickets": TableSpec(
        "counter_tickets",
        derived=("community_source",),
        key=("ticket_id",),
        fields=(
            Field("ticket_id", aliases=("流水号", "票据流水号", "ticket_id")),
            Field("hall_id", aliases=("营业厅", "营业厅编号", "网点", "hall_id"), required=True, not_null=True, ref="hall"),
            Field("ticket_no", aliases=("排队号", "票号", "号码", "ticket_no")),
            Field("service_type", "category", ("业务类型", "业务名称", "service_type"), category="service_type"),
            Field("issued_at", "time", ("取号时间", "issued_at"), required=True, not_null=True),
            Field("called_at", "time", ("叫号时间", "called_at")),
            Field("started_at", "time", ("开始办理时间", "开始时间", "started_at")),
            Field("finished_at", "time", ("结束办理时间", "结束时间", "办结时间", "finished_at")),
            Field("counter_no", aliases=("窗口号", "窗口", "柜台号", "counter_no")),
            Field("outcome", "category", ("办理结果", "状态", "outcome"), category="outcome"),
            Field("customer_no", "hash", ("户号", "用户编号", "customer_no"), target="customer_hash"),
            Field("community_id", aliases=("所属社区", "community_id"), ref="community"),
            Field("is_appointment", "bool", ("是否预约", "is_appointment")),
        ) + _personal(),
    ),
    "hotline_orders": TableSpec(
        "hotline_orders",
        derived=("community_source",),
        key=("order_id",),
        fields=(
            Field("order_id", aliases=("工单编号", "工单号", "order_id"), required=True, not_null=True),
            Field("received_at", "time", ("受理时间", "received_at"), required=True, not_null=True),
            Field("category", "category", ("业务类型", "工单类型", "category"), category="hotline_category"),
            Field("subcategory", "free_text", ("业务子类", "诉求内容", "subcategory")),
            Field("community_id", aliases=("所属社区", "community_id"), ref="community"),
            Field("urban_rural", "category", ("城乡类别", "城农网标志", "urban_rural"), category="urban_rural"),
            Field("dispatched_at", "time", ("派工时间", "dispatched_at")),
            Field("arrived_at", "time", ("到达现场时间", "arrived_at")),
            Field("restored_at", "time", ("修复时间", "恢复送电时间", "restored_at")),
            Field("closed_at", "time", ("归档时间", "办结时间", "closed_at")),
            # city fault dashboards export durations instead of times (spec, field notes)
            Field("dispatch_min", "minutes", ("派工用时(分钟)", "派工用时", "dispatch_minutes")),
            Field("arrival_min", "minutes", ("到达现场时长(分钟)", "到达现场时长", "arrival_minutes")),
            Field("repair_min", "minutes", ("故障修复时长(分钟)", "故障修复时长", "repair_minutes")),
            Field("satisfaction", "category", ("回访满意度", "satisfaction"), category="satisfaction"),
            Field("customer_no", "hash", ("户号", "用户编号", "customer_no"), target="customer_hash"),
        ) + _personal(address_kind="address"),
    ),
    "room_visits": TableSpec(
        "room_visits",
        derived=("community_source",),
        key=("visit_id",),
        fields=(
            Field("visit_id", aliases=("台账编号", "流水号", "visit_id"), required=True, not_null=True),
            Field("room_id", aliases=("服务室编号", "服务室", "room_id"), required=True, not_null=True, ref="room"),
            Field("visited_at", "time", ("办理时间", "服务时间", "visited_at"), required=True, not_null=True),
            Field("service_type", "category", ("业务类型", "服务项目", "service_type"), category="service_type"),
            Field("customer_group", "category", ("客户类别", "customer_group"), category="customer_group"),
            Field("mode", "category", ("服务方式", "mode"), category="mode"),
            Field("community_id", aliases=("所属社区", "community_id"), ref="community"),
            Field("resolved", "bool", ("是否办结", "resolved")),
            Field("customer_no", "hash", ("户号", "用户编号", "customer_no"), target="customer_hash"),
        ) + _personal(),
    ),
    "customers": TableSpec(
        "customers",
        key=("customer_hash",),
        fields=(
            Field("customer_no", "hash", ("户号", "用户编号", "客户编号", "CUST_NO", "customer_no"),
                  required=True, not_null=True, target="customer_hash"),
            Field("community_id", aliases=("社区编码", "所属社区", "所属社区编码", "社区名称", "村编码", "community_id"),
                  required=True, not_null=True, ref="community"),
            Field("transformer_area", aliases=("台区编号", "台区", "所属台区", "transformer_area")),
            Field("customer_class", "category", ("用户类别", "客户类别", "customer_class"), category="customer_class"),
            Field("urban_rural", "category", ("城乡类别", "城农网标志", "urban_rural"), category="urban_rural"),
        ) + _personal(),
    ),
    "staff": TableSpec(
        "staff",
        key=("staff_hash", "assigned_on"),
        fields=(
            Field("staff_id", "hash", ("工号", "员工编号", "staff_id"), required=True, not_null=True, target="staff_hash"),
            Field("former_role", "category", ("原岗位", "former_role"), category="former_role"),
            Field("current_role", "category", ("现岗位", "current_role"), category="current_role"),
            Field("room_id", aliases=("服务室编号", "服务室", "room_id"), ref="room"),
            Field("assigned_on", "date", ("到岗日期", "assigned_on"), required=True, not_null=True),
        ) + _personal(),
    ),
}

TABLE_ALIASES: dict[str, str] = {
    "communities": "communities",
    "halls": "business_halls",
    "business_halls": "business_halls",
    "rooms": "service_rooms",
    "service_rooms": "service_rooms",
    "tickets": "counter_tickets",
    "counter_tickets": "counter_tickets",
    "hotline": "hotline_orders",
    "hotline_orders": "hotline_orders",
    "visits": "room_visits",
    "room_visits": "room_visits",
    "staff": "staff",
    "buildings": "buildings",
    "customers": "customers",
}
"""CLI table names (``halls``, ``tickets`` ...) and warehouse names → warehouse name."""


def table_spec(table: str) -> TableSpec:
    """The :class:`TableSpec` for a CLI or warehouse table name.

    Raises
    ------
    KeyError
        With the list of accepted names.
    """
    try:
        return TABLES[TABLE_ALIASES[table]]
    except KeyError:
        raise KeyError(
            f"unknown table {table!r}; expected one of "
            + ", ".join(k for k in TABLE_ALIASES if k in ("communities", "halls", "rooms", "tickets", "hotline", "visits", "staff", "buildings", "customers"))
        ) from None


# ---------------------------------------------------------------- category words
_SERVICE_TYPE = {
    "consultation": ("业务咨询", "电价咨询", "政策咨询", "咨询"),
    "query": ("信息查询", "电量查询", "电费查询", "查询"),
    "payment": ("交费", "缴费", "购电", "电费缴纳"),
    "fault_report": ("故障报修", "报修"),
    "application": ("新装", "增容", "变更", "过户", "业扩报装"),
    "agency": ("代办", "资料代收"),
    "complaint": ("投诉", "举报", "意见"),
    "promotion": ("用电宣传", "节能宣传"),
    "other": ("其他",),
}

_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "service_type": _SERVICE_TYPE,
    "kind": {"urban": ("城市社区", "社区", "城市", "城镇"), "rural": ("村", "行政村", "农村", "乡村")},
    "building_kind": {"building": ("楼栋", "楼宇", "住宅楼"), "gate": ("小区出入口", "出入口", "大门", "小区大门")},
    "outcome": {
        "served": ("正常", "已办结", "办结", "已办理"),
        "no_show": ("过号", "空号"),
        "cancelled": ("退办", "取消", "已取消"),
    },
    "hotline_category": {
        "consultation": ("咨询", "查询", "咨询查询"),
        "fault_repair": ("故障报修", "报修"),
        "complaint": ("投诉",),
        "report": ("举报",),
        "opinion": ("意见", "建议", "意见建议"),
        "praise": ("表扬",),
        "service_request": ("服务申请",),
        "reminder": ("催办",),
    },
    "urban_rural": {
        "urban": ("城市", "城网", "市区", "城区", "城镇"),
        "rural": ("农村", "农网", "乡村"),
        "remote": ("偏远", "边远", "特殊边远"),
    },
    "satisfaction": {
        "satisfied": ("满意", "非常满意"),
        "basically_satisfied": ("基本满意",),
        "dissatisfied": ("不满意",),
        "no_callback": ("未回访", "无需回访"),
    },
    "customer_group": {
        "general": ("普通", "普通客户"),
        "elderly": ("老年人", "孤寡老人", "老人"),
        "disabled": ("残疾人",),
        "military_family": ("军烈属",),
        "low_income": ("低保户",),
    },
    "mode": {
        "walk_in": ("到室", "到室办理"),
        "home_visit": ("上门", "代办上门", "上门服务"),
        "appointment": ("预约",),
    },
    "former_role": {
        "meter_reader": ("抄表员", "抄表", "原抄表人员"),
        "accountant": ("核算员",),
        "cashier": ("收费员",),
        "clerk": ("营业员",),
        "other": ("其他",),
    },
    "current_role": {"customer_manager": ("客户经理",), "other": ("其他",)},
    "customer_class": {
        "residential": ("居民", "居民生活", "城镇居民", "乡村居民", "农村居民"),
        "non_residential": ("非居民", "一般工商业", "工商业", "大工业", "农业生产"),
    },
}


def _build_words() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for vocab, codes in _WORDS.items():
        m: dict[str, str] = {}
        for code, words in codes.items():
            m[normalise_word(code)] = code  # the canonical English code itself
            for w in words:
                m[normalise_word(w)] = code
        out[vocab] = m
    return out


CATEGORY_WORDS: dict[str, dict[str, str]] = _build_words()
"""Vocabulary → {normalised word: canonical code}; codes themselves are accepted too."""

CATEGORY_CODES: dict[str, tuple[str, ...]] = {v: tuple(c) for v, c in _WORDS.items()}
"""Vocabulary → the canonical codes a profile may map a word to."""
