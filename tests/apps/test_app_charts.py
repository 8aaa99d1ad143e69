import pandas as pd

from apps.components import charts


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
    # The target is drawn as a horizontal line at 80 %.
    assert [s.y0 for s in fig.layout.shapes] == [80.0]


def test_closed_hours_are_trimmed_but_empty_intervals_inside_the_day_are_kept():
    df = _intervals([0, 4, 0, 6, 0], [None, 0.75, None, 1.0, None])
    fig = charts.service_level_by_interval(df, 0.8)
    pinned = next(t for t in fig.data if t.type == "scatter")
    assert list(pinned.x) == ["07:30", "08:00", "08:30"]


def test_a_day_without_contacts_gives_an_empty_figure():
    assert charts.service_level_by_interval(_intervals([0, 0], [None, None]), 0.8).data == ()
