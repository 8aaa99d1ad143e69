"""Independent recomputation of the headline agent and QA metrics.

The demo landing CSVs (the session's `built_demo` from conftest.py: generated once and built
through the real pipeline, `python -m orchestration.cli build` as a subprocess) are read here
with plain pandas/numpy and the metrics are recomputed from their definitions in METRICS.md
and docs/metrics.md. No SQL, loader code or dbt macro is shared with the models, and the
method differs on purpose: the dbt models intersect time ranges, this test paints every
second of every agent's timeline into numpy arrays and counts seconds. Counts and second-sums
must be equal; ratios equal to 1e-9.

Definitions restated here (a second, independent reading of the rules):
* re-deliveries: a segment's latest updated_at wins; agent states (agent_id, started_at),
  schedules (agent_id, starts_at), QA questions (evaluation_id, question_id) and roster rows
  (agent_id, snapshot_date): the last delivered row wins;
* an agent's local day is in the time zone of the agent's current (latest snapshot) roster
  site, taken from the queues export of that site;
* handled = answered segments on the local day of answer; handle = talk + hold + ACW;
  AHT = handle / handled;
* state seconds are the seconds of each local day spent in the state (logged_out excluded);
  occupancy = (on_contact + acw) / (on_contact + acw + available);
  utilization = handle / logged-in seconds;
* adherence (tolerance 120 s, off activities excluded): a second of a scheduled working
  activity is adherent when the agent's state matches it (on_queue: available, on_contact or
  acw; break/lunch/training/meeting/coaching: aux with that reason); the seconds before the
  first matching second of an activity (late start) and after its last matching second
  (early end) are adherent too when that stretch lasts at most 120 s; an activity with no
  matching second is adherent only if it lasts at most 120 s;
  adherence = adherent seconds / scheduled working seconds, per local day;
* QA: per evaluation, applicable questions are those not flagged N/A with a score;
  score = 100 * sum(weight * score / max) / sum(weight), 0 if an applicable critical
  question scored below max; the evaluation's day is the local day of the evaluated
  segment's answer; an agent-day's QA = mean of its evaluations' scores;
* team on a day = the team in that day's roster snapshot.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

TOLERANCE_SECONDS = 120
RATIO_TOL = 1e-9
EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
MATCHING_STATES = {
    "on_queue": {"available", "on_contact", "acw"},
}
AUX_ACTIVITIES = ("break", "lunch", "training", "meeting", "coaching")
STATE_CODES = {"available": 1, "on_contact": 2, "acw": 3}
AUX_REASON_CODES = {
    r: 10 + i
    for i, r in enumerate(
        ("break", "lunch", "training", "meeting", "coaching", "personal", "system")
    )
}
AUX_OTHER = 9


def read_landing(landing: Path, family: str, table: str) -> pd.DataFrame:
    frames = []
    for order, path in enumerate(sorted((landing / family / table).glob("*.csv"))):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["_delivery"] = order
        frame["_line"] = np.arange(len(frame))
        frames.append(frame)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def last_delivered(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(["_delivery", "_line"]).drop_duplicates(key, keep="last").copy()


def epoch_seconds(text: pd.Series) -> pd.Series:
    times = pd.to_datetime(text.replace("", None), utc=True, format="ISO8601")
    return (times - EPOCH) // pd.Timedelta(seconds=1)


def local_midnight_epoch(day, zone: str) -> int:
    midnight = pd.Timestamp(day).tz_localize(ZoneInfo(zone))
    return int((midnight - EPOCH) // pd.Timedelta(seconds=1))


def local_date_of(epoch: int, zone: str):
    return pd.Timestamp(epoch, unit="s", tz="UTC").tz_convert(ZoneInfo(zone)).date()


@pytest.fixture(scope="module")
def landing_metrics(built_demo):
    landing = built_demo.landing

    # --- agents and their time zones
    roster = last_delivered(read_landing(landing, "hr", "agents"), ["agent_id", "snapshot_date"])
    latest = roster.sort_values("snapshot_date").drop_duplicates("agent_id", keep="last")
    queues = last_delivered(read_landing(landing, "acd", "queues"), ["queue_id"])
    site_zone = queues.groupby("site_id")["site_timezone"].max()
    zone_of = latest.set_index("agent_id")["site_id"].map(site_zone).to_dict()
    team_on = {(r.agent_id, r.snapshot_date): r.team_id for r in roster.itertuples()}

    # --- handled contacts by the agent's local day of answer
    calls = read_landing(landing, "acd", "calls")
    calls["_updated"] = epoch_seconds(calls["updated_at"])
    calls = calls.sort_values(["_updated", "_delivery", "_line"]).drop_duplicates(
        "segment_id", keep="last"
    )
    answered = calls[(calls["outcome"] == "answered") & (calls["agent_id"] != "")].copy()
    answered["answered_epoch"] = epoch_seconds(answered["answered_at"])
    answered["handle"] = sum(
        answered[c].astype("int64") for c in ("talk_seconds", "hold_seconds", "acw_seconds")
    )
    answered["day"] = [
        local_date_of(e, zone_of[a])
        for e, a in zip(answered["answered_epoch"], answered["agent_id"], strict=True)
    ]
    handled = answered.groupby(["agent_id", "day"]).agg(
        handled=("segment_id", "size"), handle=("handle", "sum")
    )
    answer_day_of_segment = dict(zip(answered["segment_id"], answered["day"], strict=True))

    # --- second-by-second timelines per agent
    states = last_delivered(
        read_landing(landing, "acd", "agent_states"), ["agent_id", "started_at"]
    )
    states["start"] = epoch_seconds(states["started_at"])
    states["end"] = epoch_seconds(states["ended_at"])
    schedules = last_delivered(read_landing(landing, "hr", "schedules"), ["agent_id", "starts_at"])
    schedules["start"] = epoch_seconds(schedules["starts_at"])
    schedules["end"] = epoch_seconds(schedules["ends_at"])

    day_rows = []
    for agent_id in sorted(set(states["agent_id"]) | set(schedules["agent_id"])):
        zone = zone_of[agent_id]
        agent_states = states[(states["agent_id"] == agent_id) & (states["state"] != "logged_out")]
        agent_schedule = schedules[
            (schedules["agent_id"] == agent_id) & (schedules["activity"] != "off")
        ]
        bounds = pd.concat([agent_states[["start", "end"]], agent_schedule[["start", "end"]]])
        if bounds.empty:
            continue
        first_day = local_date_of(int(bounds["start"].min()), zone)
        last_day = local_date_of(int(bounds["end"].max()), zone)
        days = [
            d.date() for d in pd.date_range(first_day, last_day + pd.Timedelta(days=1), freq="D")
        ]
        midnights = np.array([local_midnight_epoch(d, zone) for d in days], dtype=np.int64)
        origin = midnights[0]
        length = int(midnights[-1] - origin)
        state_code = np.zeros(length, dtype=np.int16)
        for row in agent_states.itertuples():
            if row.end <= row.start:
                continue
            if row.state == "aux":
                code = AUX_REASON_CODES.get(row.reason_code, AUX_OTHER)
            else:
                code = STATE_CODES[row.state]
            state_code[row.start - origin : row.end - origin] = code
        day_of_second = np.repeat(np.arange(len(days) - 1), np.diff(midnights))
        n_days = len(days) - 1

        def per_day(mask, day_of_second=day_of_second, n_days=n_days):
            return np.bincount(day_of_second[mask], minlength=n_days)

        available = per_day(state_code == 1)
        on_contact = per_day(state_code == 2)
        acw = per_day(state_code == 3)
        logged_in = per_day(state_code > 0)

        scheduled = np.zeros(n_days, dtype=np.int64)
        adherent = np.zeros(n_days, dtype=np.int64)
        for row in agent_schedule.itertuples():
            lo, hi = row.start - origin, row.end - origin
            if hi <= lo:
                continue
            window = state_code[lo:hi]
            if row.activity == "on_queue":
                match = (window >= 1) & (window <= 3)
            else:
                match = window == AUX_REASON_CODES[row.activity]
            good = match.copy()
            hits = np.flatnonzero(match)
            if hits.size:
                if 0 < hits[0] <= TOLERANCE_SECONDS:
                    good[: hits[0]] = True
                tail = len(window) - 1 - hits[-1]
                if 0 < tail <= TOLERANCE_SECONDS:
                    good[hits[-1] + 1 :] = True
            elif len(window) <= TOLERANCE_SECONDS:
                good[:] = True
            seconds_day = day_of_second[lo:hi]
            scheduled += np.bincount(seconds_day, minlength=n_days)
            adherent += np.bincount(seconds_day[good], minlength=n_days)

        for i in range(n_days):
            if logged_in[i] or scheduled[i]:
                day_rows.append(
                    {
                        "agent_id": agent_id,
                        "day": days[i],
                        "available": int(available[i]),
                        "on_contact": int(on_contact[i]),
                        "acw_state": int(acw[i]),
                        "logged_in": int(logged_in[i]),
                        "scheduled_work": int(scheduled[i]),
                        "adherent": int(adherent[i]),
                    }
                )
    time_days = pd.DataFrame(day_rows).set_index(["agent_id", "day"])
    agent_days = time_days.join(handled, how="outer").fillna(0).astype("int64")
    busy = agent_days["on_contact"] + agent_days["acw_state"]
    agent_days["occupancy"] = (busy / (busy + agent_days["available"])).where(
        busy + agent_days["available"] > 0
    )
    agent_days["aht"] = (agent_days["handle"] / agent_days["handled"]).where(
        agent_days["handled"] > 0
    )
    agent_days["utilization"] = (agent_days["handle"] / agent_days["logged_in"]).where(
        agent_days["logged_in"] > 0
    )
    agent_days["adherence"] = (agent_days["adherent"] / agent_days["scheduled_work"]).where(
        agent_days["scheduled_work"] > 0
    )

    # --- QA
    qa = last_delivered(
        read_landing(landing, "hr", "qa_evaluations"), ["evaluation_id", "question_id"]
    )
    qa["applicable"] = (qa["is_not_applicable"].str.lower() != "true") & (qa["score"] != "")
    score = pd.to_numeric(qa["score"].replace("", None))
    weight = qa["weight"].astype(float)
    maximum = qa["max_score"].astype(float)
    qa["points"] = np.where(qa["applicable"], weight * score / maximum, 0.0)
    qa["possible"] = np.where(qa["applicable"], weight, 0.0)
    qa["critical_fail"] = (
        qa["applicable"] & (qa["is_critical"].str.lower() == "true") & (score < maximum)
    )
    evaluations = qa.groupby("evaluation_id").agg(
        agent_id=("agent_id", "first"),
        segment_id=("segment_id", "first"),
        evaluated_at=("evaluated_at", "first"),
        points=("points", "sum"),
        possible=("possible", "sum"),
        critical_fail=("critical_fail", "any"),
    )
    evaluations["score_pct"] = np.where(
        evaluations["critical_fail"], 0.0, 100 * evaluations["points"] / evaluations["possible"]
    )
    evaluations["day"] = [
        answer_day_of_segment.get(seg)
        or local_date_of(int(epoch_seconds(pd.Series([at])).iloc[0]), zone_of[a])
        for seg, at, a in zip(
            evaluations["segment_id"],
            evaluations["evaluated_at"],
            evaluations["agent_id"],
            strict=True,
        )
    ]
    qa_days = evaluations.groupby(["agent_id", "day"]).agg(
        qa_evaluations=("score_pct", "size"), qa_score_pct=("score_pct", "mean")
    )
    return {
        "agent_days": agent_days,
        "evaluations": evaluations,
        "qa_days": qa_days,
        "team_on": team_on,
    }


@pytest.fixture(scope="module")
def marts(built_demo):
    con = duckdb.connect(str(built_demo.serving), read_only=True)
    try:
        agent_days = con.execute(
            "select agent_id, activity_date as day, handled, handle_seconds as handle, "
            "available_seconds as available, on_contact_seconds as on_contact, "
            "acw_state_seconds as acw_state, logged_in_seconds as logged_in, "
            "scheduled_work_seconds as scheduled_work, adherent_seconds as adherent, team_id "
            "from fct_agent_days"
        ).df()
        rpt = con.execute(
            "select agent_id, activity_date as day, aht_seconds, occupancy, utilization, adherence, "
            "qa_evaluations, qa_score_pct_mean from rpt_agent_daily"
        ).df()
        evaluations = con.execute(
            "select evaluation_id, agent_id, activity_date, score_pct from fct_qa_evaluations"
        ).df()
    finally:
        con.close()
    for frame in (agent_days, rpt):
        frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return {
        "agent_days": agent_days.set_index(["agent_id", "day"]).sort_index(),
        "rpt": rpt.set_index(["agent_id", "day"]).sort_index(),
        "evaluations": evaluations.set_index("evaluation_id").sort_index(),
    }


def assert_ratios_equal(expected: pd.Series, actual: pd.Series, name: str) -> None:
    expected, actual = expected.align(actual, join="outer")
    both_null = expected.isna() & actual.isna()
    diff = (expected - actual).abs()
    bad = ~both_null & ~(diff <= RATIO_TOL)
    assert not bad.any(), (
        f"{name}: {bad.sum()} agent days differ, e.g.\n{pd.concat([expected, actual], axis=1)[bad].head()}"
    )


def test_demo_has_the_workforce_data_the_recomputation_needs(landing_metrics):
    days = landing_metrics["agent_days"]
    assert len(days) > 200
    assert days["handled"].sum() > 1000
    assert days["scheduled_work"].sum() > 0 and days["adherent"].sum() > 0
    assert len(landing_metrics["evaluations"]) > 10


def test_agent_day_counts_and_seconds_equal_the_landing_recomputation(landing_metrics, marts):
    expected = landing_metrics["agent_days"]
    actual = marts["agent_days"]
    columns = [
        "handled",
        "handle",
        "available",
        "on_contact",
        "acw_state",
        "logged_in",
        "scheduled_work",
        "adherent",
    ]
    # agent days with something to count (the mart also has leave/timesheet-only days)
    active = actual[(actual[columns] != 0).any(axis=1)][columns].astype("int64")
    expected = expected[columns].sort_index()
    assert sorted(active.index) == sorted(expected.index)
    pd.testing.assert_frame_equal(active.sort_index(), expected, check_dtype=False)


def test_agent_day_ratios_equal_the_landing_recomputation(landing_metrics, marts):
    expected = landing_metrics["agent_days"]
    rpt = marts["rpt"].loc[expected.index]
    assert_ratios_equal(expected["aht"], rpt["aht_seconds"], "AHT")
    assert_ratios_equal(expected["occupancy"], rpt["occupancy"], "occupancy")
    assert_ratios_equal(expected["utilization"], rpt["utilization"], "utilization")
    assert_ratios_equal(expected["adherence"], rpt["adherence"], "adherence")


def test_period_ratios_are_ratios_of_sums(landing_metrics, marts):
    expected = landing_metrics["agent_days"].groupby("agent_id").sum()
    actual = (
        marts["agent_days"]
        .groupby("agent_id")[["adherent", "scheduled_work", "handle", "handled"]]
        .sum()
    )
    actual = actual.loc[expected.index]
    assert_ratios_equal(
        (expected["adherent"] / expected["scheduled_work"]).where(expected["scheduled_work"] > 0),
        (actual["adherent"] / actual["scheduled_work"]).where(actual["scheduled_work"] > 0),
        "period adherence",
    )
    assert_ratios_equal(
        (expected["handle"] / expected["handled"]).where(expected["handled"] > 0),
        (actual["handle"] / actual["handled"]).where(actual["handled"] > 0),
        "period AHT",
    )


def test_qa_scores_equal_the_landing_recomputation(landing_metrics, marts):
    expected = landing_metrics["evaluations"].sort_index()
    actual = marts["evaluations"]
    assert list(actual.index) == list(expected.index)
    assert (pd.to_datetime(actual["activity_date"]).dt.date == expected["day"]).all()
    assert_ratios_equal(expected["score_pct"], actual["score_pct"], "evaluation score")
    qa_days = landing_metrics["qa_days"]
    rpt = marts["rpt"].loc[qa_days.index]
    assert (rpt["qa_evaluations"] == qa_days["qa_evaluations"]).all()
    assert_ratios_equal(qa_days["qa_score_pct"], rpt["qa_score_pct_mean"], "agent-day QA")
    assert marts["rpt"]["qa_evaluations"].sum() == len(expected)


def test_agent_days_carry_the_team_of_that_days_roster(landing_metrics, marts):
    team_on = landing_metrics["team_on"]
    checked = 0
    for (agent_id, day), team_id in marts["agent_days"]["team_id"].items():
        roster_team = team_on.get((agent_id, day.isoformat()))
        if roster_team is not None:
            assert team_id == roster_team, (agent_id, day)
            checked += 1
    assert checked > 100
