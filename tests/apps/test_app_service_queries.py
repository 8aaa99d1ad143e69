"""The query layer against the fixture snapshot; expected values come from the raw rows."""

from datetime import date, timedelta

import pytest

from apps.queries import service
from apps.queries.connection import SnapshotMissingError, connect, snapshot_version
from apps.queries.filters import ServiceFilters

KPI_FIELDS = [
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "answered_within_threshold",
    "handled",
    "csat_responses",
]
RATIO_FIELDS = [
    "service_level",
    "sl_target",
    "abandonment_rate",
    "asa_seconds",
    "aht_seconds",
    "csat",
]


@pytest.fixture
def con(serving_fixture):
    with connect(serving_fixture.path) as c:
        yield c


def _assert_matches(kpis: service.KpiSummary, exp: dict) -> None:
    for name in KPI_FIELDS:
        assert getattr(kpis, name) == exp[name], name
    for name in RATIO_FIELDS:
        assert getattr(kpis, name) == pytest.approx(exp[name], rel=1e-12), name


@pytest.mark.parametrize(
    ("sites", "queues", "lobs"),
    [
        ((), (), ()),
        (("LON",), (), ()),
        ((), ("q_tech",), ()),
        ((), (), ("Care",)),
        (("LON",), (), ("Sales",)),
    ],
)
def test_kpi_summary_equals_sums_of_the_fixture_rows(
    con, serving_fixture, expected, sites, queues, lobs
):
    start, end = date(2024, 3, 10), date(2024, 3, 20)
    f = ServiceFilters(start, end, site_ids=sites, queue_ids=queues, lines_of_business=lobs)
    exp = expected(serving_fixture, start, end, sites=sites, queues=queues, lobs=lobs)
    assert exp["offered"] > 0
    _assert_matches(service.kpi_summary(con, f), exp)


def test_previous_period_has_equal_length_and_ends_the_day_before():
    f = ServiceFilters(date(2024, 3, 22), date(2024, 3, 28))
    prev = f.previous_period()
    assert (prev.start_date, prev.end_date) == (date(2024, 3, 15), date(2024, 3, 21))
    assert prev.days == f.days == 7
    one = ServiceFilters(date(2024, 3, 1), date(2024, 3, 1)).previous_period()
    assert (one.start_date, one.end_date) == (date(2024, 2, 29), date(2024, 2, 29))


def test_a_period_without_traffic_gives_zero_counts_and_no_ratios(con):
    kpis = service.kpi_summary(con, ServiceFilters(date(2023, 1, 1), date(2023, 1, 7)))
    assert kpis.offered == 0 and kpis.csat_responses == 0
    assert kpis.service_level is None
    assert kpis.sl_target is None
    assert kpis.abandonment_rate is None and kpis.asa_seconds is None
    assert kpis.aht_seconds is None and kpis.csat is None


def test_multi_queue_target_is_weighted_by_offered(con, serving_fixture):
    day = date(2024, 3, 5)
    rows = [r for r in serving_fixture.intervals if r["interval_date"] == day]
    weighted = sum(r["offered"] * r["sl_target_pct"] for r in rows) / sum(
        r["offered"] for r in rows
    )
    kpis = service.kpi_summary(con, ServiceFilters(day, day))
    assert kpis.sl_target == pytest.approx(weighted / 100)
    single = service.kpi_summary(con, ServiceFilters(day, day, queue_ids=("q_sales",)))
    assert single.sl_target == pytest.approx(0.70)


def test_service_level_by_interval_is_one_row_per_local_interval(con, serving_fixture):
    day = date(2024, 3, 12)
    f = ServiceFilters(date(2024, 3, 1), date(2024, 3, 28), site_ids=("LON",))
    df = service.service_level_by_interval(con, f, day)
    rows = [
        r for r in serving_fixture.intervals if r["interval_date"] == day and r["site_id"] == "LON"
    ]
    starts = sorted({r["interval_start_local"] for r in rows})
    assert [t.to_pydatetime() for t in df["interval_start_local"]] == starts
    for _, got in df.iterrows():
        mine = [r for r in rows if r["interval_start_local"] == got["interval_start_local"]]
        assert got["offered"] == sum(r["offered"] for r in mine)
        den = sum(r["answered"] + r["abandoned"] - r["short_abandoned"] for r in mine)
        num = sum(r["answered_within_threshold"] for r in mine)
        if den:
            assert got["service_level"] == pytest.approx(num / den)


def test_interval_times_are_site_local(con, serving_fixture):
    df = service.service_level_by_interval(
        con, ServiceFilters(date(2024, 3, 1), date(2024, 3, 1), site_ids=("NYC",)), date(2024, 3, 1)
    )
    # The fixture writes 08:00-19:30 local time in every site.
    times = [t.strftime("%H:%M") for t in df["interval_start_local"]]
    assert times[0] == "08:00" and times[-1] == "19:30" and len(times) == 24


