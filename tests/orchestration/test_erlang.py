"""Staffing math: the public worked examples in METRICS.md, independent brute-force checks, and
properties (monotone in agents, bounded, Erlang A -> Erlang C as patience grows)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm
from scipy.special import logsumexp

from orchestration.lib.staffing import (
    asa,
    erlang_a,
    erlang_b,
    erlang_c,
    erlang_c_probability_wait,
    estimate_mean_patience,
    mean_patience_from_contacts,
    occupancy,
    positions_with_shrinkage,
    required_agents,
    required_agents_erlang_a,
    service_level,
    traffic_erlangs,
    unstable_load,
)
from orchestration.lib.staffing._special import log_erlang_b_inverse, log_kummer

# ---------------------------------------------------------------------------------------------
# METRICS.md worked examples
# ---------------------------------------------------------------------------------------------


def test_example_1_erlang_c_call_centre_helper():
    a = traffic_erlangs(100, 180, 1800)
    assert a == pytest.approx(10.0)
    req = required_agents(
        100, 180, 1800, target_sl=0.80, threshold_seconds=20, max_occupancy=0.85, shrinkage=0.30
    )
    assert int(req.agents) == 14
    assert int(req.positions) == 20  # 14 / 0.7 is 20.000000000000004 in floats: must not become 21
    c = erlang_c(14, a, 180, 20)
    assert round(float(c.probability_wait), 4) == 0.1741
    assert round(float(c.service_level), 3) == 0.888
    assert round(float(c.asa), 2) == 7.84
    assert round(float(c.occupancy), 3) == 0.714
    assert not c.unstable
    # the stand-alone functions agree with the result object
    assert erlang_c_probability_wait(14, a) == c.probability_wait
    assert service_level(14, a, 180, 20) == c.service_level
    assert asa(14, a, 180) == c.asa
    assert occupancy(14, a) == c.occupancy
    # 13 agents miss the target, so 14 is the smallest
    assert service_level(13, a, 180, 20) < 0.80


def test_example_2_erlang_a():
    r = erlang_a(
        14, traffic_erlangs(100, 180, 1800), 180, patience_seconds=300, threshold_seconds=20
    )
    assert round(float(r.probability_wait), 5) == 0.14526
    assert round(float(r.probability_abandon), 6) == 0.013984
    assert round(float(r.occupancy), 6) == 0.704297
    assert round(float(r.asa), 3) == 4.195
    assert round(float(r.service_level), 6) == 0.916792
    assert not r.unstable


def test_example_3_erlang_a_converges_to_erlang_c():
    c = erlang_c(14, 10.0, 180, 20)
    previous = None
    for patience in [1e3, 1e4, 1e5, 1e6, 1e7]:
        r = erlang_a(14, 10.0, 180, patience, 20)
        gaps = np.array(
            [
                abs(r.probability_wait - c.probability_wait),
                abs(r.occupancy - c.occupancy),
                abs(r.service_level - c.service_level),
                abs(r.asa - c.asa) / c.asa,
            ]
        )
        if previous is not None:
            assert np.all(gaps < previous)
        previous = gaps
    assert np.all(previous < 1e-4)  # the gaps shrink like AHT / patience
    inf = erlang_a(14, 10.0, 180, np.inf, 20)
    assert inf.probability_wait == c.probability_wait and inf.service_level == c.service_level
    assert inf.probability_abandon == 0.0


def test_convergence_holds_at_scale():
    c = erlang_c(4100, 4000.0, 300, 20)
    r = erlang_a(4100, 4000.0, 300, 1e8, 20)
    assert r.probability_wait == pytest.approx(c.probability_wait, rel=1e-4)
    assert r.service_level == pytest.approx(c.service_level, rel=1e-4)


# ---------------------------------------------------------------------------------------------
# Independent brute-force references
# ---------------------------------------------------------------------------------------------


def erlang_c_direct(n: int, a: float) -> float:
    """Textbook formula with exact big-number arithmetic (small n only)."""
    from fractions import Fraction

    af = Fraction(a).limit_denominator(10**9)
    top = af**n / math.factorial(n) * Fraction(n, 1) / (n - af)
    bottom = sum(af**k / math.factorial(k) for k in range(n)) + top
    return float(top / bottom)


def erlang_a_chain(n: int, a: float, aht: float, patience: float, t: float, states: int = 400):
    """Truncated birth-death chain + the tagged caller's absorbing CTMC for the service level."""
    lam, mu, theta = a / aht, 1.0 / aht, 1.0 / patience
    k = np.arange(states)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    logp = np.zeros(states)
    for i in range(1, states):
        logp[i] = logp[i - 1] + math.log(lam) - math.log(death[i])
    p = np.exp(logp - logsumexp(logp))
    pw = p[n:].sum()
    queue = (np.maximum(k - n, 0) * p).sum()
    pab = theta * queue / lam
    occ = (np.minimum(k, n) * p).sum() / n
    # tagged caller with j callers ahead (j = 0..J); states J+1 = answered, J+2 = abandoned
    jmax = states - n
    q = np.zeros((jmax + 2, jmax + 2))
    for j in range(jmax):
        q[j, jmax] += theta  # the tagged caller abandons
        if j == 0:
            q[j, jmax + 1] += n * mu  # answered
        else:
            q[j, j - 1] += n * mu + j * theta  # someone ahead leaves
        q[j, j] = -q[j].sum()
    answered_by_t = expm(q * t)[:jmax, jmax + 1]
    arrivals_queued = p[n : n + jmax]
    sl = p[:n].sum() + (arrivals_queued * answered_by_t).sum()
    return pw, pab, occ, sl, queue / lam


