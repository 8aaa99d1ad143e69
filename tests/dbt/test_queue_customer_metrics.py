"""Queue and customer metrics of issue 3 on the hand-written fixture warehouse.

Same fixture rows as test_dbt_build.py (fixture_warehouse.py); dbt runs as a subprocess with its
own target/log folders. Checks the 15-minute fact against the 30-minute one, the daily rollup's
ratios of sums, the service-level policy columns and a var override of the abandon treatment,
the contact fact (a transfer chain is one contact) and the customer rollup.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dbt_runner import assert_build_ok, run_dbt_build  # noqa: E402
from fixture_warehouse import build_fixture_warehouse  # noqa: E402

NEW_MARTS = [
    "fct_queue_intervals_15m",
    "rpt_queue_daily",
    "fct_contacts",
    "rpt_customer_daily",
]


def dbt_build(work: Path, vars_: dict | None = None) -> tuple[Path, dict]:
    warehouse = build_fixture_warehouse(work / "warehouse.duckdb")
    proc, results = run_dbt_build(warehouse, work, vars_=vars_)
    assert_build_ok(proc, results)
    return warehouse, results


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return dbt_build(tmp_path_factory.mktemp("dbt_queue_customer"))


@pytest.fixture(scope="module")
def con(built):
    c = duckdb.connect(str(built[0]), read_only=True)
    yield c
    c.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_build_runs_the_policy_interval_and_contact_unit_tests_and_reconciliations(built):
    ids = [r["unique_id"] for r in built[1]["results"]]
    for name in (
        "int_segments_enriched_scores_service_level_under_each_abandon_treatment",
        "int_segments_enriched_applies_the_policy_in_force_on_the_local_date",
        "int_queue_sl_policies_versioned_versions_by_effective_date",
        "int_queue_sl_policies_versioned_restates_history_on_request",
        "fct_queue_intervals_all_abandoned_callback_and_empty_intervals",
        "fct_queue_intervals_15m_buckets_both_dst_transitions",
        "fct_queue_intervals_15m_counts_a_boundary_crossing_contact_once",
        "rpt_queue_daily_ratios_are_ratios_of_sums",
        "fct_contacts_one_repeat_contact_fcr_outcome_per_contact",
        "int_segments_rolled_up_to_contacts_makes_a_transfer_chain_one_contact",
        "int_orders_attributed_to_contacts_by_contact_id_else_last_sales_touch",
        "assert_queue_intervals_15m_sum_to_30m",
        "assert_queue_intervals_15m_days_are_complete",
        "assert_rpt_queue_daily_reconciles_to_segments",
        "assert_contacts_reconcile_to_segments",
        "assert_rpt_customer_daily_reconciles_to_contacts",
    ):
        assert any(i.endswith("." + name) for i in ids), name
    for mart in NEW_MARTS:
        assert f"model.switchboard.{mart}" in ids


def test_fifteen_minute_spine_has_92_96_100_intervals_on_dst_days(con):
    counts = dict(
        ((q, str(d)), n)
        for q, d, n in rows(
            con,
            "select queue_id, interval_date, count(*) from main.fct_queue_intervals_15m group by all",
        )
    )
    assert counts[("Q_US_SALES", "2026-03-08")] == 92
    assert counts[("Q_US_SALES", "2026-11-01")] == 100
    assert counts[("Q_UK_SERVICE", "2026-03-29")] == 92
    assert counts[("Q_UK_SERVICE", "2026-10-25")] == 100
    assert counts[("Q_US_SALES", "2026-03-02")] == 96


def test_fifteen_minute_sums_equal_thirty_minute_sums_per_queue_day(con):
    measures = (
        "offered, answered, abandoned, short_abandoned, flowed_out, callback_requested, "
        "answered_within_threshold, abandoned_within_threshold, sl_numerator, sl_denominator, "
        "answered_wait_seconds, abandoned_wait_seconds, handled, talk_seconds, hold_seconds, "
        "acw_seconds, handle_seconds, transfers, holds"
    )
    sums = ", ".join(f"sum({m.strip()})" for m in measures.split(","))
    sql = f"select queue_id, interval_date, {sums}, max(max_wait_seconds) from main.{{}} group by all order by all"
    assert rows(con, sql.format("fct_queue_intervals_15m")) == rows(
        con, sql.format("fct_queue_intervals")
    )


def test_fifteen_minute_fact_counts_the_boundary_contact_by_entry_and_answer(con):
    # S03 enters 09:29:50 local (offered in 09:15) and is answered 09:30:10 (handled in 09:30)
    got = rows(
        con,
        """select strftime(interval_start_local, '%H:%M'), offered, answered, handled, handle_seconds
           from main.fct_queue_intervals_15m
           where queue_id = 'Q_US_SALES' and interval_date = date '2026-03-02'
             and interval_start_local between timestamp '2026-03-02 09:00' and timestamp '2026-03-02 09:45'
           order by 1""",
    )
    assert got == [
        ("09:00", 1, 1, 1, 500),  # S01 (entered 09:10, answered 09:10:15)
        ("09:15", 1, 1, 0, 0),  # S03 offered
        ("09:30", 1, 0, 1, 230),  # S04 offered (09:40), S03 handled
        ("09:45", 2, 0, 0, 0),  # S05, S06
    ]


def test_daily_rollup_ratios_come_from_sums_under_the_default_policy(con):
    # Q_US_SALES on 2 March: S01 (15 s) and S03 (exactly 20 s = T) answered, S04 abandoned at
    # 20 s, S05 short-abandoned at exactly 5 s, S06 flowed out.
    (row,) = rows(
        con,
        """select offered, answered, abandoned, short_abandoned, flowed_out, sl_numerator,
                  sl_denominator, service_level, asa_seconds, abandonment_rate,
                  abandonment_rate_excluding_short, aht_seconds, average_abandon_seconds,
                  abandon_treatment, sl_threshold_seconds, interval_count
           from main.rpt_queue_daily
           where queue_id = 'Q_US_SALES' and interval_date = date '2026-03-02'""",
    )
    assert row[:7] == (5, 2, 2, 1, 1, 2, 3)
    assert row[7] == pytest.approx(2 / 3)
    assert row[8] == pytest.approx(35 / 2)
    assert row[9] == pytest.approx(2 / 5)
    assert row[10] == pytest.approx(1 / 4)
    assert row[11] == pytest.approx((500 + 230) / 2)
    assert row[12] == pytest.approx(25 / 2)
    assert row[13:] == ("short_abandons_excluded", 20, 48)
    # a fall-back day has 50 half hours, and a day with nothing offered has null ratios
    assert rows(
        con,
        """select interval_count from main.rpt_queue_daily
           where queue_id = 'Q_US_SALES' and interval_date = date '2026-11-01'""",
    ) == [(50,)]
    assert rows(
        con,
        """select count(*) from main.rpt_queue_daily
           where offered = 0 and (service_level is not null or abandonment_rate is not null)""",
    ) == [(0,)]


def test_a_transfer_chain_is_one_contact_with_one_outcome(con):
    got = rows(
        con,
        """select contact_id, segment_count, transfers, queue_id, first_queue_id, agent_id,
                  customer_key, is_sales_contact, is_fcr_eligible, is_fcr_window_complete,
                  is_resolved_first_contact, complaint_cases, has_order_within_window, order_amount
           from main.fct_contacts where contact_id in ('C1', 'C2', 'C3') order by 1""",
    )
    # fmt: off
    assert got == [
        # C1: US sales -> UK service, handled last by A2; its complaint case K1; no repeat
        ("C1", 2, 1, "Q_UK_SERVICE", "Q_US_SALES", "A2", "CU1", True, True, True, True, 1, False, 0.0),
        # C2: a sale (order O1 names the contact); key = hashed phone
        ("C2", 1, 0, "Q_US_SALES", "Q_US_SALES", "A1", got[1][6], True, True, True, True, 0, True, 120.5),
        # C3: abandoned, no customer key: not in the FCR denominator
        ("C3", 1, 0, "Q_US_SALES", "Q_US_SALES", None, None, False, False, True, None, 0, False, 0.0),
    ]
    # fmt: on
    assert rows(con, "select count(*), count(distinct contact_id) from main.fct_contacts") == [
        (15, 15)
    ]


def test_customer_rollup_ties_surveys_sales_and_complaints_to_the_contact_day(con):
    got = rows(
        con,
        """select queue_id, contact_date::varchar, handled_contacts, surveys_sent, csat_responses,
                  csat_mean, nps, fcr_survey_rate, sales_contacts, converted_sales_contacts,
                  sales_revenue, complaint_cases, complaints_per_1000_handled
           from main.rpt_customer_daily
           where contact_date = date '2026-03-02' order by 1""",
    )
    assert got == [
        # C1 and the callback request C6; survey R1 (csat 5, nps 9, resolved); complaint K1
        ("Q_UK_SERVICE", "2026-03-02", 1, 1, 1, 5.0, 100.0, 1.0, 1, 0, 0.0, 1, 1000.0),
        # C2 (sale 120.50), C3, C4, C5; survey R2 not answered
        ("Q_US_SALES", "2026-03-02", 1, 1, 0, None, None, None, 1, 1, 120.5, 0, 0.0),
    ]


def test_abandon_treatment_and_fcr_window_are_vars(tmp_path_factory):
    warehouse, _ = dbt_build(
        tmp_path_factory.mktemp("dbt_vars"),
        {"sl_default_abandon_treatment": "count_against", "fcr_window_days": 400},
    )
    with duckdb.connect(str(warehouse), read_only=True) as c:
        # abandons count against: 2 answered within T / (2 answered + 2 abandoned)
        assert c.execute(
            """select sl_numerator, sl_denominator, service_level, abandon_treatment
               from main.rpt_queue_daily
               where queue_id = 'Q_US_SALES' and interval_date = date '2026-03-02'"""
        ).fetchall() == [(2, 4, 0.5, "count_against")]
        # a 400-day window is never complete in this data: no FCR outcome anywhere
        assert c.execute(
            "select count(is_resolved_first_contact), count(*) filter (where is_fcr_window_complete) "
            "from main.fct_contacts"
        ).fetchall() == [(0, 0)]
