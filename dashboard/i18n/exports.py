"""Strings of the coverage exports: walking areas and gaps as GeoJSON, KML, Shapefile."""

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
}
