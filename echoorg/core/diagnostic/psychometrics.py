"""Reliability of the diagnostic's scales: Cronbach's alpha, McDonald's omega, item statistics.

Plain NumPy/SciPy, no Django: data in, numbers out. Every figure is checked against R's
psych package (Revelle) in tests/core/test_psychometrics.py, with reference values made by
tests/fixtures/psychometrics/make_fixtures.R.

Inputs are item-score matrices ``x`` of shape (n respondents, p items) without missing
values; `scale_reliability` does the reverse keying and complete-case selection for a whole
instrument. Everything is computed from the p x p covariance matrix, so the cost in the
number of respondents is one pass over the data per scale.

Formulas
    alpha            Cronbach, L. J. (1951). Coefficient alpha and the internal structure
                     of tests. Psychometrika 16, 297-334.
                     alpha = k/(k-1) * (1 - sum(item variances) / variance(total)).
    omega total      McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.
                     From a one-factor model of the correlation matrix R with loadings l:
                     omega = (sum(R) - sum(1 - l_i^2)) / sum(R), exactly as
                     psych::omega(x, nfactors = 1)$omega.tot (psych:::omegah).
    minres loadings  Harman, H. H. & Jones, W. H. (1966). Factor analysis by minimizing
                     residuals (minres). Psychometrika 31, 351-368; implemented as in
                     psych::fa(fm = "minres") (Revelle, psych 2.2.9): start at 1 - SMC,
                     L-BFGS-B on the uniquenesses within [0.005, max(SMC, 1)].
    item statistics  The corrected item-total ("item-rest") correlation and alpha if the
                     item is deleted, as psych::alpha's item.stats$r.drop and
                     alpha.drop$raw_alpha.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from echoorg.core.diagnostic.coded import CodedAnswers, complete_moments
from echoorg.core.diagnostic.instrument import Instrument

FloatArray = NDArray[np.float64]

_EPS = float(np.finfo(float).eps)
MIN_COMPLETE = 3
"""Fewer complete respondents than this and a scale's figures are NaN."""

# R's optim(method = "L-BFGS-B") defaults as psych::fa calls it: parscale 0.01, factr 1e7
# (relative reduction tolerance factr * machine epsilon), pgtol 0, lmm 5, maxit 100. Using
# the same settings reproduces R's iterates, so omega agrees with psych to ~1e-15 rather
# than to the ~1e-7 that a fully converged optimum would give.
_PARSCALE = 0.01
_LOWER = 0.005
_OPTIM_OPTIONS = {"maxcor": 5, "ftol": 1e7 * _EPS, "gtol": 0.0, "maxiter": 100}


@dataclass(frozen=True)
class ItemStatistic:
    """One item of a scale, over the scale's complete respondents (after reverse keying)."""

    item: str
    mean: float
    sd: float
    item_rest_r: float
    alpha_if_deleted: float


@dataclass(frozen=True)
class ScaleReliability:
    """Reliability of one scale: `n_complete` respondents answered all `n_items` items."""

    scale: str
    n_items: int
    n_complete: int
    alpha: float
    omega: float
    items: list[ItemStatistic]


def import_optimiser_in_background() -> None:
    """Start importing SciPy's optimiser (omega needs it; the import takes most of a
    second) on another thread, so that a command can read its file meanwhile. Importing
    it again later waits for this import to finish rather than repeating it."""
    threading.Thread(target=_import_optimiser, name="import-scipy", daemon=True).start()


def _import_optimiser() -> None:
    import scipy.optimize  # noqa: F401


# ---------------------------------------------------------------------------------------
# Public functions on a complete item-score matrix


def three_decimals(value: float | None) -> str | None:
    """A coefficient as shown (0.812), or None when there is none (None or NaN)."""
    return None if value is None or math.isnan(value) else f"{value:.3f}"


def reliability_verdict(alpha: float | None) -> str:
    """How far a scale's Cronbach's alpha can be trusted, in words for the page.

    The 0.70 and 0.80 marks are the conventional ones (Nunnally 1978, Psychometric
    Theory, 2nd ed.: 0.70 for early research, 0.80 for basic research); echoorg reads 0.80
    as enough for feedback to a team. None or NaN (too few complete answers) gives a
    sentence saying so.
    """
    if alpha is None or math.isnan(alpha):
        return "Too few complete answers to estimate"
    if alpha >= 0.8:
        return "Good enough for team feedback (0.80 or more)"
    if alpha >= 0.7:
        return "Good enough for research use (0.70 to 0.79)"
    return "Below 0.70: read with caution"


