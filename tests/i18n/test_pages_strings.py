"""No visible string reaches a page without going through the catalogue, and no page
renders HTML built from anything but a constant.

An AST scan of the page files (``dashboard/screens/*.py``), the app entry and the UI
helpers: a string literal (or f-string with literal words) passed as the text of a
Streamlit display call (``st.title``, ``col.metric``, ``st.selectbox`` label, ``help=``,
...) is a string that bypasses :func:`dashboard.i18n.t` and fails the test. Strings
without letters (``"–"``, ``"%"``), Material icons (``":material/map:"``) and CSS
(``"<style>..."``) are allowed. The scanner itself is tested on snippets so it can
fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Streamlit calls whose first positional argument is shown to the user.
TEXT_FIRST = {
    "title", "header", "subheader", "markdown", "caption", "write", "text", "button",
    "metric", "selectbox", "multiselect", "radio", "slider", "select_slider", "text_input",
    "text_area", "number_input", "date_input", "time_input", "checkbox", "toggle", "expander",
    "info", "warning", "error", "success", "exception", "download_button", "link_button",
    "page_link", "file_uploader", "form_submit_button", "toast", "spinner", "status",
    "popover", "segmented_control", "pills", "color_picker", "camera_input", "latex",
    "feedback", "chat_input", "badge", "write_stream", "tabs", "dialog",
}
# Calls whose first argument is not text (st.page_link's is the page).
NOT_TEXT_FIRST = {"page_link"}
# Keyword arguments that are shown (tooltips, placeholders, labels).
TEXT_KW = {"label", "body", "help", "placeholder", "caption", "text", "title"}
# Widgets whose options are shown as-is unless a format_func is given.
OPTION_WIDGETS = {"selectbox", "multiselect", "radio", "select_slider", "segmented_control", "pills"}
HTML_CALLS = {"html"}  # st.html: always HTML
# Explicitly allowed literals with letters (keep this list short).
ALLOW = {"中文", "English", "CSV", "XLSX"}


def _is_allowed_literal(s: str) -> bool:
    stripped = s.strip()
    if not any(ch.isalpha() for ch in stripped):
        return True
    if stripped.startswith(":material/") and stripped.endswith(":") and " " not in stripped:
        return True
    if stripped.lower().startswith("<style"):
        return True
    return stripped in ALLOW


def _module_constants(tree: ast.Module) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for tgt in node.targets:
                if isinstance(tgt, ast.Name):
                    out[tgt.id] = node.value.value
        elif (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
              and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            out[node.target.id] = node.value.value
    return out


def _literal_texts(node: ast.AST, consts: dict[str, str]) -> list[str]:
    """Literal text pieces of an argument expression (what would show unchanged)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _literal_texts(node.left, consts) + _literal_texts(node.right, consts)
    if isinstance(node, ast.Name) and node.id in consts:
        return [consts[node.id]]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [s for e in node.elts for s in _literal_texts(e, consts)]
    if isinstance(node, ast.IfExp):
        return _literal_texts(node.body, consts) + _literal_texts(node.orelse, consts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal_texts(node.func.value, consts)
    return []


def _is_constant_html(node: ast.AST, consts: dict[str, str]) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.Name) and node.id in consts:
        return True
    return False


