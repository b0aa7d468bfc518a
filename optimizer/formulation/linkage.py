"""The linkage network: where surplus indicators (增减挂钩节余指标) may travel, at what cost.

Indicators flow from a county's *source* node (what it reclaims, net of
resettlement) to a county's *use* node (what it builds with them). Two forms
with the same optimum:

- **pairwise**: one arc per allowed pair (i, j) with cost c_ij, as MODEL.md §3
  writes it; used for transfer_costs.csv, and available for checking;
- **hubs** (default when costs follow the scope hierarchy): county → city hub →
  (region hub →) city hub → county. Up-arcs cost ``same_city_cost``, city-hub →
  region-hub arcs cost ``cross_city_cost − same_city_cost``, down-arcs cost 0,
  so every i → j path costs exactly c_ij and the arcs grow with counties, not
  with pairs.

  The hub form is also smaller per county. Self-use needs no arc: the
  county's own balance row reads A_i ≤ (1 − ρ_i) r_i − up_i + down_i, which
  leaves whatever it does not export for itself. And the quota pool is one more
  node: pool → city hub arcs (cost 0, Σ ≤ Q) feed the same down-arcs as the
  indicators, so a county has no separate quota variable. Both are exact: a
  county's new land is its own surplus plus what comes down from its hub,
  whichever source that is, and the pool and the hubs are open to every county
  of the scope at the same cost. (Letting a county pass indicators on, which
  dropping self-use allows, gains nothing when its hub already connects the
  same counties at no higher cost; in the pairwise form, where allowed pairs
  need not be transitive, the self-use arcs and split rows stay.) Only counties
  that can reclaim get an up-arc.
  ``county_flows`` turns the arc flows back into self-use, quota and pairs.

Nodes are numbered: source of county p = p, use of county p = n + p, then hubs,
then (hub form) the quota pool.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.scenario import Scenario


@dataclass(frozen=True)
class LinkageNetwork:
    """Arcs (tail, head, cost) between numbered nodes, plus node labels."""

    arcs: pd.DataFrame  # tail, head, cost (node numbers; cost per ha)
    labels: np.ndarray  # node number → label (county id, "hub:<city>", "hub:region", "pool")
    n_counties: int
    form: str  # "pairwise" | "hubs" | "none"
    pool: int = -1  # node of the quota pool (hub form), −1 when quota is per county

    @property
    def hub_nodes(self) -> np.ndarray:
        end = self.pool if self.pool >= 0 else len(self.labels)
        return np.arange(2 * self.n_counties, end)


def hubs_apply(scenario: Scenario, transfer_costs: pd.DataFrame | None) -> bool:
    """Whether the hub form has the same optimum as the pairwise one."""
    link = scenario.linkage
    return transfer_costs is None and link.cross_city_cost >= link.same_city_cost


def build_network(
    counties: pd.DataFrame,
    scenario: Scenario,
    transfer_costs: pd.DataFrame | None = None,
    form: str = "auto",
    can_export: np.ndarray | None = None,
    can_use: np.ndarray | None = None,
) -> LinkageNetwork:
    """The arcs allowed by the scenario's linkage scope (or transfer_costs.csv).

    ``form``: ``auto`` takes hubs whenever they are exact, ``pairwise`` forces
    one arc per allowed pair (for checks and small cases). ``can_export`` and
    ``can_use`` (per county, hub form only) leave out up-arcs of counties with
    nothing to reclaim and down-arcs of counties that can take no new land.
    """
    ids = counties["county_id"].to_numpy(dtype=object)
    n = len(ids)
    scope = scenario.linkage.scope
    base_labels = np.concatenate([ids, ids])
    if transfer_costs is None and scope == "none":
        return LinkageNetwork(_arcs([], [], []), base_labels, n, "none")
    pos = np.arange(n)
    self_arcs = (pos, n + pos, np.zeros(n))
    if transfer_costs is not None:
        index = pd.Index(ids)
        tail = index.get_indexer(transfer_costs["from_id"])
        head = index.get_indexer(transfer_costs["to_id"])
        cost = transfer_costs["cost"].to_numpy(float)
        return LinkageNetwork(
            _arcs(*_join(self_arcs, (tail, n + head, cost))), base_labels, n, "pairwise"
        )
    if scope == "county":
        return LinkageNetwork(_arcs(*self_arcs), base_labels, n, "pairwise")
    if form == "pairwise" or not hubs_apply(scenario, transfer_costs):
        return _pairwise(counties, scenario, self_arcs, base_labels)
    n_all = np.ones(n, dtype=bool)
    return _hubs(
        counties,
        scenario,
        base_labels,
        n_all if can_export is None else np.asarray(can_export, dtype=bool),
        n_all if can_use is None else np.asarray(can_use, dtype=bool),
    )


def _pairwise(counties: pd.DataFrame, scenario: Scenario, self_arcs, labels) -> LinkageNetwork:
    n = len(counties)
    city = pd.factorize(counties["city"])[0]
    tail, head = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    tail, head = tail.ravel(), head.ravel()
    same_city = city[tail] == city[head]
    keep = tail != head
    if scenario.linkage.scope == "city":
        keep &= same_city
    tail, head, same_city = tail[keep], head[keep], same_city[keep]
    link = scenario.linkage
    cost = np.where(same_city, link.same_city_cost, link.cross_city_cost)
    return LinkageNetwork(_arcs(*_join(self_arcs, (tail, n + head, cost))), labels, n, "pairwise")


def _hubs(
    counties: pd.DataFrame,
    scenario: Scenario,
    labels: np.ndarray,
    can_export: np.ndarray,
    can_use: np.ndarray,
) -> LinkageNetwork:
    n = len(counties)
    link = scenario.linkage
    city, cities = pd.factorize(counties["city"], sort=True)
    n_city = len(cities)
    hub = 2 * n + city  # the city hub of each county
    city_hubs = 2 * n + np.arange(n_city)
    exporters, users = np.flatnonzero(can_export), np.flatnonzero(can_use)
    up = (exporters, hub[exporters], np.full(len(exporters), link.same_city_cost))
    down = (hub[users], n + users, np.zeros(len(users)))
    parts = [up, down]
    hub_labels = [f"hub:{c}" for c in cities]
    next_node = 2 * n + n_city
    if link.scope == "region" and n_city > 1:
        region = next_node
        next_node += 1
        parts.append(
            (
                city_hubs,
                np.full(n_city, region),
                np.full(n_city, link.cross_city_cost - link.same_city_cost),
            )
        )
        parts.append((np.full(n_city, region), city_hubs, np.zeros(n_city)))
        hub_labels.append("hub:region")
    pool = next_node
    parts.append((np.full(n_city, pool), city_hubs, np.zeros(n_city)))
    all_labels = np.concatenate([labels, np.array([*hub_labels, "pool"], dtype=object)])
    return LinkageNetwork(_arcs(*_join(*parts)), all_labels, n, "hubs", pool=pool)


def _join(*parts: tuple[np.ndarray, np.ndarray, np.ndarray]):
    return tuple(np.concatenate([np.asarray(p[k]) for p in parts]) for k in range(3))


def _arcs(tail, head, cost) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tail": np.asarray(tail, dtype=np.int64),
            "head": np.asarray(head, dtype=np.int64),
            "cost": np.asarray(cost, dtype=float),
        }
    )


def county_to_county_flows(network: LinkageNetwork, flow: np.ndarray) -> pd.DataFrame:
    """Pair flows (from_pos, to_pos, amount) of a pairwise network (self-use included)."""
    arcs = network.arcs
    return pd.DataFrame(
        {
            "from_pos": arcs["tail"].to_numpy(),
            "to_pos": arcs["head"].to_numpy() - network.n_counties,
            "amount": flow,
        }
    )


def county_flows(
    network: LinkageNetwork,
    flow: np.ndarray,
    allocation: np.ndarray,
    surplus: np.ndarray,
    quota: np.ndarray | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Quota per county and linkage pairs (from_pos, to_pos, amount), self-use included.

    ``flow`` is the solution on the network's arcs, ``allocation`` A_i and
    ``surplus`` (1 − ρ_i) r_i per county; ``quota`` the quota variables where the
    formulation has them (pairwise form). In the hub form a county first uses
    its own surplus (what it does not export), and what it gets from its hub is
    linkage up to the indicators the hub received, quota beyond that — hub by
    hub, counties in order. Pairs come from matching what enters each hub with
    what leaves it (north-west corner), region traffic likewise, which is
    deterministic and keeps every amount and the total cost: any two paths
    between the same two kinds of county cost the same.
    """
    n = network.n_counties
    if network.pool < 0:
        return (np.zeros(n) if quota is None else quota), county_to_county_flows(network, flow)
    tail, head = network.arcs["tail"].to_numpy(), network.arcs["head"].to_numpy()
    up, down = tail < n, (head >= n) & (head < 2 * n)
    exported = np.bincount(tail[up], flow[up], minlength=n)
    own = np.clip(np.minimum(allocation, surplus - exported), 0.0, None)
    external = np.clip(allocation - own, 0.0, None)
    first = 2 * n
    n_hubs = len(network.hub_nodes)
    region = (
        first + n_hubs - 1 if n_hubs and network.labels[first + n_hubs - 1] == "hub:region" else -1
    )
    users, user_hub = head[down] - n, tail[down] - first
    order = np.lexsort((users, user_hub))
    users, user_hub = users[order], user_hub[order]
    need = external[users]
    # Per hub: indicators sent up, what its counties still need, and what stays local.
    sent = np.bincount(head[up] - first, flow[up], minlength=n_hubs)
    wanted = np.bincount(user_hub, need, minlength=n_hubs)
    local = np.minimum(sent, wanted)
    # Across cities (region scope): left-over indicators meet left-over needs, as far as
    # the solution moved indicators through the region hub. Quota may take that route
    # too when it costs nothing; it is read as quota, not as indicators.
    out_of, into = np.zeros(n_hubs), np.zeros(n_hubs)
    if region >= 0:
        moved = min(
            float((sent - local).sum()),
            float((wanted - local).sum()),
            float(flow[head == region].sum()),
        )
        out_of, into = _take_in_order(sent - local, moved), _take_in_order(wanted - local, moved)
    linked = np.clip((local + into)[user_hub] - _cumsum_within(need, user_hub), 0.0, need)
    linkage_in = np.zeros(n)
    linkage_in[users] = linked
    quota = external - linkage_in
    # Pairs: self-use, then hub by hub, then across cities through the region hub.
    hubs = np.arange(n_hubs) + first
    inflow = pd.concat(
        [
            pd.DataFrame({"hub": head[up], "who": tail[up], "amount": flow[up]}),
            pd.DataFrame({"hub": hubs, "who": -1, "amount": into}),
        ],
        ignore_index=True,
    )
    outflow = pd.concat(
        [
            pd.DataFrame({"hub": user_hub + first, "who": users, "amount": linked}),
            pd.DataFrame({"hub": hubs, "who": -1, "amount": out_of}),
        ],
        ignore_index=True,
    )
    pos = np.arange(n)
    pieces = [pd.DataFrame({"from_pos": pos, "to_pos": pos, "amount": own})]
    matched = _north_west_corner(inflow, outflow)
    pieces.append(matched[(matched["from_pos"] >= 0) & (matched["to_pos"] >= 0)])
    if region >= 0:
        exported_pairs = matched[(matched["from_pos"] >= 0) & (matched["to_pos"] < 0)]
        imported_pairs = matched[(matched["from_pos"] < 0) & (matched["to_pos"] >= 0)]
        pieces.append(
            _north_west_corner(
                pd.DataFrame(
                    {
                        "hub": 0,
                        "who": exported_pairs["from_pos"],
                        "amount": exported_pairs["amount"],
                    }
                ),
                pd.DataFrame(
                    {"hub": 0, "who": imported_pairs["to_pos"], "amount": imported_pairs["amount"]}
                ),
            )
        )
    pairs = pd.concat(pieces, ignore_index=True)
    pairs = pairs.groupby(["from_pos", "to_pos"], as_index=False, sort=True)["amount"].sum()
    return quota, pairs


