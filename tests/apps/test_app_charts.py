import pandas as pd
import pytest

from apps.components import charts
from apps.components import page_charts as pc


def _intervals(offered, sl):
    n = len(offered)
    return pd.DataFrame(
        {
            "interval_start_local": pd.date_range("2024-03-01 07:00", periods=n, freq="30min"),
            "local_repeat": [0] * n,
            "offered": offered,
            "answered": offered,
            "abandoned": [0] * n,
            "service_level": sl,
        }
    )


def test_bars_are_coloured_by_target_with_colour_blind_safe_colours():
    fig = charts.service_level_by_interval(_intervals([5, 5, 5], [0.9, 0.5, 0.8]), 0.8)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars["Meets target"].x) == ["07:00", "08:00"]
    assert list(bars["Below target"].x) == ["07:30"]
    assert bars["Meets target"].marker.color == charts.OKABE_ITO["blue"]
    assert bars["Below target"].marker.color == charts.OKABE_ITO["orange"]
    # The target is drawn as a horizontal line at 80 %, named in the legend, not in the plot
    # (a label there sat on the first bars).
    assert [s.y0 for s in fig.layout.shapes] == [80.0]
    assert not fig.layout.annotations
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == ["Meets target", "Below target", "Target 80.0%"]


def test_closed_hours_are_trimmed_but_empty_intervals_inside_the_day_are_kept():
    df = _intervals([0, 4, 0, 6, 0], [None, 0.75, None, 1.0, None])
    fig = charts.service_level_by_interval(df, 0.8)
    pinned = next(t for t in fig.data if t.type == "scatter")
    assert list(pinned.x) == ["07:30", "08:00", "08:30"]


def test_a_day_without_contacts_gives_an_empty_figure():
    assert charts.service_level_by_interval(_intervals([0, 0], [None, None]), 0.8).data == ()


def test_a_rate_or_score_axis_shows_at_least_its_units_minimum_span():
    """A week of CSAT between 4.19 and 4.23 must not fill the chart's height (Plotly's
    autorange would, and small moves read as swings): the axis spans at least half a point,
    within the 1-5 scale; a span already wide enough keeps the autorange."""
    csat = pc.MetricSpec("csat_score", "CSAT", "1–5", True)
    df = pd.DataFrame({"day": ["a", "b", "c"], "csat_score": [4.19, 4.23, 4.2]})
    fig = pc.lines(df, csat, x="day", series=None, x_title="day")
    lo, hi = fig.layout.yaxis.range
    assert hi - lo == pytest.approx(0.5) and lo <= 4.19 and hi >= 4.23
    assert pc.y_range(csat, pd.Series([4.9, 4.95])) == [4.5, 5.0]  # kept on the scale
    assert pc.y_range(csat, pd.Series([3.0, 4.5])) is None
    # a rate in percent, with its target line inside the range
    aband = pc.MetricSpec("abandonment_rate", "Abandonment", "%", False)
    lo, hi = pc.y_range(aband, pd.Series([3.1, 3.4]), target=5.0)
    assert hi - lo == pytest.approx(5.0) and lo <= 3.1 and hi >= 5.0
    assert pc.y_range(aband, pd.Series([0.2, 0.4])) == [0.0, 5.0]
    offered = pc.MetricSpec("offered_contacts", "Offered", "contacts", None)
    assert pc.y_range(offered, pd.Series([10, 11])) is None


def test_the_bar_axis_of_a_bars_and_line_chart_has_round_ticks_of_its_own():
    """An overlaying axis's ticks would line up with the left axis's grid (evaluations 12, 40,
    69 against QA 75%, 80%, 85% on the Quality page): the bars' axis asks for its own."""
    qa = pc.MetricSpec("qa_score", "QA score", "%", True)
    evals = pc.MetricSpec("qa_evaluations", "Evaluations", "evaluations", None)
    df = pd.DataFrame({"day": ["a", "b"], "qa_evaluations": [69, 12], "qa_score": [0.85, 0.75]})
    fig = pc.bars_with_line(df, evals, qa, x="day", x_title="day")
    assert fig.layout.yaxis2.tickmode == "auto" and fig.layout.yaxis2.overlaying == "y"


def _target_entries(fig):
    """The legend entries of dashed black lines, and the plot's text annotations."""
    entries = [
        t.name for t in fig.data
        if t.type == "scatter" and t.line.dash == "dash" and t.line.color == charts.TARGET_LINE
    ]
    return entries, [a.text for a in fig.layout.annotations]


def test_every_chart_names_its_target_in_the_legend_not_inside_the_plot():
    """One way to mark a target (charts.reference_line): a dashed line across the plot and a
    legend entry. A label inside the plot sat on the data (the first bars of the Queues day
    chart, the lines of the Quality trend)."""
    sl = pc.MetricSpec("service_level", "Service level", "%", True)
    qa = pc.MetricSpec("qa_score", "QA score", "%", True)
    evals = pc.MetricSpec("qa_evaluations", "Evaluations", "evaluations", None)
    df = pd.DataFrame({"day": ["a", "b"], "service_level": [0.7, 0.9], "queue": ["q1", "q1"],
                       "qa_evaluations": [5, 6], "qa_score": [0.8, 0.9]})
    one_line = pc.lines(df, sl, x="day", series=None, x_title="day", target=0.8)
    per_queue = pc.lines(df, sl, x="day", series="queue", x_title="day", target=0.8)
    with_bars = pc.bars_with_line(df, evals, qa, x="day", x_title="day", target=0.85)
    intervals = charts.service_level_by_interval(_intervals([5, 5], [0.9, 0.5]), 0.8)
    for fig, label, y in [(one_line, "Target 80.0%", 80.0), (per_queue, "Target 80.0%", 80.0),
                          (with_bars, "Target 85.0%", 85.0), (intervals, "Target 80.0%", 80.0)]:
        assert _target_entries(fig) == ([label], [])
        assert [s.y0 for s in fig.layout.shapes] == [y]
    # the series of a per-queue chart stay in the legend beside the target
    assert [t.name for t in per_queue.data if t.showlegend] == ["q1", "Target 80.0%"]
    assert _target_entries(pc.lines(df, sl, x="day", series=None, x_title="day")) == ([], [])