def scan_source(src: str, filename: str = "<src>") -> tuple[list[str], list[str]]:
    """Return (untranslated strings, unsafe HTML calls) found in ``src``."""
    tree = ast.parse(src, filename)
    consts = _module_constants(tree)
    strings: list[str] = []
    unsafe: list[str] = []
    # Streamlit "magic" prints any bare expression statement, strings included
    # (docstrings of the module, functions and classes excepted).
    docstrings = set()
    for node in [tree, *ast.walk(tree)]:
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Expr) and id(node) not in docstrings
                and isinstance(node.value, (ast.Constant, ast.JoinedStr))
                and (not isinstance(node.value, ast.Constant) or isinstance(node.value.value, str))):
            strings.append(f"{filename}:{node.lineno}: bare string shown by Streamlit magic")
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        where = f"{filename}:{node.lineno}"
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        # --- HTML safety
        unsafe_flag = kw.get("unsafe_allow_html")
        is_unsafe = isinstance(unsafe_flag, ast.Constant) and unsafe_flag.value is True or (
            unsafe_flag is not None and not isinstance(unsafe_flag, ast.Constant))
        js_flag = kw.get("unsafe_allow_javascript")
        if js_flag is not None and not (isinstance(js_flag, ast.Constant) and js_flag.value is False):
            unsafe.append(f"{where}: unsafe_allow_javascript")
        if is_unsafe or name in HTML_CALLS:
            body = node.args[0] if node.args else kw.get("body")
            if body is None or not _is_constant_html(body, consts):
                unsafe.append(f"{where}: {name}(...) renders HTML from a non-constant")
        # --- visible strings
        if name not in TEXT_FIRST and name not in OPTION_WIDGETS:
            continue
        if name == "write" or name in TEXT_FIRST:
            candidates = [node.args[0]] if node.args and name not in NOT_TEXT_FIRST else []
            if name == "write":
                candidates = list(node.args)
            candidates += [v for k, v in kw.items() if k in TEXT_KW]
            for c in candidates:
                for s in _literal_texts(c, consts):
                    if not _is_allowed_literal(s):
                        strings.append(f"{where}: {name}({s!r})")
        if name in OPTION_WIDGETS and "format_func" not in kw:
            opts = node.args[1] if len(node.args) > 1 else kw.get("options")
            if opts is not None:
                for s in _literal_texts(opts, consts):
                    if not _is_allowed_literal(s):
                        strings.append(f"{where}: {name} option {s!r} without format_func")
        # metric value/delta given as words
        if name == "metric":
            for c in node.args[1:3] + [kw[k] for k in ("value", "delta") if k in kw]:
                for s in _literal_texts(c, consts):
                    if not _is_allowed_literal(s):
                        strings.append(f"{where}: metric value {s!r}")
    return strings, unsafe


def _ui_files() -> list[Path]:
    files = sorted((ROOT / "dashboard" / "screens").glob("*.py"))
    files += [ROOT / "dashboard" / "app.py", ROOT / "dashboard" / "headless.py"]
    files += sorted((ROOT / "dashboard" / "ui").glob("*.py"))
    return [f for f in files if f.exists()]


# ------------------------------------------------------------------ the scanner itself
@pytest.mark.parametrize("src", [
    'import streamlit as st\nst.title("Overview")',
    'st.sidebar.header("筛选")',
    'c1, c2 = st.columns(2)\nc1.metric("Offload share", 0.3)',
    'st.selectbox(t("x", lang), ["a b", "c"], help="Pick a hall")',
    'st.markdown(f"**Total:** {n}")',
    'st.button(label="Go")',
    'st.radio(t("k"), ["Yes", "No"])',
    'st.tabs(["Map", "Table"])',
    'st.markdown("Caption here")',
    'st.metric(t("k"), "n/a")',
    'X = "Households"\nst.caption(X)',
])
def test_scanner_flags_untranslated(src):
    strings, _ = scan_source(src)
    assert strings, f"not flagged: {src}"


@pytest.mark.parametrize("src", [
    'st.title(t("nav.overview", lang))',
    'st.markdown(f"**{t(\'a\', lang)}**")',
    'st.metric(t("k", lang), "–", delta="+3%")',
    'st.selectbox(t("k", lang), ["payment", "query"], format_func=lambda c: label("service_type", c, lang))',
    'st.button(t("k"), icon=":material/download:")',
    'CSS = "<style>.x{font-size:2rem}</style>"\nst.markdown(CSS, unsafe_allow_html=True)',
    'st.write(df)',
    'st.page_link("screens/" + key + ".py", label=t("nav.hotline", lang))',
])
def test_scanner_accepts_translated(src):
    strings, unsafe = scan_source(src)
    assert not strings and not unsafe, (strings, unsafe)


@pytest.mark.parametrize("src", [
    'st.markdown(f"<b>{name}</b>", unsafe_allow_html=True)',
    'st.markdown("<b>" + name + "</b>", unsafe_allow_html=True)',
    'st.html(html_of(row))',
    'st.markdown(x, unsafe_allow_html=flag)',
    'st.html("<p>x</p>", unsafe_allow_javascript=True)',
    'st.markdown("<b>{}</b>".format(name), unsafe_allow_html=True)',
])
def test_scanner_flags_unsafe_html(src):
    _, unsafe = scan_source(src)
    assert unsafe, f"not flagged: {src}"


# ------------------------------------------------------------------ the real files
def test_ui_files_exist():
    assert (ROOT / "dashboard" / "app.py").exists()


@pytest.mark.parametrize("path", _ui_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_untranslated_visible_string(path: Path):
    strings, _ = scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not strings, "strings shown without t():\n" + "\n".join(strings)


@pytest.mark.parametrize("path", _ui_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unsafe_html_from_data(path: Path):
    _, unsafe = scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not unsafe, "HTML built from non-constant content:\n" + "\n".join(unsafe)
