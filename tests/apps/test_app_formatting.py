import math

import pytest

from apps.components import formatting as fmt


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (5, "0:05"), (59.6, "1:00"), (65.4, "1:05"), (600, "10:00"), (3725, "62:05")],
)
def test_seconds_are_shown_as_minutes_and_seconds(seconds, text):
    assert fmt.fmt_mmss(seconds) == text


def test_percent_has_one_decimal_and_missing_values_show_a_dash():
    assert fmt.fmt_pct(0.82349) == "82.3%"
    assert fmt.fmt_pct(1) == "100.0%"
    assert fmt.fmt_pct(None) == fmt.DASH
    assert fmt.fmt_pct(math.nan) == fmt.DASH
    assert fmt.fmt_mmss(None) == fmt.DASH


def test_integers_get_thousands_separators():
    assert fmt.fmt_int(1234567) == "1,234,567"
    assert fmt.fmt_int(0) == "0"


def test_deltas_are_signed_so_streamlit_colours_them():
    assert fmt.delta_int(120, 100) == "+20"
    assert fmt.delta_int(1000, 2500) == "-1,500"
    assert fmt.delta_pp(0.82, 0.80) == "+2.0 pp"
    assert fmt.delta_pp(0.75, 0.80) == "-5.0 pp"
    assert fmt.delta_mmss(95, 90) == "+0:05"
    assert fmt.delta_mmss(30, 95) == "-1:05"
    assert fmt.delta_score(4.2, 4.25) == "-0.05"


def test_a_delta_against_a_period_without_data_is_not_shown():
    assert fmt.delta_pp(0.8, None) is None
    assert fmt.delta_mmss(None, 30) is None