def cronbach_alpha(x: ArrayLike) -> float:
    """Cronbach's (1951) alpha of the items in `x` (n respondents, p items; no NaN).

    alpha = p/(p-1) * (1 - sum_i var(x_i) / var(sum_i x_i)), with sample variances
    (ddof = 1). NaN when p < 2, n < 2 or the total score does not vary.
    """
    data = _matrix(x)
    if data.shape[0] < 2:
        return math.nan
    return _alpha_from_covariance(_covariance(data)[1])


def omega_total(x: ArrayLike) -> float:
    """McDonald's (1999) omega total from a one-factor minres model of `x`'s correlations.

    Equals psych::omega(x, nfactors = 1)$omega.tot: with R the correlation matrix and l the
    minres loadings (`one_factor_loadings`), omega = (sum(R) - sum(1 - l^2)) / sum(R).
    As in psych, items that load negatively are flipped in R before summing.
    NaN when p < 2, n < 2 or an item does not vary (its correlations are undefined;
    psych::omega stops with an error there).
    """
    data = _matrix(x)
    if data.shape[0] < 2:
        return math.nan
    return _omega_from_covariance(_covariance(data)[1])


def one_factor_loadings(x: ArrayLike) -> FloatArray:
    """Loadings (p,) of the minres one-factor solution of `x`'s correlation matrix.

    Same as psych::fa(x, nfactors = 1, fm = "minres")$loadings (Harman & Jones 1966;
    Revelle's psych): signed so that they sum to a positive number. All NaN when p < 2,
    n < 2 or an item does not vary.
    """
    data = _matrix(x)
    p = data.shape[1]
    if data.shape[0] < 2 or p < 2:
        return np.full(p, math.nan)
    corr = _correlation(_covariance(data)[1])
    if corr is None:
        return np.full(p, math.nan)
    return _minres_one_factor(corr)


def item_rest_correlations(x: ArrayLike) -> FloatArray:
    """Pearson r of each item with the sum of the other items (corrected item-total r).

    r_i = (sum_j C_ij - C_ii) / sqrt(C_ii * var(rest_i)) with C the covariance matrix;
    psych::alpha's item.stats$r.drop. NaN for an item (or a rest) that does not vary, and
    all NaN when p < 2 or n < 2.
    """
    data = _matrix(x)
    if data.shape[0] < 2:
        return np.full(data.shape[1], math.nan)
    return _item_rest_from_covariance(_covariance(data)[1])


def alpha_if_deleted(x: ArrayLike) -> FloatArray:
    """Raw alpha (Cronbach 1951) of the remaining items when each item is left out.

    psych::alpha's alpha.drop$raw_alpha for p >= 3. With p = 2 one item would remain and
    alpha is undefined, so the result is NaN (psych reports C12/C22 there instead).
    """
    data = _matrix(x)
    if data.shape[0] < 2:
        return np.full(data.shape[1], math.nan)
    return _alpha_drop_from_covariance(_covariance(data)[1])


# ---------------------------------------------------------------------------------------
# A whole instrument


def scale_reliability(instrument: Instrument, answers: ArrayLike) -> list[ScaleReliability]:
    """Alpha, omega and item statistics for each scale of `instrument`, in its order.

    `answers` is (n respondents, n items) in `instrument.items` order, NaN where an item
    was not answered. For each scale: reverse items are keyed as min + max - x (the
    instrument's response scale), the respondents who answered every item of the scale
    are kept (`n_complete`), and the figures are computed on them.

    With `n_complete` < 3 every figure is NaN. A scale of one item has its mean and sd but
    NaN alpha, omega, item-rest r and alpha-if-deleted. An item nobody varied on gives NaN
    omega and a NaN item-rest r for that item, while alpha stays the plain formula.
    """
    if isinstance(answers, CodedAnswers):  # large files: exact moments by counting
        return [
            _figures_from_moments(
                scale.id,
                [i.id for i in instrument.items_of(scale.id)],
                *complete_moments(instrument, answers, scale.id),
            )
            for scale in instrument.scales
        ]
    data = np.asarray(answers, dtype=float)
    n_items = len(instrument.items)
    if data.ndim != 2 or data.shape[1] != n_items:
        raise ValueError(
            f"answers: expected a matrix with {n_items} columns (one per item "
            f"of {instrument.key}), got shape {data.shape}."
        )
    low, high = instrument.response_scale.min, instrument.response_scale.max
    column = {item.id: n for n, item in enumerate(instrument.items)}
    results = []
    for scale in instrument.scales:
        items = instrument.items_of(scale.id)
        block = data[:, [column[item.id] for item in items]]
        complete = block[~np.isnan(block).any(axis=1)]
        reverse = np.array([item.reverse for item in items])
        if reverse.any():
            complete[:, reverse] = (low + high) - complete[:, reverse]
        results.append(_scale_figures(scale.id, [item.id for item in items], complete))
    return results


