"""Staffing math: Erlang C, Erlang A and patience estimation (pure numpy/scipy, vectorized)."""

from orchestration.lib.staffing.erlang import (
    ErlangAResult,
    ErlangCResult,
    StaffingRequirement,
    asa,
    erlang_a,
    erlang_b,
    erlang_c,
    erlang_c_probability_wait,
    occupancy,
    positions_with_shrinkage,
    required_agents,
    required_agents_erlang_a,
    service_level,
    traffic_erlangs,
    unstable_load,
)
from orchestration.lib.staffing.patience import (
    PatienceEstimate,
    estimate_mean_patience,
    mean_patience_from_contacts,
)

__all__ = [
    "ErlangAResult",
    "ErlangCResult",
    "PatienceEstimate",
    "StaffingRequirement",
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_c_probability_wait",
    "estimate_mean_patience",
    "mean_patience_from_contacts",
    "occupancy",
    "positions_with_shrinkage",
    "required_agents",
    "required_agents_erlang_a",
    "service_level",
    "traffic_erlangs",
    "unstable_load",
]
