"""Randomization inference over which procedures were discounted.

The wild cluster bootstrap leans on asymptotics in the number of treated clusters: with
3 discounted procedures it is conservative (intervals several pp wide), and its
pre-trend test over-rejects in some designs (issue 13: 14.7% at nominal 10%). A
randomization test asks a different question that needs no asymptotics: had the province
discounted any other set of the same number of procedures, how often would the statistic
have been as large? Under the sharp null (no effect on any procedure-month) and if the
discounted set could have been any set of that size, the p-value is exact.

The statistic is the same studentized efficient score as the bootstrap's
(:func:`analysis.models.wild.score_test`): the model is fitted once with the null
imposed and without any treatment term, so the fit does not depend on the assignment,
and each procedure's score contribution is linear in the assignment vector. Every
assignment's statistic is then one matrix product: exact enumeration of all
C(J, T) assignments is cheap up to :data:`MAX_EXACT`, and above it assignments are
sampled. The same machinery gives the pre-period tests (linear pre-trend, joint leads,
placebo date) on the pre-period cells alone, where no treatment term is needed.

The effect's interval inverts the test: under "the effect is b on the logit scale" the
untreated outcomes are the discounted cells' shares with b removed,
expit(logit(y) - b), and the test of no effect on those is run for each b.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import linalg, sparse

from analysis.models.glm import fit_binomial, gram

#: Enumerate every assignment when there are at most this many (C(30, 3) = 4,060 and
#: C(20, 5) = 15,504 are enumerated; C(30, 9) = 14 million is sampled).
MAX_EXACT = 20_000
#: Sampled assignments when enumeration is too costly.
N_SAMPLED = 2_000


@dataclass
class Assignments:
    """The assignments a randomization test compares the observed one with.

    ``Z`` is (B, J) of 0/1, one row per assignment of T treated among J procedures (the
    observed assignment is row 0); ``exact`` is True when every assignment is listed.
    """

    Z: np.ndarray
    exact: bool
    n_possible: int


def assignments(treated: np.ndarray, rng: np.random.Generator, *, max_exact: int = MAX_EXACT,
                n_sampled: int = N_SAMPLED) -> Assignments:
    """Return the assignments of ``treated.sum()`` treated among ``len(treated)`` procedures.

    All of them (observed one first) when there are at most ``max_exact``; otherwise the
    observed one and ``n_sampled`` drawn uniformly (with replacement across draws).
    """
    treated = np.asarray(treated, bool)
    J, T = len(treated), int(treated.sum())
    total = math.comb(J, T)
    if total <= max_exact:
        Z = np.zeros((total, J))
        for b, idx in enumerate(itertools.combinations(range(J), T)):
            Z[b, list(idx)] = 1.0
        obs = np.flatnonzero(np.all(Z == treated, axis=1))[0]
        Z[[0, obs]] = Z[[obs, 0]]
        return Assignments(Z=Z, exact=True, n_possible=total)
    order = np.argsort(rng.random((n_sampled, J)), axis=1)[:, :T]
    Z = np.zeros((n_sampled + 1, J))
    Z[0, treated] = 1.0
    np.put_along_axis(Z[1:], order, 1.0, axis=1)
    return Assignments(Z=Z, exact=False, n_possible=total)


def fe_matrix(unit: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Return the intercept, unit dummies and month dummies (first of each dropped) for
    integer codes ``unit`` and ``month`` (0-based, every code present)."""
    J, M = int(unit.max()) + 1, int(month.max()) + 1
    X = np.zeros((len(unit), J + M - 1))
    X[:, 0] = 1.0
    rows = np.arange(len(unit))
    X[rows[unit > 0], unit[unit > 0]] = 1.0
    X[rows[month > 0], J - 1 + month[month > 0]] = 1.0
    return X


def score_matrix(y, n, X_nuisance, template, cluster, offset=None, start=None, fit=None) -> np.ndarray:
    """Return M (G, G, k): M[g, j] is cluster g's efficient score when only procedure j is treated.

    ``template`` (N, k) holds each cell's test columns if its procedure were treated
    (e.g. post-period indicator, months before the policy, lead dummies). The model is
    the binomial GLM on ``X_nuisance`` (with ``offset``) and no test term. For an
    assignment z the cluster scores are M @ z (linear in z). Raises Refused when the
    nuisance model cannot be fitted. ``start``: starting values of the nuisance fit;
    ``fit``: the nuisance fit itself when already computed (several tests of one model).
    """
    template = np.asarray(template, float).reshape(len(y), -1)
    fit = fit if fit is not None else fit_binomial(y, n, X_nuisance, offset=offset, start=start)
    w = n * fit.mu * (1 - fit.mu)
    r = n * (y - fit.mu)
    G, k = int(cluster.max()) + 1, template.shape[1]
    Xs = sparse.csr_matrix(X_nuisance)
    H = gram(X_nuisance, w)
    # one inverse for all test columns (a tiny ridge keeps it defined if a month has no dossiers)
    Hinv = linalg.cho_solve(linalg.cho_factor(H + 1e-10 * np.eye(len(H)) * np.trace(H) / len(H)), np.eye(len(H)))
    R = np.zeros((G, X_nuisance.shape[1]))  # per-cluster sums of r_i x_i
    np.add.at(R, cluster, r[:, None] * X_nuisance)
    M = np.zeros((G, G, k))
    rows = np.arange(len(y))
    for col in range(k):
        Fj = sparse.csr_matrix((template[:, col], (rows, cluster)), shape=(len(y), G))  # (N, J)
        P = Hinv @ (Xs.T @ Fj.multiply(w[:, None])).toarray()  # (p, J)
        own = np.zeros(G)
        np.add.at(own, cluster, r * template[:, col])
        M[:, :, col] = np.diag(own) - R @ P
    return M


