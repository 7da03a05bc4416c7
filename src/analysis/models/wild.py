"""The wild cluster score bootstrap with the null imposed (Kline and Santos 2012).

See :mod:`analysis.models.did` for why this test and how its interval is inverted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, sparse

from analysis.models.glm import _cluster_sums, fit_binomial, gram

#: Webb (2014) six-point weights: +-sqrt(1/2), +-1, +-sqrt(3/2), each with probability 1/6.
WEBB_POINTS = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def webb_weights(rng: np.random.Generator, n_boot: int, n_clusters: int) -> np.ndarray:
    """Return an (n_boot, n_clusters) array of Webb six-point weights (mean 0, variance 1)."""
    return WEBB_POINTS[rng.integers(0, 6, size=(n_boot, n_clusters))]


@dataclass
class ScoreTest:
    """A null-imposed wild cluster score bootstrap test of ``H0: beta = b0``."""

    p_value: float
    statistic: float
    mu: np.ndarray  # fitted shares of the restricted model
    eta: np.ndarray  # its linear predictor (offset included)


def score_test(y, n, X_nuisance, X_test, b0, cluster, weights, start=None) -> ScoreTest:
    """Return the wild cluster score bootstrap test of ``beta = b0`` for the columns ``X_test``.

    The model is refitted with beta fixed at ``b0`` (an offset); each observation's
    score n_i (y_i - mu_i) x_i is projected off the nuisance directions (the efficient
    score), summed by cluster, and the statistic (|t| for one column, a quadratic form
    for several) is compared with its distribution when the cluster scores are
    multiplied by the rows of ``weights`` (n_boot, G). ``start`` is an optional starting
    value of the nuisance coefficients. Returns the p-value (with the observed
    statistic counted among the draws), the statistic and the restricted fit's shares.
    """
    b0 = np.atleast_1d(np.asarray(b0, float))
    X_test = X_test.reshape(len(y), -1)
    off = X_test @ b0
    fit = fit_binomial(y, n, X_nuisance, offset=off, start=start)
    eta, mu = fit.eta, fit.mu
    w = n * mu * (1 - mu)
    H = gram(np.column_stack([X_nuisance, X_test]), w)
    p_n = X_nuisance.shape[1]
    proj = linalg.lstsq(H[:p_n, :p_n], H[:p_n, p_n:])[0]
    A = X_test - sparse.csr_matrix(X_nuisance) @ proj
    G = weights.shape[1]
    Sg = _cluster_sums((n * (y - mu))[:, None] * A, cluster, G)  # (G, k)
    S = Sg.sum(0)
    if Sg.shape[1] == 1:
        s = Sg[:, 0]
        stat = abs(S[0]) / np.sqrt((s ** 2).sum())
        boot = np.abs(weights @ s) / np.sqrt((weights ** 2) @ (s ** 2))
    else:
        omega = Sg.T @ Sg
        stat = float(S @ np.linalg.solve(omega, S))
        Sb = weights @ Sg  # (B, k)
        om_b = np.einsum("bg,gi,gj->bij", weights ** 2, Sg, Sg)
        boot = np.einsum("bi,bi->b", Sb, np.linalg.solve(om_b, Sb[..., None])[..., 0])
    p = float((np.sum(boot >= stat - 1e-12) + 1) / (len(boot) + 1))
    return ScoreTest(p_value=p, statistic=float(stat), mu=mu, eta=eta)
