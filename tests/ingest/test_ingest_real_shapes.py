"""Shapes real Chinese business-system and Excel exports have: titles above the header,
total / note rows at the bottom, names instead of ids, Excel's text-forcing forms,
other delimiters and UTF-16.

Every expectation is worked by hand from the small file in the test (or computed with
plain pandas on the same rows), never copied from the importer's output.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from .ingest_helpers import all_text, identity, rows, write_text

from dashboard.ingest import import_files

PREAMBLE = "2024年3月城东营业厅排队叫号明细表,,,\n导出时间：2024-04-01,,,\n,,,\n"
HEAD = "流水号,营业厅,取号时间,业务类型\n"
BODY = (
    "T1,H01,2024-03-05 09:00,交费\n"
    "T2,H02,2024-03-05 09:10,查询\n"
    "T3,H99,2024-03-05 09:20,交费\n"  # unknown hall: line 7
    "T4,H01,2024-03-05 09:30,交费\n"
)


def _rejects(db, name):
    return rows(db, "select row_number, field, reason, detail, values_json from rejects "
                    "where file_name = $f order by row_number", {"f": name})


# ---------------------------------------------------------------- 1. title / note rows
def test_find_header_row_most_known_names_earliest_tie():
    from dashboard.ingest.readers import find_header_row

    names = {"流水号", "营业厅", "取号时间"}
    rows_ = [["明细表"], ["导出时间：2024-04-01"], [], ["流水号", "营业厅", "x"], ["流水号", "营业厅", "取号时间"]]
    assert find_header_row(rows_, names) == 4
    assert find_header_row([["流水号", "a"], ["营业厅", "b"]], names) == 0  # tie → earliest
    assert find_header_row([["a"], ["b"]], names) == 0  # nothing known → first row
    # only the first `limit` rows are looked at
    assert find_header_row([["a"]] * 25 + [["流水号"]], names) == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_title_rows_skipped_and_line_numbers(base_db, tmp_path, encoding):
    path = write_text(tmp_path / f"t_{encoding}.csv", PREAMBLE + HEAD + BODY, encoding)
    r = import_files("tickets", [path], db=base_db)
    d = r.as_dict()
    f = r.files[0]
    assert (f.skipped_preamble_rows, f.header_line) == (3, 4)
    assert r.skipped_preamble_rows == 3
    assert d["read"] == 4 and d["stored"] == 3 and d["reasons"] == {"unknown_hall": 1} and identity(d)
    # T3 is on the file's line 7 (3 preamble lines, header on line 4, data from line 5)
    got = _rejects(base_db, path.name)
    assert [(g[0], g[1], g[2], g[3]) for g in got] == [(7, "hall_id", "unknown_hall", "H99")]
    assert json.loads(got[0][4])["ticket_id"] == "T3"
    # what is stored equals what pandas reads below the title rows
    expect = pd.read_csv(path, skiprows=3, dtype=str, encoding=encoding)
    expect = expect[expect["营业厅"] != "H99"]
    stored = rows(base_db, "select ticket_id, hall_id, strftime(issued_at, '%Y-%m-%d %H:%M') "
                           "from counter_tickets order by 1")
    assert stored == list(expect[["流水号", "营业厅", "取号时间"]].itertuples(index=False, name=None))


def test_csv_title_without_delimiters_and_blank_line(base_db, tmp_path):
    """A title line with no commas and a truly empty line above the header."""
    text = "排队叫号明细\n\n制表单位：城东营业厅\n" + HEAD + BODY
    path = write_text(tmp_path / "t.csv", text)
    r = import_files("tickets", [path], db=base_db)
    assert r.files[0].skipped_preamble_rows == 3 and r.read == 4 and r.stored == 3
    assert [g[0] for g in _rejects(base_db, path.name)] == [7]


def test_csv_header_on_first_line_unchanged(base_db, tmp_path):
    path = write_text(tmp_path / "t.csv", HEAD + BODY)
    r = import_files("tickets", [path], db=base_db)
    assert (r.files[0].skipped_preamble_rows, r.files[0].header_line) == (0, 1)
    assert [g[0] for g in _rejects(base_db, path.name)] == [4]  # header line 1, T3 on line 4


def _xlsx(path, sheet_rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for i, r in enumerate(sheet_rows, start=1):
        for j, v in enumerate(r, start=1):
            if v is not None:
                ws.cell(row=i, column=j, value=v)
    wb.save(path)
    return path


def test_xlsx_title_rows_blank_rows_and_float_ids(base_db, tmp_path):
    path = _xlsx(tmp_path / "t.xlsx", [
        ["2024年3月城东营业厅排队叫号明细表"],              # 1
        ["导出时间：2024-04-01"],                         # 2
        [],                                               # 3
        ["流水号", "营业厅", "取号时间", "业务类型"],        # 4 header
        [12345.0, "H01", "2024-03-05 09:00", "交费"],      # 5: id exported as a float
        [],                                               # 6: empty row inside the data
        ["T2", "H99", "2024-03-05 09:10", "交费"],         # 7: unknown hall
        ["T3", "H02", "2024-03-05 09:20", "查询"],         # 8
        ["合计", 3, None, None],                           # 9: total row
    ])
    r = import_files("tickets", [path], db=base_db)
    f = r.files[0]
    assert (f.skipped_preamble_rows, f.header_line) == (3, 4)
    assert r.read == 4 and r.stored == 2 and r.reasons == {"unknown_hall": 1, "summary_row": 1}
    assert identity(r.as_dict())
    got = _rejects(base_db, path.name)
    assert [(g[0], g[2]) for g in got] == [(7, "unknown_hall"), (9, "summary_row")]
    assert rows(base_db, "select ticket_id from counter_tickets order by 1") == [("12345",), ("T3",)]


# ---------------------------------------------------------------- 2. total / note rows
def test_footer_rows_are_summary_rejects_without_values(base_db, tmp_path):
    text = HEAD + BODY + "合计,4,,\n小 计：,,,\n总计,,,\n制表人：张三丰  审核人：李四光,,,\n"
    path = write_text(tmp_path / "t.csv", text)
    d = import_files("tickets", [path], db=base_db).as_dict()
    assert d["read"] == 8 and d["stored"] == 3 and identity(d)
    assert d["reasons"] == {"summary_row": 4, "unknown_hall": 1}
    got = _rejects(base_db, path.name)
    summ = [(g[0], g[1], g[3], g[4]) for g in got if g[2] == "summary_row"]
    assert summ == [(6, None, "合计", None), (7, None, "小计", None), (8, None, "总计", None), (9, None, "制表", None)]
    text_all = all_text(base_db)
    assert "张三丰" not in text_all and "李四光" not in text_all


def test_total_row_of_a_reference_table_is_not_stored(db, tmp_path):
    """A 合计 row in communities would otherwise be a valid community named 合计."""
    text = ("社区编码,社区名称,户数\nC001,梅园社区,3200\nC002,桃园社区,2500\n合计,,5700\n")
    d = import_files("communities", [write_text(tmp_path / "c.csv", text)], db=db).as_dict()
    assert d["stored"] == 2 and d["reasons"] == {"summary_row": 1}
    assert rows(db, "select community_id from communities order by 1") == [("C001",), ("C002",)]


def test_summary_word_in_a_later_column_or_inside_a_value_is_data(base_db, tmp_path):
    """Only the first non-empty cell counts, and only at its start: 合计 in the hall
    column or an id containing 合计 is not a total row."""
    text = HEAD + "T1合计,H01,2024-03-05 09:00,交费\nT2,合计,2024-03-05 09:00,交费\n,,,\n"
    d = import_files("tickets", [write_text(tmp_path / "t.csv", text)], db=base_db).as_dict()
    assert d["stored"] == 1
    # an empty row stays what it was (hall missing)
    assert d["reasons"] == {"unknown_hall": 1, "value_missing": 1}


# ---------------------------------------------------------------- 3. names instead of ids
def test_hall_names_mapped_to_ids(base_db, tmp_path):
    text = HEAD + (
        "T1,城东营业厅,2024-03-05 09:00,交费\n"
        "T2,\u3000城西营业厅 ,2024-03-05 09:10,交费\n"  # full-width and ASCII blanks around
        "T3,H01,2024-03-05 09:20,交费\n"
        "T4,城北营业厅,2024-03-05 09:30,交费\n"  # no such hall
    )
    r = import_files("tickets", [write_text(tmp_path / "t.csv", text)], db=base_db)
    assert r.stored == 3 and r.reasons == {"unknown_hall": 1}
    assert r.files[0].names_mapped == {"hall_id": 2}
    assert rows(base_db, "select ticket_id, hall_id from counter_tickets order by 1") == [
        ("T1", "H01"), ("T2", "H02"), ("T3", "H01")]
    assert [(g[0], g[3]) for g in _rejects(base_db, "t.csv")] == [(5, "城北营业厅")]


def test_ambiguous_hall_name_rejected_with_candidates(base_db, tmp_path):
    import_files("halls", [write_text(tmp_path / "h.csv", "营业厅编号,营业厅名称\nH03,城西营业厅\n")], db=base_db)
    text = HEAD + "T1,城西营业厅,2024-03-05 09:00,交费\nT2,城东营业厅,2024-03-05 09:00,交费\n"
    r = import_files("tickets", [write_text(tmp_path / "t.csv", text)], db=base_db)
    assert r.stored == 1 and r.reasons == {"unknown_hall": 1}
    got = _rejects(base_db, "t.csv")
    assert got[0][0] == 2 and got[0][1] == "hall_id"
    assert "ambiguous" in got[0][3] and "H02" in got[0][3] and "H03" in got[0][3]


def test_room_and_community_names_in_visits(base_db, tmp_path):
    rooms = ("服务室编号,服务室名称,所在社区,启用日期\n"
             "R01,梅园服务室,梅园社区,2024-03-05\n"  # community by name in the rooms file too
             "R02,王庄服务室,V001,2024-04-01\n")
    d = import_files("rooms", [write_text(tmp_path / "r.csv", rooms)], db=base_db).as_dict()
    assert d["stored"] == 2, d
    assert rows(base_db, "select room_id, community_id from service_rooms order by 1") == [
        ("R01", "C001"), ("R02", "V001")]
    visits = ("台账编号,服务室,办理时间,所属社区\n"
              "V1,梅园服务室,2024-03-05 10:00,桃园社区\n"
              "V2,R02,2024-03-05 10:00,王庄村\n"
              "V3,梅园服务室,2024-03-05 10:00,杏园社区\n")  # unknown community name
    r = import_files("visits", [write_text(tmp_path / "v.csv", visits)], db=base_db)
    assert r.stored == 2 and r.reasons == {"unknown_community": 1}
    assert rows(base_db, "select visit_id, room_id, community_id from room_visits order by 1") == [
        ("V1", "R01", "C002"), ("V2", "R02", "V001")]


def test_an_id_wins_over_a_name(base_db, tmp_path):
    """A hall whose *name* is another hall's id: the value is read as the id."""
    import_files("halls", [write_text(tmp_path / "h.csv", "营业厅编号,营业厅名称\nH05,H01\n")], db=base_db)
    text = HEAD + "T1,H01,2024-03-05 09:00,交费\n"
    import_files("tickets", [write_text(tmp_path / "t.csv", text)], db=base_db)
    assert rows(base_db, "select hall_id from counter_tickets") == [("H01",)]


