"""The linkage network: where surplus indicators (增减挂钩节余指标) may travel, at what cost.

Indicators flow from a county's *source* node (what it reclaims, net of
resettlement) to a county's *use* node (what it builds with them). Two forms
with the same optimum:

- **pairwise**: one arc per allowed pair (i, j) with cost c_ij, as MODEL.md §3
  writes it; used for transfer_costs.csv, and available for checking;
- **hubs** (default when costs follow the scope hierarchy): county → city hub →
  (region hub →) city hub → county, plus the direct self-use arc i → i at cost 0.
  Up-arcs cost ``same_city_cost``, city-hub → region-hub arcs cost
  ``cross_city_cost − same_city_cost``, down-arcs cost 0, so every i → j path
  costs exactly c_ij and the arcs grow with counties, not with pairs.

Nodes are numbered: source of county p = p, use of county p = n + p, then hubs.
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
    labels: np.ndarray  # node number → label (county id, "hub:<city>", "hub:region")
    n_counties: int
    form: str  # "pairwise" | "hubs" | "none"

    @property
    def hub_nodes(self) -> np.ndarray:
        return np.arange(2 * self.n_counties, len(self.labels))


def hubs_apply(scenario: Scenario, transfer_costs: pd.DataFrame | None) -> bool:
    """Whether the hub form has the same optimum as the pairwise one."""
    link = scenario.linkage
    return transfer_costs is None and link.cross_city_cost >= link.same_city_cost


def build_network(
    counties: pd.DataFrame,
    scenario: Scenario,
    transfer_costs: pd.DataFrame | None = None,
    form: str = "auto",
) -> LinkageNetwork:
    """The arcs allowed by the scenario's linkage scope (or transfer_costs.csv).

    ``form``: ``auto`` takes hubs whenever they are exact, ``pairwise`` forces
    one arc per allowed pair (for checks and small cases).
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
    return _hubs(counties, scenario, self_arcs, base_labels)


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


def _hubs(counties: pd.DataFrame, scenario: Scenario, self_arcs, labels) -> LinkageNetwork:
    n = len(counties)
    link = scenario.linkage
    city, cities = pd.factorize(counties["city"], sort=True)
    n_city = len(cities)
    hub = 2 * n + city  # the city hub of each county
    pos = np.arange(n)
    up = (pos, hub, np.full(n, link.same_city_cost))
    down = (hub, n + pos, np.zeros(n))
    parts = [self_arcs, up, down]
    hub_labels = [f"hub:{c}" for c in cities]
    if link.scope == "region" and n_city > 1:
        region = 2 * n + n_city
        city_hubs = 2 * n + np.arange(n_city)
        parts.append((city_hubs, np.full(n_city, region),
                      np.full(n_city, link.cross_city_cost - link.same_city_cost)))
        parts.append((np.full(n_city, region), city_hubs, np.zeros(n_city)))
        hub_labels.append("hub:region")
    all_labels = np.concatenate([labels, np.array(hub_labels, dtype=object)])
    return LinkageNetwork(_arcs(*_join(*parts)), all_labels, n, "hubs")


def _join(*parts: tuple[np.ndarray, np.ndarray, np.ndarray]):
    return tuple(np.concatenate([np.asarray(p[k]) for p in parts]) for k in range(3))


def _arcs(tail, head, cost) -> pd.DataFrame:
    return pd.DataFrame({
        "tail": np.asarray(tail, dtype=np.int64),
        "head": np.asarray(head, dtype=np.int64),
        "cost": np.asarray(cost, dtype=float),
    })


def county_to_county_flows(network: LinkageNetwork, flow: np.ndarray) -> pd.DataFrame:
    """Pair flows (from_pos, to_pos, amount) equivalent to the arc flows, for reports.

    Pairwise arcs are pairs already. Hub flows are decomposed per hub by the
    north-west-corner rule over sources and uses sorted by county (then region
    imports/exports), which is deterministic and, because every path between two
    counties of the same kind costs the same, keeps the total cost.
    """
    arcs = network.arcs
    n = network.n_counties
    if network.form != "hubs":
        return pd.DataFrame({"from_pos": arcs["tail"].to_numpy(),
                             "to_pos": arcs["head"].to_numpy() - n, "amount": flow})
    tail, head = arcs["tail"].to_numpy(), arcs["head"].to_numpy()
    self_mask = (tail < n) & (head == tail + n)
    pieces = [pd.DataFrame({"from_pos": tail[self_mask], "to_pos": tail[self_mask],
                            "amount": flow[self_mask]})]
    hubs_start = 2 * n
    region = len(network.labels) - 1 if network.labels[-1] == "hub:region" else -1
    # Inflows and outflows of each city hub; region traffic is tagged with position -1.
    up = tail < n
    inflow = pd.DataFrame({"hub": head[up], "who": tail[up], "amount": flow[up]})
    down = (tail >= hubs_start) & (head >= n) & (head < hubs_start)
    outflow = pd.DataFrame({"hub": tail[down], "who": head[down] - n, "amount": flow[down]})
    if region >= 0:
        imp = tail == region
        exp = head == region
        inflow = pd.concat([inflow, pd.DataFrame(
            {"hub": head[imp], "who": -1, "amount": flow[imp]})])
        outflow = pd.concat([outflow, pd.DataFrame(
            {"hub": tail[exp], "who": -1, "amount": flow[exp]})])
    local = _north_west_corner(inflow, outflow)
    within = (local["from_pos"] >= 0) & (local["to_pos"] >= 0)
    pieces.append(local[within])
    if region >= 0:
        exported = local[(local["from_pos"] >= 0) & (local["to_pos"] < 0)]
        imported = local[(local["from_pos"] < 0) & (local["to_pos"] >= 0)]
        cross = _north_west_corner(
            pd.DataFrame({"hub": 0, "who": exported["from_pos"], "amount": exported["amount"]}),
            pd.DataFrame({"hub": 0, "who": imported["to_pos"], "amount": imported["amount"]}),
        )
        pieces.append(cross)
    pairs = pd.concat(pieces, ignore_index=True)
    return pairs.groupby(["from_pos", "to_pos"], as_index=False, sort=True)["amount"].sum()


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
            {"from_pos": np.int64, "to_pos": np.int64})
    mid = (cuts[:-1] + cuts[1:]) / 2
    amount = np.diff(cuts)
    si = np.minimum(np.searchsorted(s_end, mid), len(s_end) - 1)
    ui = np.minimum(np.searchsorted(u_end, mid), len(u_end) - 1)
    pieces = pd.DataFrame({
        "from_pos": supply["who"].to_numpy()[si].astype(np.int64),
        "to_pos": use["who"].to_numpy()[ui].astype(np.int64),
        "amount": amount,
    })
    return pieces[(pieces["from_pos"] != PAD) & (pieces["to_pos"] != PAD)]


#: Position tag of the padding that evens out solver round-off at a hub.
PAD = -2


def _pad_to_balance(supply: pd.DataFrame, use: pd.DataFrame):
    """Even out each hub's in and out totals (round-off) with a padding piece."""
    gap = (supply.groupby("hub")["amount"].sum()
           .sub(use.groupby("hub")["amount"].sum(), fill_value=0.0))
    short_use = gap[gap > 0]
    short_supply = -gap[gap < 0]
    pad_use = pd.DataFrame({"hub": short_use.index, "who": PAD, "amount": short_use.values})
    pad_supply = pd.DataFrame({"hub": short_supply.index, "who": PAD,
                               "amount": short_supply.values})
    return (pd.concat([supply, pad_supply], ignore_index=True),
            pd.concat([use, pad_use], ignore_index=True))