def _take_in_order(amounts: np.ndarray, total: float) -> np.ndarray:
    """The first ``total`` of ``amounts``, taken in order."""
    return np.clip(total - (np.cumsum(amounts) - amounts), 0.0, amounts)


def _cumsum_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sum of the earlier values of the same group (groups sorted), per element."""
    total = np.cumsum(values) - values
    starts = (
        np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        if len(groups)
        else np.zeros(0, dtype=np.int64)
    )
    offset = np.repeat(total[starts], np.diff(np.r_[starts, len(groups)]))
    return total - offset


def _north_west_corner(supply: pd.DataFrame, use: pd.DataFrame) -> pd.DataFrame:
    """Match supplies to uses hub by hub, in order, as intervals on one line.

    Both tables have columns hub, who, amount. Within each hub, what comes in
    equals what goes out (flow balance), so laying all hubs end to end keeps
    hub boundaries aligned and one vectorised pass matches every hub at once.
    """
    supply, use = _pad_to_balance(supply[supply["amount"] > 0], use[use["amount"] > 0])
    supply = supply.sort_values(["hub", "who"], kind="stable")
    use = use.sort_values(["hub", "who"], kind="stable")
    s_end = np.cumsum(supply["amount"].to_numpy())
    u_end = np.cumsum(use["amount"].to_numpy())
    total = min(s_end[-1] if len(s_end) else 0.0, u_end[-1] if len(u_end) else 0.0)
    cuts = np.unique(np.concatenate([[0.0], s_end, u_end]))
    cuts = cuts[cuts <= total]
    if len(cuts) < 2:
        return pd.DataFrame({"from_pos": [], "to_pos": [], "amount": []}).astype(
            {"from_pos": np.int64, "to_pos": np.int64}
        )
    mid = (cuts[:-1] + cuts[1:]) / 2
    amount = np.diff(cuts)
    si = np.minimum(np.searchsorted(s_end, mid), len(s_end) - 1)
    ui = np.minimum(np.searchsorted(u_end, mid), len(u_end) - 1)
    pieces = pd.DataFrame(
        {
            "from_pos": supply["who"].to_numpy()[si].astype(np.int64),
            "to_pos": use["who"].to_numpy()[ui].astype(np.int64),
            "amount": amount,
        }
    )
    return pieces[(pieces["from_pos"] != PAD) & (pieces["to_pos"] != PAD)]


#: Position tag of the padding that evens out solver round-off at a hub.
PAD = -2


def _pad_to_balance(supply: pd.DataFrame, use: pd.DataFrame):
    """Even out each hub's in and out totals (round-off) with a padding piece."""
    gap = (
        supply.groupby("hub")["amount"]
        .sum()
        .sub(use.groupby("hub")["amount"].sum(), fill_value=0.0)
    )
    short_use = gap[gap > 0]
    short_supply = -gap[gap < 0]
    pad_use = pd.DataFrame({"hub": short_use.index, "who": PAD, "amount": short_use.values})
    pad_supply = pd.DataFrame(
        {"hub": short_supply.index, "who": PAD, "amount": short_supply.values}
    )
    return (
        pd.concat([supply, pad_supply], ignore_index=True),
        pd.concat([use, pad_use], ignore_index=True),
    )


