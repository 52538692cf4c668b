"""show_table(): the table on screen with translated headers and two download buttons."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = '''
import pandas as pd
from dashboard.ui.tables import show_table
df = pd.DataFrame({"community": ["幸福里", "和平里"], "households": [1200, 800]})
show_table(df, key="t1", lang=LANG, columns={"community": "社区", "households": "户数"}, file_stem="缺口")
'''


def _run(lang: str) -> AppTest:
    at = AppTest.from_string(SCRIPT.replace("LANG", repr(lang)), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_table_with_display_headers():
    at = _run("zh")
    assert len(at.dataframe) == 1
    df = at.dataframe[0].value
    assert list(df.columns) == ["社区", "户数"]
    assert list(df["户数"]) == [1200, 800]


def test_two_download_buttons_in_the_language():
    for lang, labels in (("zh", {"下载 CSV", "下载 Excel"}), ("en", {"Download CSV", "Download Excel"})):
        at = _run(lang)
        buttons = at.get("download_button")
        assert {b.proto.label for b in buttons} == labels
        # generated only when clicked, and the click does not rerun the page
        assert all(b.proto.deferred_file_id and b.proto.ignore_rerun for b in buttons)
