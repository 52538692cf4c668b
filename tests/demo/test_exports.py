"""Helpers of the export writer checked against plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.exports import _run_counts


def test_run_counts_equal_pandas_cumcount():
    # 流水号 / 排队号 numbering: position in the hall-day, and in the hall-day's letter
    rng = np.random.default_rng(2)
    group = np.sort(rng.integers(0, 80, 4000))
    sub = rng.integers(0, 3, 4000)
    seq, no = _run_counts(group, sub, 3)
    df = pd.DataFrame({"g": group, "s": sub})
    assert seq.tolist() == (df.groupby("g").cumcount() + 1).tolist()
    assert no.tolist() == (df.groupby(["g", "s"]).cumcount() + 1).tolist()
    assert seq.max() > 30 and no.max() < seq.max()  # long runs, three letters
    empty = _run_counts(np.zeros(0, np.int64), np.zeros(0, np.int64), 3)
    assert [len(x) for x in empty] == [0, 0]