# ---------------------------------------------------------------- 4. Excel oddities
def test_excel_text_forcing_forms_and_blank_cells(base_db, tmp_path):
    text = ("流水号,营业厅,取号时间,业务类型,所属社区\n"
            '="0012345",H01,2024-03-05 09:00,交费,="C001"\n'
            "'0012346,'H02,2024-03-05 09:10,交费,\u3000\u3000\n"
            "0012347,\u00a0H01\u00a0,2024-03-05 09:20, \u3000 ,C002\n"
            "0012348,\u3000 ,2024-03-05 09:30,交费,\n")  # hall only blanks → missing
    path = write_text(tmp_path / "t.csv", text)
    r = import_files("tickets", [path], db=base_db)
    assert r.stored == 3 and r.reasons == {"value_missing": 1}
    assert rows(base_db, "select ticket_id, hall_id, service_type, community_id from counter_tickets order by 1") == [
        ("0012345", "H01", "payment", "C001"),
        ("0012346", "H02", "payment", None),
        ("0012347", "H01", None, "C002"),
    ]
    got = _rejects(base_db, path.name)
    assert [(g[0], g[1], g[2]) for g in got] == [(5, "hall_id", "value_missing")]


# ---------------------------------------------------------------- 5. delimiters, UTF-16
@pytest.mark.parametrize("name, data", [
    ("semicolon", (HEAD + BODY).replace(",", ";").encode("utf-8")),
    ("tab", (HEAD + BODY).replace(",", "\t").encode("utf-8")),
    ("sep_line", ("sep=;\n" + (HEAD + BODY).replace(",", ";")).encode("utf-8")),
    # Excel's "Unicode text": UTF-16 LE with a BOM, tabs, CRLF
    ("utf16", (HEAD + BODY).replace(",", "\t").replace("\n", "\r\n").encode("utf-16")),
    ("utf16_title", ("明细表\t\t\t\n" + (HEAD + BODY).replace(",", "\t")).replace("\n", "\r\n").encode("utf-16")),
    ("tab_title", ("明细表\n导出时间：2024-04-01\n" + (HEAD + BODY).replace(",", "\t")).encode("gbk")),
])
def test_delimiters_and_utf16(base_db, tmp_path, name, data):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    r = import_files("tickets", [path], db=base_db)
    assert r.read == 4 and r.stored == 3 and r.reasons == {"unknown_hall": 1}
    assert rows(base_db, "select ticket_id, hall_id from counter_tickets order by 1") == [
        ("T1", "H01"), ("T2", "H02"), ("T4", "H01")]
    # T3 is the third data row: its line is header line + 3
    assert [g[0] for g in _rejects(base_db, path.name)] == [r.files[0].header_line + 3]


