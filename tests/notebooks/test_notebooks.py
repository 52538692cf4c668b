"""Execute the analyst notebooks (nbclient) against a small demo warehouse so they cannot rot.

The notebook's own asserts check that the numbers it reproduces by hand equal the
package's and the CLI's; a failing cell fails this test with the cell's error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("nbdemo")
    db = d / "demo.duckdb"
    subprocess.run([sys.executable, "-m", "dashboard.cli", "demo", "--scale", "tiny", "--db", str(db),
                    "--out", str(d / "raw")], check=True, capture_output=True, cwd=ROOT, timeout=600)
    return db


def test_notebooks_exist_and_are_current():
    assert [p.name for p in NOTEBOOKS] == ["1-effect-analysis.ipynb"]
    sys.path.insert(0, str(ROOT / "notebooks"))
    try:
        import build_notebooks
    finally:
        sys.path.pop(0)
    on_disk = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert [c.source for c in on_disk.cells] == [c.source for c in build_notebooks.build().cells], (
        "notebook differs from notebooks/build_notebooks.py: run `python notebooks/build_notebooks.py`")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, demo_db: Path, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(demo_db))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert str(demo_db) in text  # it really read the warehouse named by SERVICECIRCLE_DB
    assert "of households" in text  # the coverage figure was computed
