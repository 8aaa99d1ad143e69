"""Every semantic-layer metric agrees with the marts on the demo data.

The demo set is built through the real pipeline (``built_demo``). For each family of metrics,
one MetricFlow request (compiled by apps.queries.semantic, run on the published snapshot) is
compared row by row with plain SQL over the mart that owns the numbers: rpt_queue_daily per
queue x local day, rpt_customer_daily per handling queue x contact date, rpt_agent_daily per
agent x local day, fct_headcount_daily per team x day. The expected side reads only mart
columns (and sums of them), never the semantic layer. A metric added to the semantic layer
without a comparison here fails ``test_every_metric_is_compared``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from apps.queries.semantic import MetricQuery, SemanticLayer

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Comparison:
    name: str
    group_by: tuple[str, ...]  # MetricFlow group-by names, in the order of `keys`
    keys: tuple[str, ...]  # column names of the expected SQL
    expected_sql: str  # one column per compared metric, named as the metric
    metrics: tuple[str, ...]


QUEUE_DAILY = Comparison(
    name="queue metrics per queue x local day (rpt_queue_daily)",
    group_by=("queue", "metric_time__day"),
    keys=("queue", "day"),
    expected_sql="""
        with targets as (
            select queue_id, interval_date,
                   sum(sl_target_pct * offered) as target_x_offered, sum(offered) as offered
            from fct_queue_intervals group by queue_id, interval_date
        )
        select r.queue_id as queue, r.interval_date as day,
               r.offered as offered_contacts, r.answered as answered_contacts,
               r.abandoned as abandoned_contacts, r.short_abandoned as short_abandoned_contacts,
               r.flowed_out as flowed_out_contacts,
               r.callback_requested as callback_requested_contacts,
               r.answered_within_threshold as answered_within_threshold_contacts,
               r.handled as handled_contacts, r.transfers as transfers,
               r.max_wait_seconds as longest_wait,
               r.abandonment_rate, r.abandonment_rate_excluding_short,
               cast(r.short_abandoned as double) / nullif(r.offered, 0) as short_abandon_rate,
               r.service_level,
               r.sl_numerator as queue_sl_numerator_metric,
               r.sl_denominator as queue_sl_denominator_metric,
               t.target_x_offered / 100.0 / nullif(t.offered, 0) as service_level_target,
               t.target_x_offered as queue_sl_target_x_offered_metric,
               r.asa_seconds as average_speed_of_answer,
               r.answered_wait_seconds as queue_answered_wait_seconds_metric,
               r.average_abandon_seconds as average_abandon_time,
               r.abandoned_wait_seconds as queue_abandoned_wait_seconds_metric,
               r.aht_seconds as average_handle_time, r.handle_seconds as queue_handle_seconds_metric,
               r.average_talk_seconds as average_talk_time, r.talk_seconds as queue_talk_seconds_metric,
               r.average_hold_seconds as average_hold_time, r.hold_seconds as queue_hold_seconds_metric,
               r.average_acw_seconds as average_acw_time, r.acw_seconds as queue_acw_seconds_metric,
               r.transfer_rate, r.holds_per_handled as holds_per_handled_contact,
               r.holds as queue_holds_metric
        from rpt_queue_daily as r
        left join targets as t on t.queue_id = r.queue_id and t.interval_date = r.interval_date
    """,
    metrics=(
        "offered_contacts",
        "answered_contacts",
        "abandoned_contacts",
        "short_abandoned_contacts",
        "flowed_out_contacts",
        "callback_requested_contacts",
        "answered_within_threshold_contacts",
        "handled_contacts",
        "transfers",
        "longest_wait",
        "abandonment_rate",
        "abandonment_rate_excluding_short",
        "short_abandon_rate",
        "service_level",
        "queue_sl_numerator_metric",
        "queue_sl_denominator_metric",
        "service_level_target",
        "queue_sl_target_x_offered_metric",
        "average_speed_of_answer",
        "queue_answered_wait_seconds_metric",
        "average_abandon_time",
        "queue_abandoned_wait_seconds_metric",
        "average_handle_time",
        "queue_handle_seconds_metric",
        "average_talk_time",
        "queue_talk_seconds_metric",
        "average_hold_time",
        "queue_hold_seconds_metric",
        "average_acw_time",
        "queue_acw_seconds_metric",
        "transfer_rate",
        "holds_per_handled_contact",
        "queue_holds_metric",
    ),
)

# The segment-grain metrics are the same numbers as the interval fact's, by queue x day.
SEGMENT_DAILY = Comparison(
    name="segment-view metrics per queue x local day (rpt_queue_daily)",
    group_by=("queue", "metric_time__day"),
    keys=("queue", "day"),
    expected_sql="""
        select queue_id as queue, interval_date as day,
               offered as offered_segments, abandoned as abandoned_segments,
               abandonment_rate as abandonment_rate_by_segment,
               service_level as service_level_by_segment,
               sl_numerator as segment_sl_numerator_metric,
               sl_denominator as segment_sl_denominator_metric,
               handled as handled_segments, handle_seconds as segment_handle_seconds_metric,
               aht_seconds as average_handle_time_by_segment
        from rpt_queue_daily
    """,
    metrics=(
        "offered_segments",
        "abandoned_segments",
        "abandonment_rate_by_segment",
        "service_level_by_segment",
        "segment_sl_numerator_metric",
        "segment_sl_denominator_metric",
        "handled_segments",
        "segment_handle_seconds_metric",
        "average_handle_time_by_segment",
    ),
)

CUSTOMER_DAILY = Comparison(
    name="contact metrics per handling queue x contact date (rpt_customer_daily)",
    group_by=("queue", "metric_time__day"),
    keys=("queue", "day"),
    expected_sql="""
        select queue_id as queue, contact_date as day,
               contacts as customer_contacts, handled_contacts as handled_customer_contacts,
               fcr_rate as first_contact_resolution_rate, fcr_contacts as fcr_contacts_metric,
               fcr_resolved_contacts as fcr_resolved_contacts_metric,
               sales_conversion_rate, sales_contacts as handled_sales_contacts,
               converted_sales_contacts as converted_sales_contacts_metric,
               sales_revenue as sales_revenue_metric,
               revenue_per_sales_contact as revenue_per_handled_contact,
               complaint_cases as complaint_cases_metric,
               complaints_per_1000_handled as complaint_rate
        from rpt_customer_daily
    """,
    metrics=(
        "customer_contacts",
        "handled_customer_contacts",
        "first_contact_resolution_rate",
        "fcr_contacts_metric",
        "fcr_resolved_contacts_metric",
        "sales_conversion_rate",
        "handled_sales_contacts",
        "converted_sales_contacts_metric",
        "sales_revenue_metric",
        "revenue_per_handled_contact",
        "complaint_cases_metric",
        "complaint_rate",
    ),
)

# rpt_customer_daily puts a survey on its contact's handling queue and contact date.
SURVEY_DAILY = Comparison(
    name="survey metrics per contact's handling queue x contact date (rpt_customer_daily)",
    group_by=("contact__queue_id", "contact__contact_date__day"),
    keys=("queue", "day"),
    expected_sql="""
        select queue_id as queue, contact_date as day,
               surveys_sent as surveys_sent_metric, surveys_responded as surveys_responded_metric,
               survey_response_rate, csat_responses as csat_responses_metric,
               csat_sum as csat_sum_metric, csat_mean as csat_score, csat_top2box_rate,
               csat_top2box_responses as csat_top2box_responses_metric, nps,
               nps_promoters as nps_promoters_metric, nps_detractors as nps_detractors_metric,
               nps_responses as nps_responses_metric,
               fcr_survey_rate as first_contact_resolution_rate_survey,
               resolved_yes_answers as resolved_yes_answers_metric,
               resolution_answers as resolution_answers_metric
        from rpt_customer_daily
    """,
    metrics=(
        "surveys_sent_metric",
        "surveys_responded_metric",
        "survey_response_rate",
        "csat_responses_metric",
        "csat_sum_metric",
        "csat_score",
        "csat_top2box_rate",
        "csat_top2box_responses_metric",
        "nps",
        "nps_promoters_metric",
        "nps_detractors_metric",
        "nps_responses_metric",
        "first_contact_resolution_rate_survey",
        "resolved_yes_answers_metric",
        "resolution_answers_metric",
    ),
)

AGENT_DAILY = Comparison(
    name="agent metrics per agent x local day (rpt_agent_daily)",
    group_by=("agent", "metric_time__day"),
    keys=("agent", "day"),
    expected_sql="""
        select agent_id as agent, activity_date as day,
               handled as agent_handled_contacts, handle_seconds as agent_handle_seconds_metric,
               aht_seconds as agent_average_handle_time, transfers as agent_transfers_metric,
               transfer_rate as agent_transfer_rate,
               talk_seconds as agent_talk_seconds_metric, hold_seconds as agent_hold_seconds_metric,
               acw_seconds as agent_acw_seconds_metric,
               average_talk_seconds as agent_average_talk_time,
               average_hold_seconds as agent_average_hold_time,
               average_acw_seconds as agent_average_acw_time,
               occupancy,
               cast(on_contact_seconds + acw_state_seconds as double)
                   / nullif(on_contact_seconds + acw_state_seconds + available_seconds, 0)
                   as occupancy_including_acw,
               cast(on_contact_seconds as double) / nullif(on_contact_seconds + available_seconds, 0)
                   as occupancy_excluding_acw,
               on_contact_seconds as agent_on_contact_seconds_metric,
               acw_state_seconds as agent_acw_state_seconds_metric,
               available_seconds as agent_available_seconds_metric,
               on_contact_seconds + acw_state_seconds as agent_occupied_seconds_including_acw,
               on_contact_seconds + acw_state_seconds + available_seconds
                   as agent_occupancy_base_seconds_including_acw,
               on_contact_seconds + available_seconds as agent_occupancy_base_seconds_excluding_acw,
               utilization, logged_in_seconds as agent_logged_in_seconds_metric,
               coalesce(timesheet_paid_seconds, 0) as agent_timesheet_paid_seconds_metric,
               adherence, adherent_seconds as agent_adherent_seconds_metric,
               off_adherent_seconds as agent_off_adherent_seconds_metric,
               scheduled_work_seconds as agent_scheduled_work_seconds_metric,
               scheduled_off_seconds as agent_scheduled_off_seconds_metric,
               adherent_seconds + off_adherent_seconds as agent_adherent_seconds_including_off,
               scheduled_work_seconds + scheduled_off_seconds as agent_scheduled_seconds_including_off,
               conformance, on_queue_seconds as agent_on_queue_seconds_metric,
               scheduled_on_queue_seconds as agent_scheduled_on_queue_seconds_metric,
               shrinkage, planned_shrinkage, unplanned_shrinkage,
               planned_shrinkage_seconds + unplanned_shrinkage_seconds as agent_shrinkage_seconds_metric,
               planned_shrinkage_seconds as agent_planned_shrinkage_seconds_metric,
               unplanned_shrinkage_seconds as agent_unplanned_shrinkage_seconds_metric,
               shrinkage_base_seconds as agent_shrinkage_base_seconds_metric
        from rpt_agent_daily
    """,
    metrics=(
        "agent_handled_contacts",
        "agent_handle_seconds_metric",
        "agent_average_handle_time",
        "agent_transfers_metric",
        "agent_transfer_rate",
        "agent_talk_seconds_metric",
        "agent_hold_seconds_metric",
        "agent_acw_seconds_metric",
        "agent_average_talk_time",
        "agent_average_hold_time",
        "agent_average_acw_time",
        "occupancy",
        "occupancy_including_acw",
        "occupancy_excluding_acw",
        "agent_on_contact_seconds_metric",
        "agent_acw_state_seconds_metric",
        "agent_available_seconds_metric",
        "agent_occupied_seconds_including_acw",
        "agent_occupancy_base_seconds_including_acw",
        "agent_occupancy_base_seconds_excluding_acw",
        "utilization",
        "agent_logged_in_seconds_metric",
        "agent_timesheet_paid_seconds_metric",
        "adherence",
        "agent_adherent_seconds_metric",
        "agent_off_adherent_seconds_metric",
        "agent_scheduled_work_seconds_metric",
        "agent_scheduled_off_seconds_metric",
        "agent_adherent_seconds_including_off",
        "agent_scheduled_seconds_including_off",
        "conformance",
        "agent_on_queue_seconds_metric",
        "agent_scheduled_on_queue_seconds_metric",
        "shrinkage",
        "planned_shrinkage",
        "unplanned_shrinkage",
        "agent_shrinkage_seconds_metric",
        "agent_planned_shrinkage_seconds_metric",
        "agent_unplanned_shrinkage_seconds_metric",
        "agent_shrinkage_base_seconds_metric",
    ),
)

QA_DAILY = Comparison(
    name="QA metrics per agent x activity date (rpt_agent_daily)",
    group_by=("agent", "metric_time__day"),
    keys=("agent", "day"),
    expected_sql="""
        select agent_id as agent, activity_date as day,
               qa_evaluations, qa_scored_evaluations as qa_scored_evaluations_metric,
               qa_score_pct as qa_score, qa_score_pct_sum as qa_score_pct_sum_metric,
               qa_scored_points as qa_scored_points_metric,
               100.0 * qa_scored_points as qa_scored_points_pct_metric,
               qa_possible_points as qa_possible_points_metric,
               qa_critical_failures as qa_critical_failures_metric,
               cast(qa_critical_failures as double) / nullif(qa_evaluations, 0)
                   as qa_critical_failure_rate
        from rpt_agent_daily
    """,
    metrics=(
        "qa_evaluations",
        "qa_scored_evaluations_metric",
        "qa_score",
        "qa_score_pct_sum_metric",
        "qa_scored_points_metric",
        "qa_scored_points_pct_metric",
        "qa_possible_points_metric",
        "qa_critical_failures_metric",
        "qa_critical_failure_rate",
    ),
)

HEADCOUNT_DAILY = Comparison(
    name="headcount and attrition per team x day (fct_headcount_daily)",
    group_by=("team", "metric_time__day"),
    keys=("team", "day"),
    expected_sql="""
        select team_id as team, headcount_date as day,
               sum(headcount) as headcount, sum(headcount) as headcount_person_days_metric,
               sum(hires) as hires, sum(leavers) as leavers,
               sum(voluntary_leavers) as voluntary_leavers,
               sum(involuntary_leavers) as involuntary_leavers,
               365.0 * sum(leavers) / nullif(sum(headcount), 0) as attrition_rate,
               365.0 * sum(voluntary_leavers) / nullif(sum(headcount), 0) as voluntary_attrition_rate,
               365.0 * sum(involuntary_leavers) / nullif(sum(headcount), 0) as involuntary_attrition_rate
        from fct_headcount_daily
        group by team_id, headcount_date
    """,
    metrics=(
        "headcount",
        "headcount_person_days_metric",
        "hires",
        "leavers",
        "voluntary_leavers",
        "involuntary_leavers",
        "attrition_rate",
        "voluntary_attrition_rate",
        "involuntary_attrition_rate",
    ),
)

STAFFING_DAILY = Comparison(
    name="staffing per queue x local day (fct_staffing_intervals)",
    group_by=("queue", "metric_time__day"),
    keys=("queue", "day"),
    expected_sql="""
        select queue_id as queue, cast(interval_start_local as date) as day,
               count(*) as staffing_interval_count,
               sum(case when has_forecast then 1 else 0 end) as staffing_forecast_interval_count,
               sum(case when kind = 'actual' then 1 else 0 end) as staffing_actual_interval_count,
               coalesce(sum(required_agents_forecast_erlang_c), 0) as staffing_required_agents_sum,
               sum(scheduled_agents) as staffing_scheduled_agents_sum,
               sum(staffed_agents) as staffing_staffed_agents_sum,
               coalesce(sum(gap_scheduled_agents), 0) as staffing_gap_agents_sum,
               coalesce(sum(gap_staffed_agents), 0) as staffing_realised_gap_agents_sum,
               sum(required_agents_forecast_erlang_c)
                   / nullif(sum(case when has_forecast then 1 else 0 end), 0) as required_agents,
               sum(scheduled_agents) / count(*) as scheduled_agents,
               sum(staffed_agents) / count(*) as staffed_agents,
               sum(gap_scheduled_agents)
                   / nullif(sum(case when has_forecast then 1 else 0 end), 0) as staffing_gap_agents,
               sum(gap_staffed_agents) / nullif(sum(case when kind = 'actual' then 1 else 0 end), 0)
                   as staffing_realised_gap_agents,
               coalesce(sum(gap_scheduled_hours), 0) as staffing_gap_hours,
               coalesce(sum(gap_staffed_hours), 0) as staffing_realised_gap_hours,
               coalesce(sum(required_hours_forecast), 0) as required_hours,
               coalesce(sum(scheduled_hours), 0) as scheduled_hours,
               coalesce(sum(staffed_hours), 0) as staffed_hours
        from fct_staffing_intervals
        group by queue_id, cast(interval_start_local as date)
    """,
    metrics=(
        "staffing_interval_count",
        "staffing_forecast_interval_count",
        "staffing_actual_interval_count",
        "staffing_required_agents_sum",
        "staffing_scheduled_agents_sum",
        "staffing_staffed_agents_sum",
        "staffing_gap_agents_sum",
        "staffing_realised_gap_agents_sum",
        "required_agents",
        "scheduled_agents",
        "staffed_agents",
        "staffing_gap_agents",
        "staffing_realised_gap_agents",
        "staffing_gap_hours",
        "staffing_realised_gap_hours",
        "required_hours",
        "scheduled_hours",
        "staffed_hours",
    ),
)

FORECAST_DAILY = Comparison(
    name="forecast per queue x local day (fct_forecast_intervals)",
    group_by=("queue", "metric_time__day"),
    keys=("queue", "day"),
    expected_sql="""
        with scored as (
            select queue_id, cast(interval_start_local as date) as day, offered_forecast,
                   case when kind = 'backtest' and offered_actual is not null
                        and offered_forecast is not null and not is_holiday
                        then offered_actual else 0 end as scored_actual,
                   case when kind = 'backtest' and offered_actual is not null
                        and offered_forecast is not null and not is_holiday
                        then abs(offered_forecast - offered_actual) else 0 end as abs_error
            from fct_forecast_intervals
        )
        select queue_id as queue, day,
               coalesce(sum(offered_forecast), 0) as forecast_offered_contacts,
               sum(scored_actual) as forecast_scored_actual_offered,
               sum(abs_error) as forecast_abs_error,
               sum(abs_error) / nullif(sum(scored_actual), 0) as forecast_wape
        from scored
        group by queue_id, day
    """,
    metrics=(
        "forecast_offered_contacts",
        "forecast_scored_actual_offered",
        "forecast_abs_error",
        "forecast_wape",
    ),
)

QA_SECTIONS_DAILY = Comparison(
    name="QA section metrics per form x section x activity date (fct_qa_evaluation_sections)",
    group_by=("evaluation_section__form_id", "evaluation_section__section", "metric_time__day"),
    keys=("form_id", "section", "day"),
    expected_sql="""
        select form_id, section, activity_date as day,
               count(*) as qa_section_evaluations,
               count(score_pct) as qa_section_scored_evaluations_metric,
               sum(coalesce(score_pct, 0)) as qa_section_score_pct_sum_metric,
               sum(score_pct) / nullif(count(score_pct), 0) as qa_section_score,
               100.0 * sum(weighted_points) as qa_section_points_pct_metric,
               sum(weighted_possible) as qa_section_possible_points_metric,
               count(*) filter (where has_critical_failure) as qa_section_critical_failures_metric
        from fct_qa_evaluation_sections
        group by form_id, section, activity_date
    """,
    metrics=(
        "qa_section_evaluations",
        "qa_section_scored_evaluations_metric",
        "qa_section_score_pct_sum_metric",
        "qa_section_score",
        "qa_section_points_pct_metric",
        "qa_section_possible_points_metric",
        "qa_section_critical_failures_metric",
    ),
)

COMPARISONS = (
    QUEUE_DAILY,
    SEGMENT_DAILY,
    CUSTOMER_DAILY,
    SURVEY_DAILY,
    AGENT_DAILY,
    QA_DAILY,
    QA_SECTIONS_DAILY,
    HEADCOUNT_DAILY,
    STAFFING_DAILY,
    FORECAST_DAILY,
)


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def _same(a, b) -> bool:
    if _is_blank(a) or _is_blank(b):
        return _is_blank(a) and _is_blank(b)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _normalize_keys(df: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    df = df.copy()
    df[keys[-1]] = pd.to_datetime(df[keys[-1]]).dt.date  # the day key
    for k in keys[:-1]:
        df[k] = df[k].astype("object").where(df[k].notna(), "<null>")
    return df


def compare(layer: SemanticLayer, snapshot: Path, c: Comparison) -> list[str]:
    """Differences between the semantic layer and the mart for one comparison ([] if none)."""
    actual = layer.query(MetricQuery(metrics=c.metrics, group_by=c.group_by), snapshot)
    actual = actual.rename(columns=dict(zip(c.group_by, c.keys, strict=True)))
    with duckdb.connect(str(snapshot), read_only=True) as con:
        expected = con.sql(c.expected_sql).df()
    actual, expected = _normalize_keys(actual, c.keys), _normalize_keys(expected, c.keys)
    assert not actual.duplicated(list(c.keys)).any(), c.name
    merged = expected.merge(
        actual, on=list(c.keys), how="outer", suffixes=("_mart", "_semantic"), indicator=True
    )
    problems = []
    for _, row in merged.iterrows():
        key = tuple(row[k] for k in c.keys)
        for m in c.metrics:
            mart, sem = row[f"{m}_mart"], row[f"{m}_semantic"]
            if row["_merge"] == "left_only":
                # The semantic layer has no row where the fact has none: the mart's row must be
                # empty (zero counts, null ratios).
                if not (_is_blank(mart) or mart == 0):
                    problems.append(f"{c.name}: {m} {key}: mart {mart}, semantic has no row")
            elif row["_merge"] == "right_only":
                if not (_is_blank(sem) or sem == 0):
                    problems.append(f"{c.name}: {m} {key}: semantic {sem}, mart has no row")
            elif not _same(mart, sem):
                problems.append(f"{c.name}: {m} {key}: mart {mart} != semantic {sem}")
    return problems


@pytest.fixture(scope="module")
def layer(built_demo) -> SemanticLayer:
    manifest = built_demo.data_dir / "dbt_target" / "semantic_manifest.json"
    if not manifest.is_file():  # a build without a separate target folder
        from apps.queries.semantic import find_manifest

        manifest = find_manifest(built_demo.serving)
    return SemanticLayer(manifest)


def test_every_metric_is_compared(layer):
    compared = {m for c in COMPARISONS for m in c.metrics}
    assert set(layer.metric_names()) - compared == set()
    assert compared - set(layer.metric_names()) == set()


@pytest.mark.parametrize("comparison", COMPARISONS, ids=lambda c: c.name.split(" per ")[0])
def test_semantic_layer_equals_the_marts(layer, built_demo, comparison):
    problems = compare(layer, built_demo.serving, comparison)
    assert problems == [], "\n".join(problems[:30])


def test_the_demo_has_traffic_in_every_comparison(layer, built_demo):
    """Guard against a vacuous pass: each comparison sees non-zero data."""
    for c in COMPARISONS:
        df = layer.query(
            MetricQuery(metrics=c.metrics[:1], group_by=c.group_by), built_demo.serving
        )
        assert df[c.metrics[0]].fillna(0).abs().sum() > 0, c.name


def test_semi_additive_metrics_over_a_period(layer, built_demo):
    """Longest wait is a max and headcount is the last day's, never a sum over days."""
    with duckdb.connect(str(built_demo.serving), read_only=True) as con:
        waits = con.sql(
            "select queue_id as queue, max(max_wait_seconds) as w from fct_queue_intervals group by 1"
        ).df()
        heads = con.sql(
            """
            select team_id as team, sum(headcount) as h from fct_headcount_daily
            where headcount_date = (select max(headcount_date) from fct_headcount_daily)
            group by 1
            """
        ).df()
    got = layer.query(
        MetricQuery(metrics=("longest_wait",), group_by=("queue",)), built_demo.serving
    )
    assert dict(zip(got["queue"], got["longest_wait"], strict=True)) == dict(
        zip(waits["queue"], waits["w"], strict=True)
    )
    got = layer.query(MetricQuery(metrics=("headcount",), group_by=("team",)), built_demo.serving)
    got = got[got["headcount"].fillna(0) > 0]
    assert dict(zip(got["team"].fillna("<null>"), got["headcount"], strict=True)) == dict(
        zip(heads["team"].fillna("<null>"), heads["h"], strict=True)
    )