def test_profile_header_found_below_a_title(base_db, tmp_path):
    """The header search knows the profile's headers too."""
    text = "叫号明细表,,\n办理网点,流水号,取票时刻\nH01,T1,2024-03-05 09:00\n"
    prof = {"headers": {"tickets": {"办理网点": "hall_id", "取票时刻": "issued_at"}}}
    r = import_files("tickets", [write_text(tmp_path / "t.csv", text)], db=base_db, profile=prof)
    assert (r.files[0].header_line, r.stored) == (2, 1)
    assert rows(base_db, "select ticket_id, hall_id from counter_tickets") == [("T1", "H01")]


@pytest.mark.parametrize("cell, expect", [
    ("H01", "H01"),
    ("  H01 ", "H01"),
    ("\u3000H01\u3000", "H01"),
    ("\u00a0H01\u00a0", "H01"),
    ("\tH01", "H01"),
    ('="0012345"', "0012345"),
    ("'0012345", "0012345"),
    (' ="0012" ', "0012"),
    ("\u3000 \u00a0", None),
    ("", None),
    ("a=b", "a=b"),
    ("It's", "It's"),
])
def test_clean_sql_cases(cell, expect):
    import duckdb

    from dashboard.ingest.validate import clean_sql

    con = duckdb.connect()
    got = con.execute(f"select {clean_sql('c')} from (select $v as c)", {"v": cell}).fetchone()[0]
    assert got == expect


