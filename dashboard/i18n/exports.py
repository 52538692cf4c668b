"""Strings of the coverage exports: walking areas and gaps as GeoJSON, KML, Shapefile; the
A4 notice sheets (公示牌) with their maps."""

STRINGS = {
    "cov.gis.title": {"zh": "导出步行范围和覆盖缺口", "en": "Export walking areas and gaps"},
    "cov.gis.help": {
        "zh": "当前步行设置和日期下的步行范围（多边形）和未覆盖社区（含未覆盖户数、步行距离），WGS-84 经纬度，可在奥维互动地图、Google Earth 或 GIS 软件中打开。",
        "en": "The walking area (polygons) and the communities with uncovered households (with their uncovered households and walking distance) at the current walk and date, in WGS-84 lon/lat, for 奥维互动地图, Google Earth or a GIS.",
    },
    "cov.gis.geojson": {"zh": "GeoJSON", "en": "GeoJSON"},
    "cov.gis.kml": {"zh": "KML（奥维 / Google Earth）", "en": "KML (Ovital / Google Earth)"},
    "cov.gis.shp": {"zh": "Shapefile（ZIP）", "en": "Shapefile (ZIP)"},
    "cov.gis.written": {"zh": "已写出 {path}（{fmt}）", "en": "Wrote {path} ({fmt})"},
    "cov.gis.bad_suffix": {
        "zh": "无法从文件名判断导出格式：{path}（请用 .geojson、.kml 或 .zip）",
        "en": "Cannot tell the export format from the file name: {path} (use .geojson, .kml or .zip)",
    },
    "cov.notice.sheet.address": {"zh": "地址", "en": "Address"},
    "cov.notice.sheet.days": {"zh": "开放日", "en": "Open on"},
    "cov.notice.sheet.hours": {"zh": "开放时间", "en": "Hours"},
    "cov.notice.sheet.managers": {"zh": "客户经理人数", "en": "Customer managers"},
    "cov.notice.sheet.served": {"zh": "服务社区", "en": "Communities served"},
    "cov.notice.sheet.contact": {"zh": "客户经理", "en": "Customer manager"},
    "cov.notice.sheet.phone": {"zh": "联系电话", "en": "Phone"},
    "cov.notice.print.title": {"zh": "打印公示牌（A4，每个服务室一页，含周边地图）", "en": "Print notice sheets (A4, one page per room, with a map)"},
    "cov.notice.print.help": {
        "zh": "可在此填写各服务室客户经理的姓名和电话：只写入下载的文件，不保存到任何地方。不填则留空白栏，打印后手写。",
        "en": "Type each room's manager name and phone here: they go only into the downloaded file and are stored nowhere. Left empty, the sheet has blank lines to write on.",
    },
    "cov.notice.print.rooms": {"zh": "服务室", "en": "Rooms"},
    "cov.notice.print.name": {"zh": "{room} 客户经理姓名", "en": "{room}: manager's name"},
    "cov.notice.print.phone": {"zh": "{room} 联系电话", "en": "{room}: phone"},
    "cov.notice.print.make": {"zh": "生成公示牌", "en": "Make the sheets"},
    "cov.notice.print.download": {"zh": "下载公示牌（HTML，用浏览器打印为 PDF）", "en": "Download sheets (HTML: print or save as PDF from the browser)"},
}
