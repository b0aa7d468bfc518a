"""Unique prices of a phased plan's period rows (MODEL.md §6 and §7) and explain's pools.

Every rate is checked against finite differences: the scenario re-solved with the
period's pool (or milestone) moved by δ through the same overrides ``--set`` takes,
Z(δ) − Z(0) = rate · δ while δ stays inside the range the rate holds over.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from factories import county, dataset
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from optimizer import solve
from optimizer.analysis.prices import PRICE_COLUMNS
from optimizer.data.read import load_dataset

PHASED = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central-periods"
#: Most a probe moves a limit (ha); less when the rate stops holding sooner.
DELTA = 40.0
#: Z agrees within this (objective units): the LP optima are exact to ~1e-9 of Z.
Z_ABS = 2e-4


def _row(result, family: str, id_: str = "region") -> dict:
    m = result.marginals
    hit = m[(m["family"] == family) & (m["id"] == id_)]
    assert len(hit) == 1, f"{family} not in marginals: {sorted(set(m['family']))}"
    return hit.iloc[0].to_dict()


def _delta(row: dict, side: str, most: float = DELTA) -> float:
    """A move inside the range the rate of ``side`` (gain / loss) holds over."""
    room = abs(row[f"{side}_holds_to"] - row["limit"])
    return min(most, room / 2) if math.isfinite(room) else most


def _pools(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.6f}" for v in values) + "]"


def _assert_pool_rates(ds, result, move_pool, most: float = DELTA) -> None:
    """For every period t with a pool row: Z with its limit moved ±δ by ``move_pool(t, δ)``
    (overrides) − Z = +gain·δ / −loss·δ."""
    z0 = result.objective
    ends = [str(e) for e in ds.scenario.periods.end_years]
    checked = 0
    families = set(result.marginals["family"])
    for t, end in enumerate(ends):
        if f"quota_pool@{end}" not in families:  # the last end with carry-over: the horizon
            assert t == len(ends) - 1 and ds.scenario.periods.carry_over
            continue
        row = _row(result, f"quota_pool@{end}")
        for side, sign in (("gain", 1.0), ("loss", -1.0)):
            rate = row[f"{side}_per_unit"]
            if math.isinf(rate):
                continue
            d = _delta(row, side, most)
            if d <= 1e-6:
                continue
            moved = solve(ds.with_overrides(move_pool(t, sign * d)), backend="highs")
            assert moved.status == "optimal"
            assert moved.objective - z0 == pytest.approx(sign * rate * d, abs=Z_ABS), (end, side)
            checked += 1
    assert checked


@pytest.fixture(scope="module")
def reference():
    ds = load_dataset(PHASED)
    return ds, solve(ds, backend="highs")


def test_every_period_row_has_unique_rates(reference):
    """marginals.csv holds the four rates for each period row of the priced families,
    with limits in planner units (intensity: construction land allowed, net of nothing)."""
    ds, r = reference
    for family in ("quota_pool@2025", "intensity@2025", "farmland_region@2025"):
        row = _row(r, family)
        assert all(not math.isnan(row[c]) for c in PRICE_COLUMNS), family
        assert row["gain_per_unit"] <= row["loss_per_unit"] + 1e-9
    assert _row(r, "quota_pool@2025")["limit"] == pytest.approx(20000.0)
    assert _row(r, "farmland_region@2025")["limit"] == pytest.approx(1564920.0)
    # the 2025 milestone (τ = 0.15) in ha of construction land: above the 2020 stock
    stock = ds.counties["construction_land_2020"].sum()
    assert _row(r, "intensity@2025")["limit"] > stock
    # targets.csv's 2025 intensity row is met by what the price says is slack
    t = r.targets.set_index("target")
    achieved = t.loc["intensity_reduction@2025", "value"]
    assert achieved > 0.15 and _row(r, "intensity@2025")["loss_per_unit"] == 0.0


def test_reference_pool_rates_equal_finite_differences(reference):
    """Carry-over on: the 2025 row is the pool available by 2025, so ±δ there with the
    horizon unchanged is periods.quota = [20000 ± δ, 40000 ∓ δ]."""
    ds, r = reference

    def move(t, d):
        q = list(ds.scenario.periods.quota)
        return {"periods.quota": _pools([q[0] + d, q[1] - d])}

    _assert_pool_rates(ds, r, move)


def test_pool_rates_without_carry_over_equal_finite_differences():
    """Carry-over off, pools 30,000 + 30,000 under a 61,000 ha total: each period's pool
    is a row of its own, and ±δ of one pool alone moves Z by its rates."""
    over = {"periods.quota": "[30000, 30000]", "periods.carry_over": "false"}
    ds = load_dataset(PHASED, {**over, "quota.total": "61000"})
    r = solve(ds, backend="highs")
    assert _row(r, "quota_pool@2035")["gain_per_unit"] > 0  # 远期 is short without carry-over

    def move(t, d):
        q = [30000.0, 30000.0]
        q[t] += d
        return {"periods.quota": _pools(q)}

    _assert_pool_rates(ds, r, move)
    # the horizon total has room: relaxing it is worth nothing
    assert _row(r, "quota_pool")["gain_per_unit"] == 0.0


def test_intensity_milestone_rate_equals_finite_differences():
    """A 2025 milestone that binds: one point of τ_2025 is 1 % of L0_2025 ha of
    construction land (L0 = the row's limit ÷ (1 − τ)), and Z moves by rate × ha."""
    tau = 0.23
    ds = load_dataset(PHASED, {"periods.intensity": f"[{tau}, 0.40]"})
    r = solve(ds, backend="highs")
    row = _row(r, "intensity@2025")
    assert row["loss_per_unit"] > 0  # the milestone binds
    base = row["limit"] / (1 - tau)
    for side, sign in (("gain", 1.0), ("loss", -1.0)):
        d = _delta(row, side)
        moved_tau = tau - sign * d / base  # a lower τ allows more construction land
        moved = solve(
            ds.with_overrides({"periods.intensity": f"[{moved_tau:.12f}, 0.40]"}), backend="highs"
        )
        ha = (tau - moved_tau) * base
        assert moved.objective - r.objective == pytest.approx(
            row[f"{side}_per_unit"] * ha, abs=Z_ABS
        ), side


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each case re-solves
)
@given(
    demands=st.lists(st.integers(20, 200), min_size=2, max_size=4),
    zones=st.lists(st.sampled_from(["urban", "agricultural", "ecological"]), min_size=4),
    first=st.floats(0.1, 0.9),
    total=st.integers(40, 500),
    carry=st.booleans(),
)
def test_random_phased_pool_rates_equal_finite_differences(demands, zones, first, total, carry):
    """Random small phased plans (linkage, tiers, three periods): each pool row's rates are
    Z's finite differences. With carry-over the move keeps the horizon (pool t ±δ, pool
    t+1 ∓δ); without it, period t's pool alone moves under a total with room."""
    counties = [
        county(f"C{i}", zone=zones[i], demand=d, reclaim_potential=d / 4, resettle_ratio=0.2)
        for i, d in enumerate(demands)
    ]
    pools = [first * total * 0.4, first * total * 0.6, (1 - first) * total]
    ds = dataset(
        counties,
        quota=total + (0 if carry else 0.5 * total),
        periods={"end_years": [2025, 2030, 2035], "quota": pools, "carry_over": carry},
        linkage={"scope": "region"},
    )
    r = solve(ds, backend="highs")
    assert r.status == "optimal"

    def move(t, d):
        q = list(pools)
        q[t] += d
        if carry:
            q[t + 1] -= d
        return {"periods.quota": _pools(q)}

    # at most a tenth of the least pool: no pool goes below 0, the total keeps room
    _assert_pool_rates(ds, r, move, most=0.1 * min(pools))