@pytest.mark.parametrize("n,a", [(1, 0.3), (2, 1.5), (5, 4.2), (14, 10.0), (30, 25.5), (60, 41.0)])
def test_erlang_c_matches_exact_formula(n, a):
    assert erlang_c_probability_wait(n, a) == pytest.approx(erlang_c_direct(n, a), rel=1e-12)


@pytest.mark.parametrize(
    "n,a,aht,patience,t",
    [
        (14, 10.0, 180, 300, 20),
        (3, 5.0, 120, 60, 10),
        (10, 12.0, 300, 600, 30),
        (20, 8.0, 200, 50, 0),
        (8, 7.9, 240, 3000, 60),
    ],
)
def test_erlang_a_matches_truncated_chain(n, a, aht, patience, t):
    pw, pab, occ, sl, wait = erlang_a_chain(n, a, aht, patience, t)
    r = erlang_a(n, a, aht, patience, t)
    assert r.probability_wait == pytest.approx(pw, rel=1e-9)
    assert r.probability_abandon == pytest.approx(pab, rel=1e-9)
    assert r.occupancy == pytest.approx(occ, rel=1e-9)
    assert r.service_level == pytest.approx(sl, rel=1e-8)
    assert r.asa == pytest.approx(wait, rel=1e-9)


@pytest.mark.parametrize(
    "n,a",
    [(5000, 4000.0), (4001, 4000.0), (3000, 4000.0), (100, 4000.0), (5000, 10.0), (2500, 2499.5)],
)
def test_erlang_b_matches_stable_recursion_at_scale(n, a):
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    assert erlang_b(n, a) == pytest.approx(b, rel=1e-10)


@pytest.mark.parametrize(
    "b,y",
    [(0.0, 3.0), (0.7, 0.2), (50.0, 49.0), (1e4, 9.9e3), (2e5, 1.9e5), (5e4, 6e4), (300.0, 20.0)],
)
def test_kummer_series_matches_log_space_sum(b, y):
    k = np.arange(0, int(y + 60 * math.sqrt(y + 1) + 200))
    log_terms = k * math.log(y) - (
        np.array([math.lgamma(b + kk + 1) for kk in k]) - math.lgamma(b + 1)
    )
    assert log_kummer(b, y) == pytest.approx(logsumexp(log_terms), rel=1e-9, abs=1e-9)


def test_log_erlang_b_inverse_uses_series_where_gamma_underflows():
    # A >> n: the regularized upper gamma underflows; 1/B = sum_j n!/((n-j)! A^j)
    n, a = 20.0, 4000.0
    exact = math.log(sum(math.perm(20, j) / a**j for j in range(21)))
    assert log_erlang_b_inverse(n, a) == pytest.approx(exact, rel=1e-13)


# ---------------------------------------------------------------------------------------------
# Unstable load, vectorization, required agents, inputs
# ---------------------------------------------------------------------------------------------