def pairs_from_totals(
    counties: pd.DataFrame,
    scenario: Scenario,
    transfer_costs: pd.DataFrame | None,
    sent: np.ndarray,
    received: np.ndarray,
) -> pd.DataFrame:
    """Pair flows (from_pos, to_pos, amount) that send ``sent`` and receive ``received``.

    The tie-break's rule for flows.csv: the county figures are unique, the pairs are
    not, so they follow from the figures alone (the same with every backend). Without
    transfer_costs.csv: within each city first (the cheaper pairs, as far as the city's
    own senders reach its receivers), then across cities; each step matches senders to
    receivers in county_id order (north-west corner). Every cheapest way to move these
    totals keeps as much inside the cities as can be, so this one costs what the optimum
    pays. With transfer_costs.csv: the cheapest transport over the listed pairs (a small
    LP, HiGHS dual simplex, deterministic).
    """
    n = len(counties)
    order = np.argsort(counties["county_id"].to_numpy(dtype=str), kind="stable")
    if transfer_costs is not None:
        return _cheapest_transport(counties, transfer_costs, sent, received)
    city, _ = pd.factorize(counties["city"].to_numpy(), sort=True)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    out_city = np.bincount(city, sent, minlength=city.max() + 1 if n else 0)
    in_city = np.bincount(city, received, minlength=len(out_city))
    local = np.minimum(out_city, in_city)
    by_city = np.lexsort((rank, city))  # counties by city, then county_id
    sent_local = np.zeros(n)
    got_local = np.zeros(n)
    sent_local[by_city] = np.clip(
        local[city[by_city]] - _cumsum_within(sent[by_city], city[by_city]), 0.0, sent[by_city]
    )
    got_local[by_city] = np.clip(
        local[city[by_city]] - _cumsum_within(received[by_city], city[by_city]),
        0.0,
        received[by_city],
    )
    pos = np.arange(n)
    inside = _north_west_corner(
        pd.DataFrame({"hub": city, "who": rank, "amount": sent_local}),
        pd.DataFrame({"hub": city, "who": rank, "amount": got_local}),
    )
    pieces = [inside]
    if scenario.linkage.scope == "region":
        across = _north_west_corner(
            pd.DataFrame({"hub": 0, "who": rank, "amount": sent - sent_local}),
            pd.DataFrame({"hub": 0, "who": rank, "amount": received - got_local}),
        )
        pieces.append(across)
    pairs = pd.concat(pieces, ignore_index=True)
    pairs["from_pos"] = order[pairs["from_pos"].to_numpy(np.int64)] if len(pairs) else pos[:0]
    pairs["to_pos"] = order[pairs["to_pos"].to_numpy(np.int64)] if len(pairs) else pos[:0]
    pairs = pairs[pairs["from_pos"] != pairs["to_pos"]]
    return pairs.groupby(["from_pos", "to_pos"], as_index=False, sort=True)["amount"].sum()


