"""Mean caller patience from abandonment data (exponential patience, right-censored waits).

Every queued contact exposes its patience clock for as long as it waits: an abandoned contact
reveals its patience (it equals its wait), an answered contact only tells us patience exceeded its
wait (right-censored). For exponential patience with rate theta the log-likelihood is
``abandons * log(theta) - theta * total_wait``, where ``total_wait`` sums the time in queue of ALL
queued contacts (answered and abandoned). Its maximum is

    theta_hat = abandons / total_wait      ->      mean patience = total_wait / abandons.

This is also the Erlang A identity P(abandon) = theta * E[W] (Little's law on the abandonment
flow), so the estimate is consistent with the model it feeds. Notes:
* Use raw waits, not waits of answered contacts only; leaving out answered waits biases patience
  down, leaving out abandoned waits biases it up.
* "Short abandons" (hang-ups within a few seconds that a centre excludes from its KPIs) are real
  abandons for this purpose; exclude them only consistently from both numerator and exposure.
* No abandons gives no finite estimate: the function returns ``inf`` (Erlang A then equals
  Erlang C), and ``nan`` when there is no exposure at all.
* An approximate 95% interval uses the Gamma/chi-square pivot: 2 * theta * total_wait ~
  chi2(2 * abandons) (exact for the number of abandons fixed; good enough for planning).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["PatienceEstimate", "estimate_mean_patience", "mean_patience_from_contacts"]


@dataclass(frozen=True)
class PatienceEstimate:
    mean_patience_seconds: np.ndarray
    lower_95: np.ndarray
    upper_95: np.ndarray
    abandons: np.ndarray
    exposure_seconds: np.ndarray


def _chi2_ppf(q, dof):
    return 2.0 * special.gammaincinv(np.asarray(dof) / 2.0, q)


def _out(x):
    x = np.asarray(x)
    return x[()] if x.ndim == 0 else x


def estimate_mean_patience(abandoned, total_wait_seconds) -> PatienceEstimate:
    """MLE of mean exponential patience = total time in queue of all contacts / abandons.

    ``abandoned`` = number of abandoned contacts; ``total_wait_seconds`` = sum of queue waits of
    all contacts that queued (answered and abandoned). Broadcasts (e.g. per queue x interval).
    """
    k, w = np.broadcast_arrays(
        np.asarray(abandoned, dtype=float), np.asarray(total_wait_seconds, dtype=float)
    )
    if np.any(k < 0) or np.any(w < 0):
        raise ValueError("abandoned and total_wait_seconds must be non-negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(k > 0, w / np.where(k > 0, k, 1.0), np.where(w > 0, np.inf, np.nan))
        dof = 2.0 * np.maximum(k, 1.0)
        # chi2.ppf(q, dof) = 2 * gammaincinv(dof / 2, q) (how scipy.stats computes it): scipy.special
        # alone, since importing scipy.stats costs ~1 s in every process that staffs (dbt's)
        # theta in [chi2_{.025}(2k) / (2w), chi2_{.975}(2k) / (2w)]  ->  mean = 1 / theta
        lo = np.where(k > 0, 2.0 * w / _chi2_ppf(0.975, dof), np.nan)
        # with zero abandons the one-sided bound uses chi2(2) (the "rule of three" analogue)
        hi = np.where(k > 0, 2.0 * w / _chi2_ppf(0.025, dof), np.inf)
        lo = np.where((k == 0) & (w > 0), 2.0 * w / _chi2_ppf(0.95, 2.0), lo)
    return PatienceEstimate(
        mean_patience_seconds=_out(mean),
        lower_95=_out(lo),
        upper_95=_out(hi),
        abandons=_out(k),
        exposure_seconds=_out(w),
    )


def mean_patience_from_contacts(wait_seconds, abandoned_mask) -> PatienceEstimate:
    """Same estimate from per-contact data: queue waits and a boolean 'abandoned' per contact."""
    wait = np.asarray(wait_seconds, dtype=float)
    ab = np.asarray(abandoned_mask, dtype=bool)
    if wait.shape != ab.shape:
        raise ValueError("wait_seconds and abandoned_mask must have the same shape")
    return estimate_mean_patience(ab.sum(), np.nansum(wait))
