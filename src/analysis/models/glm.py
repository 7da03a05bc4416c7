"""The binomial-logit GLM behind the difference-in-differences, written on numpy.

Fitting (IRLS with a Cholesky solve on sparse fixed-effect dummies), the CR1
cluster-robust covariance, and the average marginal effect in percentage points. Split
out of :mod:`analysis.models.did` so that the bootstrap, the event study and
randomization inference share one fitter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, sparse
from scipy.special import expit

from analysis.errors import Refused


def _gram(Xs, XsT, w) -> np.ndarray:
    """Return X' diag(w) X as a dense array, from sparse X and its transpose."""
    return (XsT.multiply(w) @ Xs).toarray()


def gram(X, w) -> np.ndarray:
    """Return X' diag(w) X for a dense ``X`` (computed sparsely)."""
    Xs = sparse.csr_matrix(X)
    return _gram(Xs, Xs.T.tocsr(), w)


@dataclass
class GlmFit:
    """A binomial-logit GLM fit: coefficients, linear predictor (offset included), shares."""

    params: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    converged: bool


def fit_binomial(y, n, X, offset=None, start=None, tol: float = 1e-10, maxiter: int = 100) -> GlmFit:
    """Return the binomial-logit GLM fit of shares ``y`` with weights ``n`` (IRLS on numpy).

    The same model as ``sm.GLM(y, X, family=Binomial(), var_weights=n, offset=offset)``
    (tests check the coefficients agree), written out because the bootstrap interval
    refits it dozens of times: solving the normal equations with a Cholesky factor is
    far faster than statsmodels' pseudo-inverse at each step. Raises Refused when the
    design is singular (a fixed effect with no dossiers).
    """
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, float)
    # fixed-effect dummies are mostly zeros: sparse products are ~30x faster here
    Xs = sparse.csr_matrix(X)
    XsT = Xs.T.tocsr()
    if start is None:
        z0 = np.log((y * n + 0.5) / (n - y * n + 0.5)) - off
        b = linalg.lstsq(_gram(Xs, XsT, n), XsT @ (z0 * n))[0]
    else:
        b = np.asarray(start, float).copy()
    converged = False
    for _ in range(maxiter):
        eta = Xs @ b + off
        mu = expit(eta)
        v = np.clip(mu * (1 - mu), 1e-12, None)
        w = n * v
        z = eta - off + (y - mu) / v
        try:
            c = linalg.cho_factor(_gram(Xs, XsT, w))
        except (linalg.LinAlgError, ValueError):  # ValueError: weights underflowed to inf/NaN
            raise Refused("the model cannot be fitted: its design is singular (a procedure or month "
                          "with no dossiers, a treatment term equal to a fixed effect, or shares of 0% or "
                          "100% throughout: perfect separation)") from None
        b_new = linalg.cho_solve(c, XsT @ (w * z))
        step = np.max(np.abs(b_new - b))
        b = b_new
        if step < tol:
            converged = True
            break
    eta = X @ b + off
    return GlmFit(params=b, eta=eta, mu=expit(eta), converged=converged)


def _cluster_sums(values: np.ndarray, cluster: np.ndarray, n_clusters: int) -> np.ndarray:
    """Return per-cluster sums of the rows of ``values`` (N, k) as (G, k)."""
    out = np.zeros((n_clusters, values.shape[1]))
    np.add.at(out, cluster, values)
    return out


def _cr1(X, n, y, mu, cluster):
    """Return the CR1 cluster-robust covariance of a GLM fit (sandwich, factor G/(G-1))."""
    G = int(cluster.max()) + 1
    H = gram(X, n * mu * (1 - mu))
    Hinv = linalg.cho_solve(linalg.cho_factor(H), np.eye(len(H)))
    Sg = _cluster_sums((n * (y - mu))[:, None] * X, cluster, G)
    return G / (G - 1) * Hinv @ (Sg.T @ Sg) @ Hinv



def _ame_pp(eta, beta, d, n) -> float:
    """Return 100 x the dossier-weighted mean over cells with d == 1 of expit(eta) - expit(eta - beta)."""
    m = d == 1
    return 100 * float(np.sum((expit(eta[m]) - expit(eta[m] - beta)) * n[m]) / np.sum(n[m]))
