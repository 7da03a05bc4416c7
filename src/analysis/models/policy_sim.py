"""Simulated province-by-month panels of an index ratio, for the fee-policy design study,
the tests and the SIMULATED panel the notebook runs on when no monthly history is held.

Each province's ratio (0 to 100) follows a factor model: its own level, a common upward
trend with a province-specific loading, a second common factor (a random walk) with its own
loading, a national shock in the month of Circular 63/2023/TT-BTC that every province feels
(with province-specific strength), autocorrelated noise, and an effect ``effect`` points
from each policy province's start month on. Nothing here reads the real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.models.policy_panel import month_index, month_label

#: The policy months of data/policies.csv (start months; Huế has none and is left out).
REAL_STARTS = {"Nghệ An": "2023-11", "Hòa Bình": "2023-07", "Hải Dương": "2023-07", "Quảng Nam": "2024-07"}
#: Month of the national Circular 63/2023/TT-BTC (in force 1 Dec 2023).
NATIONAL_MONTH = "2023-12"


@dataclass(frozen=True)
class SimDesign:
    """One simulated design: panel span, provinces, noise and effect sizes (points)."""

    first: str = "2022-01"
    last: str = "2025-06"
    n_donors: int = 40
    effect: float = 0.0
    noise_sd: float = 1.0
    rho: float = 0.5
    trend_sd: float = 0.12
    factor_sd: float = 0.6
    national_shock: float = 4.0
    group: str = "CLGQ"


def months_between(first: str, last: str) -> list[str]:
    """Return the months from ``first`` to ``last`` inclusive, YYYY-MM."""
    return [month_label(i) for i in range(month_index(first), month_index(last) + 1)]


def simulate(design: SimDesign, starts: dict[str, str] | None = None, seed: int = 0,
             donor_names: list[str] | None = None) -> pd.DataFrame:
    """Return a long panel (province, month, group, ratio, simulated) for ``starts``
    (province -> start month; default :data:`REAL_STARTS`) plus ``design.n_donors`` donors
    named ``donor_names`` or ``Donor 01``...; ``ratio`` is clipped to 0..100."""
    starts = REAL_STARTS if starts is None else starts
    rng = np.random.default_rng(seed)
    months = months_between(design.first, design.last)
    T = len(months)
    names = list(starts) + (list(donor_names[: design.n_donors]) if donor_names
                            else [f"Donor {k + 1:02d}" for k in range(design.n_donors)])
    N = len(names)
    t = np.arange(T)
    trend = 0.5 * t  # about 6 points a year on average
    walk = np.cumsum(rng.normal(0, 1, T))
    level = rng.normal(55, 8, N)
    load_trend = 1 + rng.normal(0, design.trend_sd / 0.5, N)
    load_walk = rng.normal(1, design.factor_sd, N)
    nat = np.array([m >= NATIONAL_MONTH for m in months], float)
    nat_load = design.national_shock * (1 + 0.3 * rng.normal(size=N))
    eps = np.zeros((T, N))
    eps[0] = rng.normal(0, design.noise_sd, N)
    innov_sd = design.noise_sd * np.sqrt(1 - design.rho ** 2)
    for k in range(1, T):
        eps[k] = design.rho * eps[k - 1] + rng.normal(0, innov_sd, N)
    Y = level + np.outer(trend, load_trend) + np.outer(walk, load_walk) + np.outer(nat, nat_load) + eps
    for j, p in enumerate(names):
        if p in starts and starts[p] is not None:
            Y[:, j] += design.effect * np.array([m >= starts[p] for m in months], float)
    Y = np.clip(Y, 0, 100)
    return pd.DataFrame({
        "province": np.repeat(names, T), "month": months * N, "group": design.group,
        "ratio": Y.T.ravel(), "simulated": True})