def statistics(M: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Return the studentized score statistic for each assignment row of ``Z``.

    One test column: |sum_g s_g| / sqrt(sum_g s_g^2); several: S' (sum_g s_g s_g')^-1 S,
    with s_g the cluster scores M @ z (as in the bootstrap's statistic).
    """
    s = np.tensordot(Z, M, axes=([1], [1]))  # (B, G, k): a matrix product, far faster than einsum
    S = s.sum(1)
    if M.shape[2] == 1:
        den = np.sqrt((s[..., 0] ** 2).sum(1))
        return np.abs(S[:, 0]) / np.where(den > 0, den, np.inf)
    om = np.matmul(s.transpose(0, 2, 1), s)
    om += 1e-12 * np.eye(M.shape[2]) * np.trace(om, axis1=1, axis2=2)[:, None, None]
    return np.einsum("bi,bi->b", S, np.linalg.solve(om, S[..., None])[..., 0])


def p_value(stats_: np.ndarray, exact: bool) -> float:
    """Return the randomization p-value of stats_[0] (the observed assignment) among all rows.

    Exact enumeration: the share of assignments at least as extreme (the observed one
    included). Sampled: (count + 1) / (B + 1) over the sampled rows, which keeps the level.
    """
    obs, rest = stats_[0], stats_[1:]
    count = int(np.sum(rest >= obs - 1e-10 * max(abs(obs), 1.0)))
    return float((count + 1) / (len(rest) + 1))


@dataclass
class RandomizationTest:
    """A randomization test's result; :meth:`to_dict` for JSON."""

    p_value: float
    statistic: float
    n_assignments: int
    n_possible: int
    exact: bool

    def to_dict(self) -> dict:
        return asdict(self)


def run_test(y, n, X_nuisance, template, cluster, treated_units, A: Assignments, offset=None,
             start=None, fit=None) -> RandomizationTest:
    """Return the randomization test of "no effect" for the test columns ``template``.

    ``treated_units`` (J,) marks the procedures actually treated (row 0 of ``A.Z``).
    Raises Refused when the nuisance model cannot be fitted.
    """
    M = score_matrix(y, n, X_nuisance, template, cluster, offset=offset, start=start, fit=fit)
    st = statistics(M, A.Z)
    return RandomizationTest(p_value=p_value(st, A.exact), statistic=float(st[0]),
                             n_assignments=len(A.Z), n_possible=A.n_possible, exact=A.exact)


def remove_effect(y: np.ndarray, d: np.ndarray, b: float) -> np.ndarray:
    """Return the shares with a logit effect ``b`` removed where d == 1 (0% and 100% stay)."""
    with np.errstate(divide="ignore"):
        return np.where(d == 1, 1 / (1 + np.exp(-(np.log(y) - np.log1p(-y) - b))), y)


def invert(pval, estimate: float, step: float, alpha: float, tol: float | None = None) -> tuple[float, float]:
    """Return (low, high): the ends of {b : pval(b) >= alpha} around ``estimate``.

    Steps out from the estimate by ``step`` until the test rejects, then bisects to
    ``tol`` (default step / 100). Bisection, not a root finder, because a randomization
    p-value is a step function of b. An end is +-inf when 40 steps never reject.
    """
    tol = step / 100 if tol is None else tol
    ends = []
    for direction in (-1.0, 1.0):
        x_in, x_out = estimate, estimate + direction * step
        for _ in range(40):
            if pval(x_out) < alpha:
                break
            x_in, x_out = x_out, x_out + direction * step
        else:
            ends.append(direction * np.inf)
            continue
        while abs(x_out - x_in) > tol:
            mid = (x_in + x_out) / 2
            x_in, x_out = (mid, x_out) if pval(mid) >= alpha else (x_in, mid)
        ends.append((x_in + x_out) / 2)
    return ends[0], ends[1]


@dataclass
class EffectRI:
    """Randomization inference for the DiD effect: p-value of no effect and inverted interval."""

    p_value: float
    ci_low_logit: float
    ci_high_logit: float
    n_assignments: int
    n_possible: int
    exact: bool


def effect(data, d: np.ndarray, beta: float, se: float, rng: np.random.Generator,
           alpha: float = 0.05) -> EffectRI:
    """Return randomization inference for the effect in ``data`` (a prepared DiD panel).

    ``d`` is the treatment column, ``beta`` and ``se`` the GLM estimate and its CR1
    standard error (to place the search for the interval's ends). Raises Refused when a
    nuisance fit fails.
    """
    procs = data.cells.groupby("procedure", sort=True)["discounted"].first().to_numpy(bool)
    A = assignments(procs, rng)
    post = data.cells["post"].to_numpy(float)
    cache: dict[float, float] = {}
    start = fit_binomial(data.y, data.n, data.X_fe).params  # warm start for every b

    def pval(b: float) -> float:
        if b not in cache:
            y0 = remove_effect(data.y, d, b)
            cache[b] = run_test(y0, data.n, data.X_fe, post, data.cluster, procs, A, start=start).p_value
        return cache[b]

    lo, hi = invert(pval, beta, max(se, 1e-3), alpha, tol=max(se, 1e-3) / 40)
    return EffectRI(p_value=pval(0.0), ci_low_logit=float(lo), ci_high_logit=float(hi),
                    n_assignments=len(A.Z), n_possible=A.n_possible, exact=A.exact)
