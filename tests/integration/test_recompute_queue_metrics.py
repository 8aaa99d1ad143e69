"""Independent recomputation of the headline queue and customer metrics.

The demo landing CSVs (the session's `built_demo`, built once through the real pipeline) are read
here with plain pandas and the metrics are computed from their definitions in METRICS.md and
docs/metrics.md - no SQL, no loader, no dbt macro is shared with the models. The results must
equal the marts exactly for counts and to 1e-9 for ratios.

Definitions restated here on purpose (a second, independent reading of the rules):
* a segment re-delivered with the same segment_id: the latest updated_at wins;
* local day = the queue's site_timezone (zoneinfo), of queue entry for offered/answered/
  abandoned/SL/ASA/abandonment, of answer for handled/AHT;
* wait = answer - entry if answered, else end - entry; thresholds are inclusive;
* SL (default policy, abandons: short abandons excluded) = answered within T /
  (answered + abandoned - abandoned within the short-abandon threshold);
* repeat-contact FCR (7 days): per contact (all its segments), eligible when handled, not
  outbound, with a customer id (else phone); resolved when no later inbound contact of the
  same customer starts after its end and within 7 days; only contacts whose 7 days end before
  the latest queue entry of the data count;
* CSAT = mean score, NPS = 100 * (promoters 9-10 - detractors 0-6) / answers, over the
  surveys about contacts that exist in the ACD export.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

FCR_DAYS = 7
RATIO_TOL = 1e-9


def read_table(landing: Path, family: str, table: str) -> pd.DataFrame:
    files = sorted((landing / family / table).glob("*.csv"))
    frames = []
    for order, path in enumerate(files):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["_file_order"] = order
        df["_row"] = range(len(df))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series.replace("", None), utc=True, format="ISO8601")


def local_dates(times: pd.Series, zones: pd.Series) -> pd.Series:
    out = pd.Series([None] * len(times), index=times.index, dtype="object")
    for zone in zones.dropna().unique():
        mask = (zones == zone) & times.notna()
        out[mask] = times[mask].dt.tz_convert(ZoneInfo(zone)).dt.date
    return out


@pytest.fixture(scope="module")
def landing_metrics(built_demo):
    landing = built_demo.landing
    queues = read_table(landing, "acd", "queues").drop_duplicates("queue_id", keep="last")
    queues = queues.set_index("queue_id")
    calls = read_table(landing, "acd", "calls")
    calls["updated"] = utc(calls["updated_at"])
    calls = calls.sort_values(["segment_id", "updated", "_file_order", "_row"])
    calls = calls.drop_duplicates("segment_id", keep="last").copy()
    for col in ("entered_queue_at", "answered_at", "ended_at"):
        calls[col] = utc(calls[col])
    for col in ("talk_seconds", "hold_seconds", "acw_seconds", "segment_seq"):
        calls[col] = calls[col].astype("int64")
    calls["tz"] = calls["queue_id"].map(queues["site_timezone"])
    calls["threshold"] = calls["queue_id"].map(queues["sl_threshold_seconds"].astype("int64"))
    calls["short"] = calls["queue_id"].map(queues["short_abandon_seconds"].astype("int64"))
    answered = calls["outcome"] == "answered"
    abandoned = calls["outcome"] == "abandoned"
    left = calls["answered_at"].where(answered, calls["ended_at"])
    calls["wait"] = (left - calls["entered_queue_at"]).dt.total_seconds().astype("int64")
    calls["entry_date"] = local_dates(calls["entered_queue_at"], calls["tz"])
    calls["answer_date"] = local_dates(calls["answered_at"], calls["tz"])
    calls["is_answered"] = answered
    calls["is_abandoned"] = abandoned
    calls["is_short"] = abandoned & (calls["wait"] <= calls["short"])
    calls["answered_in_t"] = answered & (calls["wait"] <= calls["threshold"])
    calls["answered_wait"] = calls["wait"].where(answered, 0)
    calls["handle"] = (calls["talk_seconds"] + calls["hold_seconds"] + calls["acw_seconds"]).where(
        answered, 0
    )

    entry = calls.groupby(["queue_id", "entry_date"]).agg(
        offered=("segment_id", "size"),
        answered=("is_answered", "sum"),
        abandoned=("is_abandoned", "sum"),
        short=("is_short", "sum"),
        answered_in_t=("answered_in_t", "sum"),
        answered_wait=("answered_wait", "sum"),
    )
    entry["service_level"] = entry["answered_in_t"] / (
        entry["answered"] + entry["abandoned"] - entry["short"]
    )
    entry["asa"] = entry["answered_wait"] / entry["answered"]
    entry["abandonment_rate"] = entry["abandoned"] / entry["offered"]
    handled = (
        calls[answered]
        .groupby(["queue_id", "answer_date"])
        .agg(handled=("segment_id", "size"), handle=("handle", "sum"))
    )
    handled["aht"] = handled["handle"] / handled["handled"]

    # contacts and repeat-contact FCR
    calls["phone_key"] = calls["customer_phone"].str.strip().str.lower().replace("", None)
    calls["customer"] = calls["customer_id"].replace("", None)
    first = calls.sort_values(["contact_id", "segment_seq"]).groupby("contact_id").first()
    contacts = calls.groupby("contact_id").agg(
        started=("entered_queue_at", "min"),
        ended=("ended_at", "max"),
        handled=("is_answered", "any"),
        customer=("customer", "min"),
        phone=("phone_key", "min"),
    )
    contacts["direction"] = first["direction"]
    contacts["key"] = contacts["customer"].fillna(contacts["phone"])
    horizon = calls["entered_queue_at"].max()
    window = pd.Timedelta(days=FCR_DAYS)
    eligible = contacts[
        contacts["handled"] & (contacts["direction"] != "outbound") & contacts["key"].notna()
    ]
    complete = eligible[eligible["ended"] + window <= horizon]
    later = contacts[(contacts["direction"] == "inbound") & contacts["key"].notna()]
    pairs = complete.reset_index().merge(
        later.reset_index()[["contact_id", "key", "started"]], on="key", suffixes=("", "_later")
    )
    repeated = pairs[
        (pairs["contact_id_later"] != pairs["contact_id"])
        & (pairs["started_later"] > pairs["ended"])
        & (pairs["started_later"] <= pairs["ended"] + window)
    ]["contact_id"].unique()
    fcr = {
        "fcr_contacts": len(complete),
        "fcr_resolved_contacts": int((~complete.index.isin(repeated)).sum()),
        "fcr_unidentified_contacts": int((contacts["handled"] & contacts["key"].isna()).sum()),
    }

    # surveys about known contacts
    surveys = read_table(landing, "survey", "survey_responses").drop_duplicates(
        "response_id", keep="last"
    )
    surveys = surveys[surveys["contact_id"].isin(contacts.index)]
    csat = pd.to_numeric(surveys["csat"].replace("", None)).dropna()
    nps = pd.to_numeric(surveys["nps"].replace("", None)).dropna()
    survey = {
        "surveys_sent": len(surveys),
        "surveys_responded": int((surveys["responded_at"] != "").sum()),
        "csat_responses": len(csat),
        "csat_mean": csat.mean(),
        "csat_top2box_rate": (csat >= 4).mean(),
        "nps_responses": len(nps),
        "nps": 100 * ((nps >= 9).sum() - (nps <= 6).sum()) / len(nps),
    }
    return entry, handled, fcr, survey, len(contacts)


@pytest.fixture(scope="module")
def marts(built_demo):
    con = duckdb.connect(str(built_demo.serving), read_only=True)
    try:
        daily = con.execute("select * from main.rpt_queue_daily").df()
        customer = con.execute("select * from main.rpt_customer_daily").df()
        contacts = con.execute("select count(*) from main.fct_contacts").fetchone()[0]
    finally:
        con.close()
    daily["interval_date"] = pd.to_datetime(daily["interval_date"]).dt.date
    return daily.set_index(["queue_id", "interval_date"]), customer, contacts


def assert_close(got, want, label):
    if pd.isna(want):
        assert pd.isna(got), label
    else:
        assert abs(float(got) - float(want)) <= RATIO_TOL, (label, got, want)


def test_queue_day_counts_and_ratios_equal_the_landing_recomputation(landing_metrics, marts):
    entry, _, _, _, _ = landing_metrics
    daily, _, _ = marts
    assert len(entry) > 50
    for (queue, day), want in entry.iterrows():
        got = daily.loc[(queue, day)]
        label = (queue, str(day))
        assert int(got["offered"]) == want["offered"], label
        assert int(got["answered"]) == want["answered"], label
        assert int(got["abandoned"]) == want["abandoned"], label
        assert int(got["short_abandoned"]) == want["short"], label
        assert int(got["answered_within_threshold"]) == want["answered_in_t"], label
        assert got["abandon_treatment"] == "short_abandons_excluded", label
        assert_close(got["service_level"], want["service_level"], (*label, "SL"))
        assert_close(got["asa_seconds"], want["asa"], (*label, "ASA"))
        assert_close(got["abandonment_rate"], want["abandonment_rate"], (*label, "abandonment"))
    # days of the rollup without queue entries in the landing data have nothing offered
    extra = daily.index.difference(entry.index)
    assert (daily.loc[extra, "offered"] == 0).all()


def test_queue_day_aht_by_day_of_answer_equals_the_landing_recomputation(landing_metrics, marts):
    _, handled, _, _, _ = landing_metrics
    daily, _, _ = marts
    for (queue, day), want in handled.iterrows():
        got = daily.loc[(queue, day)]
        assert int(got["handled"]) == want["handled"], (queue, day)
        assert int(got["handle_seconds"]) == want["handle"], (queue, day)
        assert_close(got["aht_seconds"], want["aht"], (queue, str(day), "AHT"))
    assert int(daily["handled"].sum()) == int(handled["handled"].sum())


def test_repeat_contact_fcr_equals_the_landing_recomputation(landing_metrics, marts):
    _, _, fcr, _, n_contacts = landing_metrics
    _, customer, contacts = marts
    assert contacts == n_contacts
    for column, want in fcr.items():
        assert int(customer[column].sum()) == want, column
    assert fcr["fcr_contacts"] > 100  # the demo repeats customers enough for a real test
    assert_close(
        customer["fcr_resolved_contacts"].sum() / customer["fcr_contacts"].sum(),
        fcr["fcr_resolved_contacts"] / fcr["fcr_contacts"],
        "FCR rate",
    )


def test_csat_and_nps_equal_the_landing_recomputation(landing_metrics, marts):
    _, _, _, survey, _ = landing_metrics
    _, customer, _ = marts
    for column in ("surveys_sent", "surveys_responded", "csat_responses", "nps_responses"):
        assert int(customer[column].sum()) == survey[column], column
    assert_close(
        customer["csat_sum"].sum() / customer["csat_responses"].sum(), survey["csat_mean"], "CSAT"
    )
    assert_close(
        customer["csat_top2box_responses"].sum() / customer["csat_responses"].sum(),
        survey["csat_top2box_rate"],
        "CSAT top-2-box",
    )
    nps = (
        100
        * (customer["nps_promoters"].sum() - customer["nps_detractors"].sum())
        / customer["nps_responses"].sum()
    )
    assert_close(nps, survey["nps"], "NPS")