def _cheapest_transport(
    counties: pd.DataFrame, costs: pd.DataFrame, sent: np.ndarray, received: np.ndarray
) -> pd.DataFrame:
    """The least-cost pairs over transfer_costs.csv moving ``sent`` to ``received``."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    index = pd.Index(counties["county_id"].to_numpy(dtype=object))
    tail = index.get_indexer(costs["from_id"])
    head = index.get_indexer(costs["to_id"])
    keep = (tail != head) & (sent[tail] > 0) & (received[head] > 0)
    tail, head, cost = tail[keep], head[keep], costs["cost"].to_numpy(float)[keep]
    empty = pd.DataFrame({"from_pos": [], "to_pos": [], "amount": []})
    if len(tail) == 0:
        return empty.astype({"from_pos": np.int64, "to_pos": np.int64})
    n, m = len(counties), len(tail)
    rows = np.concatenate([tail, n + head])
    matrix = coo_matrix((np.ones(2 * m), (rows, np.tile(np.arange(m), 2))), shape=(2 * n, m))
    # What the optimum moves can move: ≤ keeps round-off from making it infeasible.
    answer = linprog(
        cost - (cost.max() + 1.0),  # move all the totals allow, then as cheaply as can be
        A_ub=matrix.tocsr(),
        b_ub=np.concatenate([sent, received]),
        bounds=(0, None),
        method="highs-ds",
    )
    amount = answer.x if answer.x is not None else np.zeros(m)
    return pd.DataFrame({"from_pos": tail, "to_pos": head, "amount": amount})