def test_served_communities_listed_by_name(base_db, tmp_path):
    text = ("服务室编号,服务室名称,所在社区,服务社区,启用日期\n"
            "R01,梅园服务室,C001,桃园社区、王庄村;C001,2024-03-05\n"
            "R02,桃园服务室,C002,杏园社区,2024-03-05\n")  # no such community
    r = import_files("rooms", [write_text(tmp_path / "r.csv", text)], db=base_db)
    assert r.stored == 1 and r.reasons == {"unknown_community": 1}
    assert rows(base_db, "select served_community_ids from service_rooms") == [(["C001", "C002", "V001"],)]
    assert rows(base_db, "select field, detail from rejects") == [("served_community_ids", "杏园社区")]


@pytest.mark.parametrize("preamble", ["", "排队叫号明细\n\n导出时间：2024-04-01\n"])
def test_footer_lines_without_delimiters(base_db, tmp_path, preamble):
    """Footer notes written by a business system as bare text lines (fewer cells than
    the header, or trailing empty cells) are padded and rejected as summary rows."""
    text = preamble + HEAD + BODY + "合计：4笔\n制表人：张三丰,,,,,,,\n"
    path = write_text(tmp_path / "t.csv", text)
    r = import_files("tickets", [path], db=base_db)
    n_pre = preamble.count("\n")
    assert r.files[0].header_line == n_pre + 1
    assert r.read == 6 and r.stored == 3 and r.reasons == {"unknown_hall": 1, "summary_row": 2}
    got = _rejects(base_db, path.name)
    assert [(g[0], g[2]) for g in got] == [
        (n_pre + 4, "unknown_hall"), (n_pre + 6, "summary_row"), (n_pre + 7, "summary_row")]
    assert "张三丰" not in all_text(base_db)