@pytest.mark.parametrize(
    ("backend", "solver"), [("ortools", "glop"), ("pulp", "cbc"), ("highs", "simplex")]
)
def test_period_rates_and_pools_are_the_same_for_every_backend(reference, backend, solver):
    """The period rows' rates in marginals.csv and explain's pools do not depend on the
    solver (HiGHS's own run is the reference)."""
    ds, ref = reference
    other = solve(ds, backend=backend, solver=solver)
    for family in ("quota_pool@2025", "quota_pool", "intensity@2025", "farmland_balance@2025"):
        a, b = _row(ref, family), _row(other, family)
        for c in PRICE_COLUMNS:
            assert a[c] == pytest.approx(b[c], rel=1e-9, abs=1e-9), (family, c)
    mine = other.summary.explain.periods.model_dump(mode="json")
    theirs = ref.summary.explain.periods.model_dump(mode="json")
    assert mine["pools"] == theirs["pools"]
    assert mine["carry_over_worth"] == pytest.approx(theirs["carry_over_worth"], abs=1e-6)


def test_explain_words_each_pool_from_its_rates():
    """Without carry-over each pool's sentence gives its own gain and loss per ha and 亩;
    the horizon pool row is the last period's when it has no row of its own."""
    over = {"periods.quota": "[30000, 30000]", "periods.carry_over": "false"}
    r = solve(load_dataset(PHASED, {**over, "quota.total": "61000"}), backend="highs")
    periods = r.summary.explain.periods
    pools = {p.period_end: p for p in periods.pools}
    assert pools["2025"].row == "quota_pool@2025" and pools["2035"].row == "quota_pool@2035"
    gain = pools["2025"].rates.gain_per_unit
    assert gain == _row(r, "quota_pool@2025")["gain_per_unit"]
    assert f"One more ha in the 2025 pool raises Z by {gain:.4g}/ha" in pools["2025"].text
    assert "/亩" in pools["2025"].text
    assert "Carry-over would be worth" in periods.text
    on = load_dataset(PHASED)
    horizon = solve(on, backend="highs").summary.explain.periods.pools[-1]
    assert horizon.row == "quota_pool" and horizon.limit == pytest.approx(60000.0)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Period pools (unique rates", "pools by 2025 (20,000 ha): moving 1 ha"]),
        ("zh", ["分期指标池（唯一", "至2025年累计指标池（20,000 公顷）", "单位GDP"]),
    ],
)
def test_explain_report_shows_the_period_rates(tmp_path, lang, words):
    from typer.testing import CliRunner

    from optimizer.cli.app import app

    runner = CliRunner()
    out = tmp_path / "run"
    solved = runner.invoke(app, ["solve", str(PHASED), "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    explained = runner.invoke(app, ["explain", str(out), "--lang", lang])
    assert explained.exit_code == 0, explained.output
    for word in words:
        assert word in explained.output, word


#: The brief's case (issue #10): both period pools bind, quota.total (60,000 ha) does not.
TIGHT_POOLS = {"periods.quota": "[2000, 3000]"}


def test_solve_headline_gives_each_periods_pool_price_as_explain_does():
    """With periods, summary.json's period headlines price each pool by its unique rates:
    explain's numbers, and Z's finite differences; the horizon row is slack (0/ha) while
    the pools by 2035 are worth 2.43/ha."""
    ds = load_dataset(PHASED, TIGHT_POOLS)
    r = solve(ds, backend="highs")
    periods = r.summary.headline.periods
    pools = {p.period_end: p for p in r.summary.explain.periods.pools}
    for p in periods:
        explained = pools[p.period_end]
        assert p.pool_row == explained.row == f"quota_pool@{p.period_end}"
        assert p.pool_gain_per_ha == explained.rates.gain_per_unit
        assert p.pool_loss_per_ha == explained.rates.loss_per_unit
    assert _row(r, "quota_pool")["gain_per_unit"] == 0.0
    assert periods[-1].pool_gain_per_ha == pytest.approx(2.433333, abs=1e-6)

    def move(t, d):  # carry-over: the 2025 row is the pools by 2025, the 2035 row all pools
        q = [2000.0, 3000.0]
        q[t] += d
        if t == 0:
            q[1] -= d
        return {"periods.quota": _pools(q)}

    _assert_pool_rates(ds, r, move)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            [
                "pool prices (Z gained per ha of pool moved into the pools up to each year",
                "2025: 0/ha (0/亩) · 2035: 2.433/ha (0.1622/亩)",
                "price per ha",
                "Top linkage flows of each period",
                "2026–2035 ",
            ],
        ),
        (
            "zh",
            [
                "各期指标影子价格",
                "2025年：0/公顷（0/亩） · 2035年：2.433/公顷（0.1622/亩）",
                "指标价格 每公顷",
                "各规划期主要挂钩指标流向",
                "2026—2035年",
            ],
        ),
    ],
)
def test_solve_report_prices_each_period_pool(tmp_path, lang, words):
    """The terminal report's pool price with periods is each period's (not the slack
    horizon row's 0/ha), in the headline and the period table; flows say their period."""
    from typer.testing import CliRunner

    from optimizer.cli.app import app

    args = ["solve", str(PHASED), "--set", "periods.quota=[2000,3000]", "--backend", "highs"]
    solved = CliRunner().invoke(app, [*args, "--lang", lang, "--out", str(tmp_path / "run")])
    assert solved.exit_code == 0, solved.output
    text = " ".join(solved.output.split())  # the terminal wraps long lines
    for word in words:
        assert " ".join(word.split()) in text, word
    assert "one more ha of pool raises Z by 0/ha" not in text
