"""Numbers for people: the engine's sentences (data.numbers) and the terminal (cli.format)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optimizer.cli import format as f
from optimizer.data import numbers as n


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234.56, "1,235"), (99.94, "99.9"), (-250.0, "-250"), (math.inf, "∞"), (-math.inf, "−∞")],
)
def test_hectares_read_the_same_in_a_sentence_and_in_a_table(value, text):
    assert n.hectares(value) == text
    assert f.ha(value) == text


def test_tables_show_round_off_as_zero_and_sentences_keep_it():
    assert f.ha(0.04) == "0" and f.ha(-0.04) == "0"
    assert n.hectares(0.04) == "0.0"


@pytest.mark.parametrize("missing", [None, float("nan"), np.float64("nan")])
def test_a_missing_number_reads_a_dash_everywhere(missing):
    for format_ in (n.hectares, n.percent, n.price, f.ha, f.pct, f.pct1, f.gini, f.m2, f.price):
        assert format_(missing) == n.MISSING
    assert f.signed(missing).plain == n.MISSING


def test_percentages_prices_and_typed_values():
    assert (f.pct(0.4659), f.pct1(0.4659), n.percent(0.4659, 1)) == ("47%", "46.6%", "46.6%")
    assert (n.price(0.44554), n.price(0.0), n.price(0.00012)) == ("0.4455", "0", "0.00012")
    assert n.price(0.000012) == "1.20e-05"
    assert (n.fmt(100000.0), n.fmt(0.45), n.fmt(np.float64(3.0)), n.fmt("x")) == (
        "100000",
        "0.45",
        "3",
        "x",
    )
    assert f.share_points(0.0123) == "1.23 pt" and f.total(12345.678, 1) == "12,345.7"
    assert f.total(None) == "—"


def test_signed_changes_carry_their_sign_unless_they_round_to_nothing():
    assert (f.signed(1234.0).plain, f.signed(-1234.0).plain) == ("+1,234", "−1,234")
    assert f.signed(0.01).plain == "0"
    assert f.signed_pct(0.125).plain == "+12.5%"
    assert f.signed(-0.0123, f.share_points).plain == "−1.23 pt"