def _scale_figures(scale: str, item_ids: list[str], x: FloatArray) -> ScaleReliability:
    n = x.shape[0]
    if n < MIN_COMPLETE:
        return _figures_from_moments(scale, item_ids, n, None, None)
    means, cov = _covariance(x)
    return _figures_from_moments(scale, item_ids, n, means, cov)


def _figures_from_moments(
    scale: str, item_ids: list[str], n: int, means: FloatArray | None, cov: FloatArray | None
) -> ScaleReliability:
    """The figures of one scale from its complete cases' item means and covariance."""
    p = len(item_ids)
    nan_items = [ItemStatistic(i, math.nan, math.nan, math.nan, math.nan) for i in item_ids]
    if n < MIN_COMPLETE or means is None or cov is None:
        return ScaleReliability(scale, p, n, math.nan, math.nan, nan_items)
    sds = np.sqrt(np.diag(cov))
    if p < 2:
        rest = drop = np.full(p, math.nan)
        alpha = omega = math.nan
    else:
        rest = _item_rest_from_covariance(cov)
        drop = _alpha_drop_from_covariance(cov)
        alpha = _alpha_from_covariance(cov)
        omega = _omega_from_covariance(cov)
    stats = [
        ItemStatistic(item, float(means[k]), float(sds[k]), float(rest[k]), float(drop[k]))
        for k, item in enumerate(item_ids)
    ]
    return ScaleReliability(scale, p, n, alpha, omega, stats)


# ---------------------------------------------------------------------------------------
# Closed forms on the covariance matrix


def _matrix(x: ArrayLike) -> FloatArray:
    data = np.asarray(x, dtype=float)
    if data.ndim != 2:
        raise ValueError(
            f"x: expected a matrix (respondents x items), got {data.ndim} dimension(s)."
        )
    if np.isnan(data).any():
        raise ValueError("x: contains missing values (NaN); keep complete respondents only.")
    return data


