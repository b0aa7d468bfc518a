"""The planning instruments of MODEL.md §8, each on a tiny case computed by hand.

Default tiers: shares (0.5, 0.3, 0.2), values (1, 0.6, 0.3); demand 100 ha gives tiers
of 50 / 30 / 20 ha. Every solve passes the independent checker (tests/checker.py), in
both linkage forms where the form matters, and with the priced backends.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from checker import assert_feasible
from factories import county, dataset

from optimizer import solve
from optimizer.analysis.explain import explain
from optimizer.data.problems import DataError
from optimizer.data.read import load_dataset
from optimizer.formulation.build import build
from optimizer.runs.write import write_run

PRICED = [("highs", "simplex"), ("ortools", "glop")]
FORMS = ["auto", "pairwise"]
ABS = 1e-6
REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
VARIANT = REFERENCE.parent / "shanxi-central-instruments"


def _solve(ds, backend="highs", solver="simplex", form="auto"):
    result = solve(ds, backend=backend, solver=solver, linkage_form=form)
    assert_feasible(ds, result)
    return result


def _row(result, id_: str):
    return result.counties.set_index("county_id").loc[id_]


def _price(result, family: str, id_: str) -> float:
    m = result.marginals
    row = m[(m["family"] == family) & (m["id"] == id_)]
    assert len(row) == 1, f"no price for {family}[{id_}]:\n{m}"
    return float(row["value"].iloc[0])


def _target(result, name: str) -> tuple[float, float, bool]:
    t = result.targets.set_index("target").loc[name]
    return float(t["value"]), float(t["limit"]), bool(t["met"])


# --------------------------------------------------------------------------- none of them


def test_without_instruments_the_lp_is_unchanged():
    """Zero settings and no stock column give the LP of MODEL.md §3, row for row."""
    plain = load_dataset(REFERENCE)
    zeroed = plain.with_overrides(
        {"quota.reserve_share": 0.0, "stock.linked_share": 0.0, "stock.cost": 0.5}
    )
    a, b = build(plain).lp, build(zeroed).lp
    assert a.shape == b.shape and a.nnz == b.nnz
    assert (a.matrix != b.matrix).nnz == 0
    assert np.array_equal(a.row_ub, b.row_ub) and np.array_equal(a.objective, b.objective)
    families = set(a.constraints["family"].astype(str))
    assert not families & {"project_min", "quota_linked", "stock_link", "linked_use"}
    assert not {"stock", "quota_linked"} & set(a.cols)
    result = solve(plain, backend="highs")
    assert "stock_used" not in result.counties and "quota_linked" not in result.counties
    assert result.projects.empty
    assert "quota_reserve" not in set(result.targets["target"])
    headline = result.summary.model_dump(mode="json")["headline"]
    assert "stock_used_ha" not in headline and "quota_reserve_ha" not in headline


# --------------------------------------------------------------------------- reserve


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_reserve_holds_back_part_of_the_pool(backend, solver):
    """One county, demand 100, Q = 70, reserve 10 %: counties share 63 ha.

    A = 63: tier 1 (50 @ 1) and 13 ha of tier 2 (@ 0.6): Z = 57.8. Pool price 0.6.
    Releasing the reserve (7 ha) fills tier 2 to 20 ha: ΔZ = 0.6 × 7 = 4.2, exactly,
    since the rate holds up to a pool of 80 ha.
    """
    ds = dataset([county("X")], quota=70)
    ds = ds.with_overrides({"quota.reserve_share": 0.1})
    r = _solve(ds, backend, solver)
    assert r.objective == pytest.approx(57.8, abs=ABS)
    assert _row(r, "X")["allocation"] == pytest.approx(63.0, abs=ABS)
    assert _price(r, "quota_pool", "region") == pytest.approx(0.6, abs=ABS)
    assert _target(r, "quota_pool")[:2] == pytest.approx((63.0, 63.0), abs=ABS)
    held, reserve, met = _target(r, "quota_reserve")
    assert (held, reserve, met) == (pytest.approx(7.0, abs=ABS), pytest.approx(7.0), True)
    assert r.summary.headline.quota_reserve_ha == pytest.approx(7.0)
    released = _solve(ds.with_overrides({"quota.reserve_share": 0.0}), backend, solver)
    assert released.objective - r.objective == pytest.approx(4.2, abs=ABS)
    text = " ".join(p["text"] for p in explain(r)["prices"] if p["family"] == "quota_pool")
    assert "holds back 7.0 ha" in text and "raise Z by 4.2" in text and "at most" not in text


def test_reserve_release_beyond_the_rate_is_an_upper_bound():
    """Q = 90, reserve 20 %: 72 ha, price 0.6 up to a pool of 80; releasing 18 ha gains
    8 × 0.6 + 10 × 0.3 = 7.8, less than 0.6 × 18 = 10.8: explain says "at most"."""
    ds = dataset([county("X")], quota=90).with_overrides({"quota.reserve_share": 0.2})
    r = _solve(ds)
    released = _solve(ds.with_overrides({"quota.reserve_share": 0.0}))
    assert released.objective - r.objective == pytest.approx(7.8, abs=ABS)
    text = " ".join(p["text"] for p in explain(r)["prices"] if p["family"] == "quota_pool")
    assert "at most 10.8" in text


# --------------------------------------------------------------------------- key projects


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_key_projects_guarantee_their_county_land(backend, solver):
    """X urban (w 1), Y ecological (w 0.4), demand 100 each, Q = 120; Y has projects of
    40 + 20 ha.

    Free: X 80, Y 40 (Z 84). With A_Y ≥ 60: X 60, Y 60, Z = 50 + 6 + 0.4 × 56 = 78.4.
    One ha less guaranteed moves a ha from Y's tier 2 (0.24) to X's (0.6): price 0.36;
    one more ha of pool goes to X's tier 2: 0.6.
    """
    projects = [
        dict(project_id="p1", name="高铁站", county_id="Y", area=40, kind="交通"),
        dict(project_id="p2", name="水厂", county_id="Y", area=20, kind="water"),
        dict(project_id="p0", name="园区", county_id="X", area=10, period_end="2035"),
    ]
    ds = dataset([county("X"), county("Y", zone="ecological")], quota=120, projects=projects)
    r = _solve(ds, backend, solver)
    assert r.objective == pytest.approx(78.4, abs=ABS)
    assert _row(r, "Y")["allocation"] == pytest.approx(60.0, abs=ABS)
    assert _price(r, "project_min", "Y") == pytest.approx(0.36, abs=ABS)
    assert _price(r, "quota_pool", "region") == pytest.approx(0.6, abs=ABS)
    assert r.binding.set_axis(r.counties["county_id"]).loc["Y", "project_min"]
    assert not r.binding.set_axis(r.counties["county_id"]).loc["X", "project_min"]
    p = r.projects.set_index("project_id")
    assert list(r.projects["project_id"]) == ["p0", "p1", "p2"]  # sorted by id
    assert p.loc["p1", "kind"] == "transport" and p.loc["p0", "kind"] == ""
    assert set(p["guaranteed"]) == {"yes"} and set(p["period_end"]) == {"2035"}
    assert r.summary.headline.projects_ha == pytest.approx(70.0)


def test_projects_count_new_land_not_stock(tmp_path):
    """Y (demand 100, stock 80) with a 60 ha project must get 60 ha of new land even though
    stock could meet the same demand more cheaply; the run folder gets projects.csv."""
    projects = [dict(project_id="p1", name="路", county_id="Y", area=60)]
    ds = dataset([county("X"), county("Y", stock_potential=80)], quota=70, projects=projects)
    r = _solve(ds)
    y = _row(r, "Y")
    assert y["allocation"] == pytest.approx(60.0, abs=ABS)
    assert y["stock_used"] == pytest.approx(40.0, abs=ABS)  # the rest of its demand
    out = write_run(r, tmp_path / "run")
    text = (out / "projects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "project_id,name,county_id,area,guaranteed,period_end,kind"
    assert text[1].startswith("p1,路,Y,60.0,yes,2035")


# --------------------------------------------------------------------------- stock


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_stock_meets_demand_without_quota(backend, solver):
    """X: demand 100, stock 30 (cost 0.01), Q = 60. A = 60 and z = 30: supply 90 fills
    tiers 50 / 30 / 10: Z = 50 + 18 + 3 − 0.3 = 70.7. Pool price 0.3 (tier 3); one more
    ha of stock is worth 0.3 − 0.01 = 0.29 (and is, by finite difference). Urban and
    construction land grow by the 60 ha of new land only.
    """
    ds = dataset([county("X", stock_potential=30)], quota=60)
    r = _solve(ds, backend, solver)
    x = _row(r, "X")
    assert r.objective == pytest.approx(70.7, abs=ABS)
    assert (x["allocation"], x["stock_used"]) == pytest.approx((60.0, 30.0), abs=ABS)
    assert x["satisfaction"] == pytest.approx(0.9, abs=ABS)
    assert x["urban_land_2035"] == pytest.approx(500 + 60, abs=ABS)
    assert x["construction_land_2035"] == pytest.approx(5000 + 60, abs=ABS)
    assert _price(r, "quota_pool", "region") == pytest.approx(0.3, abs=ABS)
    worth = _price(r, "stock_potential", "X")
    assert worth == pytest.approx(0.29, abs=ABS)
    more = dataset([county("X", stock_potential=31)], quota=60)
    assert _solve(more, backend, solver).objective - r.objective == pytest.approx(worth, abs=ABS)
    assert r.binding_text().tolist() == ["stock_potential"]
    assert r.summary.headline.stock_used_ha == pytest.approx(30.0)
    text = [p["text"] for p in explain(r)["prices"] if p["family"] == "stock_potential"]
    assert text and "raises Z by 0.29" in text[0]


def test_stock_is_not_held_by_the_per_capita_cap():
    """X: cap room 100 ha (40,000 urban residents in 2035, σ = 1), demand 300, stock 50,
    Q = 300. New land stops at the cap (A = 100); stock adds 50 ha of supply, no urban
    land: Z = 150 − 0.5 = 149.5, and X reaches exactly 150 m²/person."""
    ds = dataset([county("X", urban_pop_2035=40_000, demand=300, stock_potential=50)], quota=300)
    r = _solve(ds)
    x = _row(r, "X")
    assert r.objective == pytest.approx(149.5, abs=ABS)
    assert (x["allocation"], x["stock_used"]) == pytest.approx((100.0, 50.0), abs=ABS)
    assert x["per_capita_2035"] == pytest.approx(150.0, abs=1e-6)
    assert r.binding_text().tolist() == ["per_capita_cap;stock_potential"]


def test_demand_caps_new_land_and_stock_together():
    """X: demand 100, stock 70, Q = 100: A + z ≤ 100; stock costs 0.01 and quota nothing,
    so A = 100, z = 0 (Z = 74); with Q = 40, z = 60 (Z = 74 − 0.6)."""
    rich = _solve(dataset([county("X", stock_potential=70)], quota=100))
    assert (_row(rich, "X")["allocation"], _row(rich, "X")["stock_used"]) == pytest.approx(
        (100.0, 0.0), abs=ABS
    )
    assert rich.binding_text().tolist() == ["demand"]
    poor = _solve(dataset([county("X", stock_potential=70)], quota=40))
    assert poor.objective == pytest.approx(73.4, abs=ABS)
    assert _row(poor, "X")["stock_used"] == pytest.approx(60.0, abs=ABS)
    assert poor.binding_text().tolist() == ["demand"]


# --------------------------------------------------------------------------- 增存挂钩


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_linked_quota_is_earned_by_stock(backend, solver, form):
    """X: demand 100, stock 40; Q = 60, λ = 0.5, μ = 0.5: free quota 30, linked pool 30,
    but X earns at most 0.5 × 40 = 20. A = 30 + 20 = 50, z = 40: supply 90, Z = 50 + 18 +
    3 − 0.4 = 70.6.

    Prices: free pool 0.3 (tier 3); stock_link[X] 0.3 (one more ha of linked quota is a
    tier-3 ha); the linked pool is slack (0). One more ha of stock: a tier-3 ha (0.3),
    − 0.01, + μ × 0.3 for the linked quota it earns = 0.44, which the finite difference
    confirms.
    """
    linked = {"linked_share": 0.5, "quota_per_ha": 0.5}
    ds = dataset([county("X", stock_potential=40)], quota=60, stock=linked)
    r = _solve(ds, backend, solver, form)
    x = _row(r, "X")
    assert r.objective == pytest.approx(70.6, abs=ABS)
    assert (x["allocation"], x["quota"], x["quota_linked"], x["stock_used"]) == pytest.approx(
        (50.0, 30.0, 20.0, 40.0), abs=ABS
    )
    assert _price(r, "quota_pool", "region") == pytest.approx(0.3, abs=ABS)
    assert _price(r, "quota_linked", "region") == pytest.approx(0.0, abs=ABS)
    assert _price(r, "stock_link", "X") == pytest.approx(0.3, abs=ABS)
    worth = _price(r, "stock_potential", "X")
    assert worth == pytest.approx(0.44, abs=ABS)
    more = dataset([county("X", stock_potential=41)], quota=60, stock=linked)
    assert _solve(more, backend, solver, form).objective - r.objective == pytest.approx(
        worth, abs=ABS
    )
    assert _target(r, "quota_linked") == (pytest.approx(20.0), pytest.approx(30.0), True)
    text = next(p["text"] for p in explain(r)["prices"] if p["family"] == "stock_potential")
    assert "0.44" in text and "0.5 × 0.3" in text


@pytest.mark.parametrize("form", FORMS)
def test_linked_quota_stays_in_the_county_that_earned_it(form):
    """X: demand 50, stock 50, μ = 1; Y: demand 100, no stock; Q = 40, λ = 0.5.

    Linked quota may only be used where it is earned: Y gets the 20 ha of free quota
    (Z_Y = 20); X takes 20 ha of linked quota and 30 ha of stock (the least stock that
    earns it, stock costing 0.01): Z_X = 25 + 9 + 3 − 0.3 = 36.7; Z = 56.7. (Passing X's
    linked quota on to Y as if it were linkage indicators would give 76.4.)
    """
    linked = {"linked_share": 0.5, "quota_per_ha": 1.0}
    ds = dataset([county("X", demand=50, stock_potential=50), county("Y")], quota=40, stock=linked)
    r = _solve(ds, form=form)
    assert r.objective == pytest.approx(56.7, abs=ABS)
    x, y = _row(r, "X"), _row(r, "Y")
    assert (x["allocation"], x["quota_linked"], x["stock_used"]) == pytest.approx(
        (20.0, 20.0, 30.0), abs=ABS
    )
    assert (y["allocation"], y["quota"], y["linkage_in"]) == pytest.approx(
        (20.0, 20.0, 0.0), abs=ABS
    )
    assert r.flows.empty


def test_hub_and_pairwise_forms_agree_on_the_variant():
    """The reference variant with every instrument: both linkage forms, the same Z."""
    ds = load_dataset(VARIANT)
    hub = _solve(ds)
    pairwise = _solve(ds, form="pairwise")
    assert hub.objective == pytest.approx(pairwise.objective, rel=1e-9)
    assert (hub.projects["guaranteed"] == "yes").all()
    assert hub.counties["stock_used"].sum() > 0 and hub.counties["quota_linked"].sum() > 0


# --------------------------------------------------------------------------- bad inputs


def _problems(call) -> list:
    with pytest.raises(DataError) as err:
        call()
    return err.value.problems


def test_bad_projects_name_file_row_column_value():
    counties = [county("X"), county("Y", demand=50)]
    projects = [
        dict(project_id="p1", name="a", county_id="Z", area=10),
        dict(project_id="p2", name="b", county_id="Y", area=30),
        dict(project_id="p3", name="c", county_id="Y", area=30),
        dict(project_id="p4", name="d", county_id="X", area=5, period_end="2030"),
        dict(project_id="p5", name="e", county_id="X", area=5, kind="机场"),
        dict(project_id="p5", name="f", county_id="X", area=-1),
    ]
    found = _problems(lambda: dataset(counties, quota=10, projects=projects))
    where = {(p.file, p.row, p.column, p.value) for p in found}
    assert ("projects.csv", 2, "county_id", "Z") in where  # unknown county
    assert ("projects.csv", 3, "area", "30") in where  # Σ areas of Y (60) above demand 50
    assert ("projects.csv", 4, "area", "30") in where
    assert ("projects.csv", 5, "period_end", "2030") in where  # not a period end
    assert ("projects.csv", 6, "kind", "机场") in where  # not a kind
    assert ("projects.csv", 7, "area", "-1") in where  # negative area
    assert any(p.row == 7 and p.column == "project_id" for p in found)  # id twice
    text = " ".join(p.message for p in found)
    assert "more than its demand" in text and "not a period end" in text


def test_projects_file_with_chinese_headers(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name in ("counties.csv", "groups.csv", "group_members.csv", "scenario.toml"):
        (folder / name).write_bytes((REFERENCE / name).read_bytes())
    (folder / "projects.csv").write_text(
        "项目代码,项目名称,县级单元代码,用地面积（亩）,保障期限,项目类型\n"
        "K1,太忻大道,140108,1500,2035年,交通\n",
        encoding="utf-8",
    )
    ds = load_dataset(folder)
    row = ds.projects.iloc[0]
    assert (row["project_id"], row["county_id"], row["kind"]) == ("K1", "140108", "transport")
    assert row["area"] == pytest.approx(100.0)  # 1500 亩 = 100 ha
    assert row["period_end"] == "2035"  # 2035年


def test_stock_column_rules_and_alias(tmp_path):
    counties = [county("X", stock_potential=6000)]  # above construction land 2020 (5000)
    found = _problems(lambda: dataset(counties, quota=10))
    assert any(
        (p.file, p.row, p.column, p.value) == ("counties.csv", 2, "stock_potential", "6000")
        for p in found
    )
    folder = tmp_path / "ds"
    folder.mkdir()
    for name in ("groups.csv", "group_members.csv", "scenario.toml"):
        (folder / name).write_bytes((REFERENCE / name).read_bytes())
    text = (REFERENCE / "counties.csv").read_text(encoding="utf-8").splitlines()
    rows = [text[0] + ",存量用地潜力"] + [line + ",12.5" for line in text[1:]]
    (folder / "counties.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert (load_dataset(folder).counties["stock_potential"] == 12.5).all()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("quota.reserve_share", 1.0),
        ("quota.reserve_share", -0.1),
        ("stock.linked_share", 1.5),
        ("stock.cost", -1),
        ("stock.quota_per_ha", "a lot"),
    ],
)
def test_bad_instrument_keys_name_the_key_and_value(key, value):
    ds = dataset([county("X")], quota=10)
    found = _problems(lambda: ds.with_overrides({key: value}))
    assert any(p.column == key for p in found), found


def test_projects_above_a_county_limit_are_diagnosed():
    """X's per-capita cap leaves 100 ha of new land; its projects need 150: infeasible, and
    the diagnosis names the projects, the cap and by how much (50 ha)."""
    ds = dataset(
        [county("X", urban_pop_2035=40_000, demand=300), county("Y")],
        quota=300,
        projects=[dict(project_id="p1", name="路", county_id="X", area=150)],
    )
    r = solve(ds, backend="highs")
    assert r.status.value == "infeasible"
    d = r.diagnosis
    change = d[(d["kind"] == "change") & (d["family"] == "project_min")]
    assert len(change) == 1 and change["id"].iloc[0] == "X"
    assert "50.0 ha" in change["message"].iloc[0] and "projects.csv" in change["message"].iloc[0]
    conflict = set(d.loc[d["kind"] == "conflict", "family"])
    assert {"project_min", "per_capita_cap"} <= conflict


def test_a_reserve_that_leaves_too_little_is_diagnosed_in_quota_total():
    """X must get 60 ha (min_allocation); Q = 70 with a 20 % reserve leaves 56: infeasible.
    The fix for quota.total scales by the free share: 60 / 0.8 = 75 ha."""
    ds = dataset([county("X", min_allocation=60)], quota=70)
    ds = ds.with_overrides({"quota.reserve_share": 0.2})
    r = solve(ds, backend="highs")
    assert r.status.value == "infeasible"
    fixes = {f.setting: f for f in r.summary.diagnosis.single_fixes}
    assert fixes["quota.total"].limit == pytest.approx(75.0, abs=1e-3)
    d = r.diagnosis
    change = d[(d["kind"] == "change") & (d["family"] == "quota_pool")]
    assert "to 75.0" in change["message"].iloc[0] and "reserve_share" in change["message"].iloc[0]


@pytest.mark.parametrize("seed", range(6))
def test_hub_and_pairwise_agree_on_random_instrument_cases(seed):
    """Random small cases with every instrument and linkage across cities: the hub layout
    (with linked_use) keeps the pairwise optimum, and both pass the checker."""
    rng = np.random.default_rng(seed)
    counties = [
        county(
            f"C{i}",
            city="A市" if i < 3 else "B市",
            zone=("urban", "agricultural", "ecological")[i % 3],
            demand=float(rng.integers(20, 200)),
            stock_potential=float(rng.integers(0, 60)),
            reclaim_potential=float(rng.integers(0, 80)),
        )
        for i in range(6)
    ]
    projects = [dict(project_id="p", name="项目", county_id="C1", area=15.0)]
    scenario = dict(
        stock={"linked_share": float(rng.uniform(0.1, 0.6)), "quota_per_ha": 0.8},
        linkage={"scope": "region"},
    )
    ds = dataset(counties, quota=float(rng.integers(100, 400)), projects=projects, **scenario)
    ds = ds.with_overrides({"quota.reserve_share": 0.1})
    hub, pairwise = _solve(ds), _solve(ds, form="pairwise")
    assert hub.objective == pytest.approx(pairwise.objective, rel=1e-9, abs=1e-9)


def test_bad_instrument_keys_in_scenario_toml(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name in ("counties.csv", "groups.csv", "group_members.csv"):
        (folder / name).write_bytes((REFERENCE / name).read_bytes())
    (folder / "scenario.toml").write_text(
        "[quota]\ntotal = 60000\nreserve_share = 1.2\n[stock]\nlinked_shar = 0.1\n",
        encoding="utf-8",
    )
    found = _problems(lambda: load_dataset(folder))
    where = {(p.file, p.column): p for p in found}
    bad = where[("scenario.toml", "quota.reserve_share")]
    assert bad.value == 1.2 and "less than 1" in bad.message
    unknown = where[("scenario.toml", "stock.linked_shar")]
    assert "did you mean stock.linked_share" in unknown.message