def test_unstable_load_is_flagged_not_numbered():
    c = erlang_c(np.array([8, 10, 11]), 10.0, 180, 20)
    assert c.unstable.tolist() == [True, True, False]
    for field in (c.probability_wait, c.service_level, c.asa, c.occupancy):
        assert np.isnan(field[:2]).all() and np.isfinite(field[2])
    assert unstable_load(10, 10.0) and not unstable_load(11, 10.0)
    assert np.isnan(service_level(9, 10.0, 180, 20))
    # Erlang A stays finite under overload
    r = erlang_a(np.array([1, 8, 10]), 10.0, 180, 300, 20)
    assert not r.unstable.any()
    assert np.isfinite([r.probability_wait, r.service_level, r.asa, r.occupancy]).all()
    # zero traffic is trivially stable
    z = erlang_c(0, 0.0, 180, 20)
    assert not z.unstable and z.service_level == 1.0 and z.probability_wait == 0.0


def test_vectorized_call_equals_scalar_calls():
    rng = np.random.default_rng(7)
    a = rng.uniform(0.5, 300.0, 40)
    n = np.floor(a + rng.uniform(-3, 25, 40)).clip(0)
    aht = rng.uniform(60, 600, 40)
    t = rng.uniform(0, 60, 40)
    pat = rng.uniform(10, 1000, 40)
    c, r = erlang_c(n, a, aht, t), erlang_a(n, a, aht, pat, t)
    for i in range(40):
        ci, ri = erlang_c(n[i], a[i], aht[i], t[i]), erlang_a(n[i], a[i], aht[i], pat[i], t[i])
        np.testing.assert_allclose(
            [ci.service_level, ci.asa], [c.service_level[i], c.asa[i]], rtol=1e-14
        )
        np.testing.assert_allclose(
            [ri.service_level, ri.probability_abandon],
            [r.service_level[i], r.probability_abandon[i]],
            rtol=1e-14,
        )
    # broadcasting: agents as a column against traffic as a row
    grid = erlang_c(np.arange(1, 30)[:, None], np.array([5.0, 10.0, 20.0])[None, :], 180, 20)
    assert grid.service_level.shape == (29, 3)
    assert grid.service_level[13, 1] == erlang_c(14, 10.0, 180, 20).service_level
    contacts = np.array([0, 50, 100, 400, 2000])
    req = required_agents(contacts, 180, 1800, 0.8, 20)
    for i, k in enumerate(contacts):
        assert required_agents(k, 180, 1800, 0.8, 20).agents == req.agents[i]


@pytest.mark.parametrize(
    "contacts,aht,target,t,cap",
    [
        (100, 180, 0.8, 20, None),
        (5000, 240, 0.9, 15, 0.85),
        (17, 600, 0.5, 60, None),
        (40000, 300, 0.8, 20, 0.9),
    ],
)
def test_required_agents_is_the_smallest_meeting_target_and_cap(contacts, aht, target, t, cap):
    req = required_agents(contacts, aht, 1800, target, t, max_occupancy=cap)
    a, n = float(req.traffic), int(req.agents)
    assert n > a and req.service_level >= target
    assert cap is None or req.occupancy <= cap
    prev = erlang_c(n - 1, a, aht, t)
    assert (
        prev.unstable or prev.service_level < target or (cap is not None and prev.occupancy > cap)
    )


def test_required_agents_erlang_a_and_patience():
    req = required_agents_erlang_a(100, 180, 1800, 0.8, 20, patience_seconds=300, shrinkage=0.3)
    n = int(req.agents)
    assert req.service_level >= 0.8 and erlang_a(n - 1, 10.0, 180, 300, 20).service_level < 0.8
    assert req.positions == positions_with_shrinkage(n, 0.3)
    # impatient callers: Erlang A needs no more agents than Erlang C, and can staff below traffic
    c = required_agents(100, 180, 1800, 0.8, 20)
    assert n <= int(c.agents)
    low = required_agents_erlang_a(1000, 180, 1800, 0.2, 20, patience_seconds=30)
    assert low.agents < low.traffic
    # infinite patience reproduces Erlang C staffing
    assert required_agents_erlang_a(100, 180, 1800, 0.8, 20, np.inf).agents == c.agents


def test_zero_contacts_need_zero_agents_and_inputs_are_validated():
    assert required_agents(0, 180, 1800, 0.8, 20).agents == 0
    assert required_agents_erlang_a(0, 180, 1800, 0.8, 20, 300).positions == 0
    with pytest.raises(ValueError):
        required_agents(100, 180, 1800, 1.0, 20)
    with pytest.raises(ValueError):
        erlang_c(10.5, 5.0, 180, 20)
    with pytest.raises(ValueError):
        erlang_c(10, -1.0, 180, 20)
    with pytest.raises(ValueError):
        positions_with_shrinkage(10, 1.0)
    assert positions_with_shrinkage(np.array([14, 15]), 0.3).tolist() == [20, 22]


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