def test_row_with_too_many_cells_below_a_title_refused_naming_the_line(base_db, tmp_path):
    from dashboard.ingest import ImportRefused

    text = "排队叫号明细,,,\n" + HEAD + "T1,H01,2024-03-05 09:00,交费\nT2,H01,2024-03-05 09:00,交费,多出来,的值\n"
    with pytest.raises(ImportRefused, match=r"t\.csv.*Line: 4"):
        import_files("tickets", [write_text(tmp_path / "t.csv", text)], db=base_db)
    assert rows(base_db, "select count(*) from counter_tickets") == [(0,)]


def test_import_notes_in_cli_and_result(base_db, tmp_path):
    """The header below a title, names mapped to ids and unused columns are said in words."""
    from typer.testing import CliRunner

    from dashboard.cli import app

    text = ("2024年3月排队叫号明细\n"
            "流水号,营业厅,取号时间,操作员备注\n"
            "N1,城东营业厅,2024-03-05 09:00,x\n"
            "N2,H02,2024-03-05 09:05,y\n")
    path = write_text(tmp_path / "noted.csv", text)
    out = CliRunner().invoke(app, ["import", "tickets", str(path), "--db", str(base_db), "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "noted.csv: the header is on line 2; the 1 title or note rows above it were skipped" in out.stdout
    assert "noted.csv: 1 business hall names were matched to their ids." in out.stdout
    assert "操作员备注" in out.stdout and "not recognised" in out.stdout
    # the same sentences in Chinese, from the result itself (a re-import: nothing new)
    r = import_files("tickets", [path], db=base_db)
    zh = r.notes("zh")
    assert zh[0].startswith("noted.csv：表头在第 2 行") and len(zh) == 3
    assert rows(base_db, "select ticket_id, hall_id from counter_tickets order by 1") == [("N1", "H01"), ("N2", "H02")]


# ---------------------------------------------------------------- workbooks beyond .xlsx
def test_old_xls_workbook_with_title_and_date_cells(base_db, tmp_path):
    """Excel 97-2003 .xls (still common from older systems): title row, real date cells,
    a number-typed id, a bad time; line numbers are the sheet's."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("排队明细")
    when = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    ws.write(0, 0, "2024年3月排队叫号明细")                          # line 1: title
    for j, h in enumerate(["流水号", "营业厅", "取号时间", "叫号时间", "办理结果"]):
        ws.write(1, j, h)                                            # line 2: header
    data = [
        ("X1", "H01", dt.datetime(2024, 3, 5, 9, 0), dt.datetime(2024, 3, 5, 9, 12, 30), "正常"),  # 3
        (20240305.0, "H02", dt.datetime(2024, 3, 5, 9, 5), "2024/3/5 下午 2:15:00", "过号"),       # 4
        ("X3", "H01", "yesterday", None, "正常"),                                                   # 5: bad time
    ]
    for i, r in enumerate(data, start=2):
        for j, v in enumerate(r):
            if v is None:
                continue
            ws.write(i, j, v, when) if isinstance(v, dt.datetime) else ws.write(i, j, v)
    path = tmp_path / "tickets.xls"
    wb.save(str(path))
    r = import_files("tickets", [path], db=base_db)
    assert (r.read, r.stored, r.rejected) == (3, 2, 1) and identity(r.as_dict())
    assert r.files[0].header_line == 2
    assert [(g[0], g[1], g[2]) for g in _rejects(base_db, path.name)] == [(5, "issued_at", "time_unparseable")]
    assert rows(base_db, "select ticket_id, issued_at, called_at, outcome from counter_tickets order by 1") == [
        ("20240305", dt.datetime(2024, 3, 5, 9, 5), dt.datetime(2024, 3, 5, 14, 15), "no_show"),
        ("X1", dt.datetime(2024, 3, 5, 9, 0), dt.datetime(2024, 3, 5, 9, 12, 30), "served"),
    ]


def test_xlsx_sheet_starting_below_empty_rows_keeps_sheet_line_numbers(base_db, tmp_path):
    path = _xlsx(tmp_path / "low.xlsx", [
        [], [],                                            # 1-2: empty
        ["流水号", "营业厅", "取号时间"],                    # 3: header
        ["L1", "H01", "2024-03-05 09:00"],                 # 4
        ["L2", "H77", "2024-03-05 09:01"],                 # 5: unknown hall
    ])
    r = import_files("tickets", [path], db=base_db)
    assert (r.stored, r.rejected) == (1, 1)
    assert [g[0] for g in _rejects(base_db, path.name)] == [5]
