"""Scenarios (not estimates) of how much a fee discount could raise online uptake.

No published price elasticity of the choice between online and in-person submission
exists (DOMAIN.md). So the response of the online share to a discount is an explicit,
user-set assumption, given as a low / central / high range, and everything here is a
SCENARIO: the consequence of that assumption, never a measurement.

The response is a semi-elasticity on the logit scale: the change in logit(online share)
per 10 percentage points of discount. With fee levels given, it is scaled by the fee
relative to a reference fee (a 40% discount on a 500,000 VND fee saves more than on a
20,000 VND one); without them the response depends on the discount rate only. The
default range (0, 0.05, 0.15 per 10%) is an assumption chosen to span "no response" to
a response comparable, at a 40% discount, to the largest nudges in the related evidence
(defaults raised use by about 14 pp; reminder letters by 6 pp; DOMAIN.md).

A procedure-level uplift moves the province-wide share by (the discounted procedures'
share of dossiers) x (their uplift), which :func:`province_table` compares with each
design's minimum detectable effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit

LABEL = "SCENARIO (assumed response, not an estimate)"


@dataclass(frozen=True)
class ResponseRange:
    """Assumed change in logit(online share) per 10 percentage points of discount."""

    low: float = 0.0
    central: float = 0.05
    high: float = 0.15

    def __post_init__(self):
        if not self.low <= self.central <= self.high:
            raise ValueError(f"the response range must satisfy low <= central <= high; got "
                             f"{self.low}, {self.central}, {self.high}")

    @classmethod
    def from_list(cls, values) -> ResponseRange:
        """Return the range from [low, central, high]; ValueError for any other length."""
        values = list(values)
        if len(values) != 3:
            raise ValueError(f"the response range is [low, central, high]; got {values}")
        return cls(*(float(v) for v in values))

    def items(self):
        return (("low", self.low), ("central", self.central), ("high", self.high))


def logit_shift(discount_pct, response: float, fee_vnd: float | None = None,
                reference_fee_vnd: float | None = None):
    """Return the assumed logit shift of a discount of ``discount_pct`` (0-100).

    ``response`` per 10 points of discount, times fee_vnd / reference_fee_vnd when both
    are given. Raises ValueError for a discount outside 0-100 or a non-positive fee.
    """
    d = np.asarray(discount_pct, float)
    if np.any((d < 0) | (d > 100)):
        raise ValueError("discounts are percentages from 0 to 100")
    scale = 1.0
    if fee_vnd is not None or reference_fee_vnd is not None:
        if not fee_vnd or not reference_fee_vnd or fee_vnd <= 0 or reference_fee_vnd <= 0:
            raise ValueError("fee_vnd and reference_fee_vnd must both be given and positive")
        scale = fee_vnd / reference_fee_vnd
    return response * d / 10 * scale


def uptake_curves(base_share: float, response: ResponseRange, *, discounts=None,
                  fee_vnd: float | None = None, reference_fee_vnd: float | None = None) -> pd.DataFrame:
    """Return the scenario online share (%) of the discounted procedures against the discount.

    One row per discount (default 0 to 100% in steps of 5) with columns discount_pct,
    share_low_pct, share_central_pct, share_high_pct, uplift_*_pp and ``scenario`` (the
    label saying it is an assumption). Raises ValueError for a base share outside (0, 1).
    """
    if not 0 < base_share < 1:
        raise ValueError(f"base_share must be strictly between 0 and 1, got {base_share}")
    d = np.arange(0, 101, 5, dtype=float) if discounts is None else np.asarray(discounts, float)
    out = pd.DataFrame({"discount_pct": d})
    for name, r in response.items():
        s = expit(logit(base_share) + logit_shift(d, r, fee_vnd, reference_fee_vnd))
        out[f"share_{name}_pct"] = 100 * s
        out[f"uplift_{name}_pp"] = 100 * (s - base_share)
    out["scenario"] = LABEL
    return out


def province_table(base_share: float, discount_pct: float, response: ResponseRange,
                   discounted_dossier_share: float, mde_did_pp: float | None = None,
                   mde_its_pp: float | None = None, fee_vnd: float | None = None,
                   reference_fee_vnd: float | None = None) -> pd.DataFrame:
    """Return, per response scenario, the procedure and province-wide uplift against the MDEs.

    Columns: scenario, response_per_10pct, uplift_discounted_pp (their share), uplift_province_pp
    = discounted_dossier_share x uplift_discounted_pp, mde_did_pp, detectable_by_did,
    mde_its_pp, detectable_by_its, label. Raises ValueError for shares outside (0, 1).
    """
    if not 0 < discounted_dossier_share < 1:
        raise ValueError("discounted_dossier_share must be strictly between 0 and 1")
    curves = uptake_curves(base_share, response, discounts=[discount_pct], fee_vnd=fee_vnd,
                           reference_fee_vnd=reference_fee_vnd)
    rows = []
    for name, r in response.items():
        up = float(curves[f"uplift_{name}_pp"].iloc[0])
        prov = discounted_dossier_share * up
        rows.append({
            "scenario": name, "response_per_10pct": r, "uplift_discounted_pp": up,
            "uplift_province_pp": prov, "mde_did_pp": mde_did_pp,
            "detectable_by_did": None if mde_did_pp is None else bool(up >= mde_did_pp),
            "mde_its_pp": mde_its_pp,
            "detectable_by_its": None if mde_its_pp is None else bool(prov >= mde_its_pp),
            "label": LABEL,
        })
    return pd.DataFrame(rows)
