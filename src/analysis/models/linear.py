"""The linear-probability variant of the difference-in-differences, with a wild cluster bootstrap.

The same design as :mod:`analysis.models.did` with the online share itself as outcome:
two-way fixed-effects least squares of each procedure-month's share on ``discounted x
post``, weighted by its dossiers, clustered by procedure. Its coefficient is in share
units (x 100 for percentage points) and needs no marginal-effect step, so it is the
check a reader can redo in any regression package; tests compare it with pyfixest.

The p-value is the restricted wild cluster bootstrap (WCR, null imposed, t statistic
with CR1 standard errors; Cameron, Gelbach and Miller 2008), written without refitting:
every bootstrap coefficient and residual is linear in the cluster weights, so all draws
are two matrix products. With Rademacher weights and 2^G no more than the draws asked
for, every sign vector is enumerated (as wildboottest does), which makes the p-value
exactly reproducible by another implementation.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

import numpy as np

from analysis.models.wild import webb_weights


@dataclass
class LinearFit:
    """The linear-probability DiD: coefficient (share units), CR1 standard error, t and the
    wild bootstrap p-value; ``t_boot`` holds the bootstrap t statistics."""

    coef: float
    se_cr1: float
    t: float
    p_value: float
    n_boot: int
    enumerated: bool
    t_boot: np.ndarray

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("t_boot")
        return {"effect_pp": 100 * self.coef, "se_cr1_pp": 100 * self.se_cr1,
                **{k: v for k, v in d.items() if k not in ("coef", "se_cr1")}}


def cluster_weights(rng: np.random.Generator, n_boot: int, G: int, kind: str = "webb") -> tuple[np.ndarray, bool]:
    """Return (weights (B, G), enumerated): every Rademacher sign vector when ``kind`` is
    "rademacher" and 2^G <= n_boot, else ``n_boot`` random draws (Webb or Rademacher)."""
    if kind == "rademacher" and 2 ** G <= n_boot:
        return np.array(list(itertools.product((-1.0, 1.0), repeat=G))), True
    if kind == "rademacher":
        return rng.choice([-1.0, 1.0], size=(n_boot, G)), False
    return webb_weights(rng, n_boot, G), False


def fit_linear(y, n, X_fe, d, cluster, *, n_boot: int = 999, seed: int = 12345,
               weights: str = "webb") -> LinearFit:
    """Return the dossier-weighted two-way FE least squares DiD of shares ``y`` on ``d``.

    ``X_fe`` holds the intercept and fixed-effect dummies, ``cluster`` integer procedure
    codes 0..G-1. The p-value of "no effect" is the share of WCR bootstrap |t*| at least
    |t| (ties count against the null). Raises numpy.linalg.LinAlgError when the design
    is singular.
    """
    s = np.sqrt(np.asarray(n, float))
    ys, Fs, ds = y * s, X_fe * s[:, None], d * s
    G = int(cluster.max()) + 1

    def resid(v):  # residuals of v (N, m) on the fixed effects, by least squares
        return v - Fs @ np.linalg.lstsq(Fs, v, rcond=None)[0]

    xt = resid(ds[:, None])[:, 0]  # d with the fixed effects partialled out (Frisch-Waugh-Lovell)
    sxx = float(xt @ xt)
    coef = float(xt @ ys) / sxx
    e = resid(ys[:, None])[:, 0] - coef * xt  # full-model residuals
    N, k = len(y), X_fe.shape[1] + 1
    factor = G / (G - 1) * (N - 1) / (N - k)

    def cluster_sum(v):
        out = np.zeros((G,) + v.shape[1:])
        np.add.at(out, cluster, v)
        return out

    se = float(np.sqrt(factor * (cluster_sum(xt * e) ** 2).sum()) / sxx)
    u = resid(ys[:, None])[:, 0]  # restricted residuals (beta = 0 imposed)
    U = np.zeros((N, G))
    U[np.arange(N), cluster] = u
    c = cluster_sum(xt * u) / sxx  # bootstrap coefficient = weights @ c
    R = resid(U)
    R -= np.outer(xt, xt @ R) / sxx  # residuals of the full model for each cluster's piece
    K = cluster_sum(xt[:, None] * R)  # (G, G): cluster h's score from cluster g's weight
    W, enumerated = cluster_weights(np.random.default_rng(seed), n_boot, G, weights)
    b_star = W @ c
    se_star = np.sqrt(factor * ((W @ K.T) ** 2).sum(1)) / sxx
    t_boot = b_star / se_star
    t = coef / se
    p = float(np.mean(np.abs(t_boot) >= abs(t) * (1 - 1e-10)))
    return LinearFit(coef=coef, se_cr1=se, t=t, p_value=p, n_boot=len(W), enumerated=enumerated, t_boot=t_boot)