traffic = st.floats(min_value=0.01, max_value=4000.0, allow_nan=False)
aht_s = st.floats(min_value=10.0, max_value=3600.0)
threshold = st.floats(min_value=0.0, max_value=300.0)
patience_s = st.floats(min_value=1.0, max_value=1e5)


@settings(max_examples=150, deadline=None)
@given(a=traffic, aht=aht_s, t=threshold, extra=st.integers(min_value=0, max_value=1000))
def test_erlang_c_monotone_and_bounded(a, aht, t, extra):
    n = (
        np.arange(math.floor(a) + 1 + extra, min(math.floor(a) + 1 + extra + 60, 5001))
        if a < 4999
        else np.array([5000])
    )
    c = erlang_c(n, a, aht, t)
    assert not c.unstable.any()
    for field in (c.probability_wait, c.service_level, c.occupancy):
        assert np.isfinite(field).all() and (field >= 0).all() and (field <= 1).all()
    assert np.isfinite(c.asa).all() and (c.asa >= 0).all()
    assert (np.diff(c.service_level) >= -1e-12).all()
    assert (np.diff(c.probability_wait) <= 1e-12).all()


@settings(max_examples=150, deadline=None)
@given(
    a=traffic,
    aht=aht_s,
    t=threshold,
    pat=patience_s,
    start=st.integers(min_value=0, max_value=5000),
)
def test_erlang_a_monotone_and_bounded(a, aht, t, pat, start):
    n = np.arange(start, min(start + 40, 5001))
    r = erlang_a(n, a, aht, pat, t)
    assert not r.unstable.any()
    for field in (r.probability_wait, r.probability_abandon, r.service_level, r.occupancy):
        assert np.isfinite(field).all() and (field >= 0).all() and (field <= 1).all()
    assert np.isfinite(r.asa).all() and (r.asa >= 0).all()
    assert (np.diff(r.service_level) >= -1e-10).all()
    assert (np.diff(r.probability_wait) <= 1e-10).all()
    assert (np.diff(r.probability_abandon) <= 1e-10).all()
    assert (r.probability_abandon <= r.probability_wait + 1e-12).all()
    assert (r.service_level <= 1 - r.probability_abandon + 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(a=st.floats(min_value=0.5, max_value=4000.0), aht=aht_s, t=threshold)
def test_erlang_a_approaches_erlang_c_for_long_patience(a, aht, t):
    n = math.floor(a) + 1 + math.ceil(math.sqrt(a))
    c = erlang_c(n, a, aht, t)
    near = erlang_a(n, a, aht, aht * 1e7, t)
    assert near.probability_wait == pytest.approx(c.probability_wait, rel=1e-4, abs=1e-9)
    assert near.service_level == pytest.approx(c.service_level, rel=1e-4, abs=1e-9)
    assert near.occupancy == pytest.approx(c.occupancy, rel=1e-4)


# ---------------------------------------------------------------------------------------------
# Patience estimation
# ---------------------------------------------------------------------------------------------


def test_patience_mle_is_exposure_over_abandons():
    est = estimate_mean_patience(np.array([10, 0, 0]), np.array([3000.0, 500.0, 0.0]))
    assert est.mean_patience_seconds[0] == 300.0
    assert np.isinf(est.mean_patience_seconds[1]) and np.isnan(est.mean_patience_seconds[2])
    assert est.lower_95[0] < 300.0 < est.upper_95[0]


def test_patience_recovered_from_censored_simulated_waits():
    rng = np.random.default_rng(3)
    patience = rng.exponential(240.0, 200_000)
    offered_wait = rng.exponential(90.0, 200_000)  # time until an agent would answer
    abandoned = patience < offered_wait
    wait = np.minimum(patience, offered_wait)  # answered callers' waits are censored patience
    est = mean_patience_from_contacts(wait, abandoned)
    assert est.mean_patience_seconds == pytest.approx(240.0, rel=0.02)
    assert est.lower_95 < 240.0 < est.upper_95
    # using answered waits only (or abandoned only) would be badly biased
    assert wait[abandoned].sum() / abandoned.sum() < 0.5 * 240.0