def _covariance(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Item means and the sample covariance matrix (ddof = 1), centred for accuracy."""
    means = x.mean(axis=0)
    centred = x - means
    cov = centred.T @ centred / (x.shape[0] - 1)
    return means, cov


def _alpha_from_covariance(cov: FloatArray) -> float:
    p = cov.shape[0]
    total = float(cov.sum())
    if p < 2 or not total > 0:
        return math.nan
    return p / (p - 1) * (1.0 - float(np.trace(cov)) / total)


# Below this share of the summed item variances, a rest's variance is rounding left by
# the subtraction in `_rest_variances`, not variation: answers are whole numbers, so a rest
# that varies at all has a variance of about 1/n or more (n the complete cases), many
# orders of magnitude above it for any n echoorg reads.
NEGLIGIBLE_VARIANCE = 1e-12


def _rest_variances(cov: FloatArray) -> FloatArray:
    """Variance of the sum of all items but i, for each i; exactly 0 where the rest does
    not vary (the subtraction would otherwise leave a few units in the last place, which
    make item-rest r and alpha-if-deleted explode instead of being undefined)."""
    rest = cov.sum() - 2.0 * cov.sum(axis=0) + np.diag(cov)
    return np.where(rest > NEGLIGIBLE_VARIANCE * float(np.trace(cov)), rest, 0.0)


def _item_rest_from_covariance(cov: FloatArray) -> FloatArray:
    p = cov.shape[0]
    if p < 2:
        return np.full(p, math.nan)
    var_item = np.diag(cov)
    cov_rest = cov.sum(axis=0) - var_item
    denominator = var_item * _rest_variances(cov)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = cov_rest / np.sqrt(denominator)
    return np.where(denominator > 0, r, math.nan)


def _alpha_drop_from_covariance(cov: FloatArray) -> FloatArray:
    p = cov.shape[0]
    if p < 3:
        return np.full(p, math.nan)
    rest_total = _rest_variances(cov)
    rest_trace = np.trace(cov) - np.diag(cov)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (p - 1) / (p - 2) * (1.0 - rest_trace / rest_total)
    return np.where(rest_total > 0, alpha, math.nan)


def _correlation(cov: FloatArray) -> FloatArray | None:
    """The correlation matrix, or None when an item does not vary."""
    sd = np.sqrt(np.diag(cov))
    if not (sd > 0).all():
        return None
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    return corr


# ---------------------------------------------------------------------------------------
# Omega total and the minres one-factor model (after psych::fa and psych:::omegah)


def _omega_from_covariance(cov: FloatArray) -> float:
    if cov.shape[0] < 2:
        return math.nan
    corr = _correlation(cov)
    if corr is None:
        return math.nan
    loadings = _minres_one_factor(corr)
    # psych:::omegah with flip = TRUE: items loading negatively are reflected in R.
    key = np.where(loadings < 0, -1.0, 1.0)
    total = float((corr * np.outer(key, key)).sum())
    uniqueness = float((1.0 - loadings**2).sum())
    if not total > 0:
        return math.nan
    return (total - uniqueness) / total


def _smc(corr: FloatArray) -> FloatArray:
    """Squared multiple correlations 1 - 1/diag(R^+), clipped to [0, 1] (psych::smc).

    The inverse is psych's Pinv: singular values below sqrt(eps) * largest are dropped, so
    a singular R (perfectly correlated items) still gives an answer.
    """
    u, d, vt = np.linalg.svd(corr)
    keep = d > max(math.sqrt(_EPS) * d[0], 0.0)
    inverse = (vt[keep].T / d[keep]) @ u[:, keep].T
    with np.errstate(divide="ignore"):
        smc = 1.0 - 1.0 / np.diag(inverse)
    return np.clip(smc, 0.0, 1.0)


def _first_factor(reduced: FloatArray) -> tuple[FloatArray, float]:
    """Leading eigenvector and eigenvalue of a symmetric matrix."""
    values, vectors = np.linalg.eigh(reduced)
    return vectors[:, -1], float(values[-1])


def _minres_residual(psi: FloatArray, corr: FloatArray, lower: tuple[FloatArray, ...]) -> float:
    """psych's fit.residuals for fm = "minres": squared off-diagonal residuals."""
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1.0 - psi)
    vector, value = _first_factor(reduced)
    if value < _EPS:
        value = 100 * _EPS
    loadings = vector * math.sqrt(value)
    residual = (reduced - np.outer(loadings, loadings))[lower]
    return float(residual @ residual)


def _minres_gradient(psi: FloatArray, corr: FloatArray) -> FloatArray:
    """psych's FAgr.minres: diag(l l' + Psi - R) with l from the eigen of R - Psi."""
    vector, value = _first_factor(corr - np.diag(psi))
    return vector**2 * max(value, 0.0) + psi - 1.0


def _minres_one_factor(corr: FloatArray) -> FloatArray:
    """Minres one-factor loadings of a correlation matrix, as psych::fa's fit()."""
    from scipy.optimize import minimize  # imported when first needed: it is slow to load

    p = corr.shape[0]
    lower = np.tril_indices(p, -1)
    smc = _smc(corr)
    upper = max(float(smc.max()), 1.0)

    # optim() works on par / parscale and scales the gradient by parscale.
    def objective(scaled: FloatArray) -> tuple[float, FloatArray]:
        psi = scaled * _PARSCALE
        return (_minres_residual(psi, corr, lower), _minres_gradient(psi, corr) * _PARSCALE)

    result = minimize(
        objective,
        (1.0 - smc) / _PARSCALE,
        jac=True,
        method="L-BFGS-B",
        bounds=[(_LOWER / _PARSCALE, upper / _PARSCALE)] * p,
        options=_OPTIM_OPTIONS,
    )
    psi = result.x * _PARSCALE
    vector, value = _first_factor(corr - np.diag(psi))
    loadings = vector * math.sqrt(max(value, 0.0))
    return -loadings if loadings.sum() < 0 else loadings