def test_queue_table_has_every_matching_queue_with_its_own_numbers(con, serving_fixture, expected):
    start, end = date(2024, 3, 1), date(2024, 3, 28)
    df = service.queue_table(con, ServiceFilters(start, end)).set_index("queue_id")
    assert sorted(df.index) == sorted(q["queue_id"] for q in serving_fixture.queues)
    for qid in df.index:
        exp = expected(serving_fixture, start, end, queues=(qid,))
        row = df.loc[qid]
        for name in ["offered", "answered", "abandoned", "csat_responses"]:
            assert row[name] == exp[name], (qid, name)
        for name in ["service_level", "abandonment_rate", "asa_seconds", "aht_seconds", "csat"]:
            if exp[name] is None:
                assert row[name] != row[name], (qid, name)  # NaN
            else:
                assert row[name] == pytest.approx(exp[name]), (qid, name)
    # A queue without traffic keeps its configured target.
    assert df.loc["q_quiet", "sl_target"] == pytest.approx(0.85)
    assert df.loc["q_quiet", "offered"] == 0


def test_queue_table_respects_site_and_line_of_business(con):
    f = ServiceFilters(
        date(2024, 3, 1), date(2024, 3, 7), site_ids=("NYC",), lines_of_business=("Care",)
    )
    assert service.queue_table(con, f)["queue_id"].tolist() == ["q_tech"]


def test_filter_options_list_queues_sites_and_the_date_bounds(con, serving_fixture):
    opts = service.filter_options(con)
    assert opts.site_ids == ["LON", "NYC"]
    assert opts.lines_of_business == ["Care", "Sales"]
    assert (opts.first_date, opts.last_date) == (
        serving_fixture.first_day,
        serving_fixture.last_day,
    )


def test_sql_uses_bound_parameters_not_interpolated_values(con):
    hostile = "x' or '1'='1"
    f = ServiceFilters(date(2024, 3, 1), date(2024, 3, 28), site_ids=(hostile,))
    assert service.kpi_summary(con, f).offered == 0


def test_a_missing_snapshot_raises_a_clear_error(tmp_path):
    with pytest.raises(SnapshotMissingError):
        snapshot_version(tmp_path / "nope.duckdb")
    with pytest.raises(SnapshotMissingError), connect(tmp_path / "nope.duckdb"):
        pass


def test_snapshot_version_changes_when_a_new_snapshot_replaces_the_file(tmp_path):
    import os

    import duckdb

    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    before = snapshot_version(path)
    tmp = tmp_path / "warehouse.duckdb.tmp"
    duckdb.connect(str(tmp)).close()
    os.replace(tmp, path)
    assert snapshot_version(path) != before


def test_filters_reject_an_inverted_range():
    with pytest.raises(ValueError):
        ServiceFilters(date(2024, 3, 2), date(2024, 3, 1))
    assert ServiceFilters(date(2024, 3, 1), date(2024, 3, 1) + timedelta(days=6)).days == 7


def test_the_repeated_hour_of_a_fall_back_day_stays_two_intervals(tmp_path):
    import duckdb

    path = tmp_path / "warehouse.duckdb"
    c = duckdb.connect(str(path))
    c.execute(
        "create table dim_queues as select 'q1' as queue_id, 'Q' as queue_name,"
        " 'Care' as line_of_business, 'NYC' as site_id, 80.0 as sl_target_pct"
    )
    # New York, 3 Nov 2024: 01:00 EDT (05:00 UTC), then 01:00 EST again (06:00 UTC).
    c.execute(
        """
        create table fct_queue_intervals as
        select *, cast(interval_start_local as date) as interval_date, 0 as abandoned,
               0 as short_abandoned, 0 as answered_wait_seconds, answered as handled,
               0 as handle_seconds, 80.0 as sl_target_pct,
               answered_within_threshold as sl_numerator, answered as sl_denominator
        from (values
          ('q1', 'NYC', timestamp '2024-11-03 05:00', timestamp '2024-11-03 01:00', 10, 8, 5),
          ('q1', 'NYC', timestamp '2024-11-03 06:00', timestamp '2024-11-03 01:00', 20, 10, 9),
          ('q1', 'NYC', timestamp '2024-11-03 07:00', timestamp '2024-11-03 02:00', 5, 5, 5)
        ) as t(queue_id, site_id, interval_start_utc, interval_start_local, offered, answered,
               answered_within_threshold)
        """
    )
    c.close()
    with connect(path) as con:
        day = date(2024, 11, 3)
        df = service.service_level_by_interval(con, ServiceFilters(day, day), day)
    assert df["offered"].tolist() == [10, 20, 5]
    assert df["local_repeat"].tolist() == [0, 1, 0]
    assert df["service_level"].tolist() == pytest.approx([5 / 8, 9 / 10, 1.0])
