"""The people pages' tables (Workforce, My team): one home for a column's display name
(``LABELS``) and its display format (``FORMATS``, keyed by display name), so a column reads the
same on both pages. ``show(df)`` renders a frame with both; ``labelled(df)`` only renames."""

from __future__ import annotations

import pandas as pd
import streamlit as st

LABELS = {
    "team_id": "Team id",
    "team_name": "Team",
    "headcount_days": "Headcount-days",
    "hires": "Hires",
    "leavers": "Leavers",
    "voluntary_leavers": "Voluntary",
    "involuntary_leavers": "Involuntary",
    "active_agents": "Active agents",
    "new_hires_0_3_months": "Hired < 3 months",
    "hours_worked": "Paid hours",
    "overtime_hours": "Overtime hours",
    "agent_weeks_over_limit": "Agent-weeks > 40 h",
    "pending_timesheets": "Timesheets pending",
    "status": "Status",
    "requests": "Requests",
    "leave_days": "Leave days",
    "on_queue_hours": "Scheduled on-queue hours",
    "category": "Category",
    "queue_id": "Queue",
    "complaints": "Complaints",
    "escalated_complaints": "Escalated",
    "open_complaints": "Open",
    "mean_hours_to_resolve": "Mean hours to resolve",
    "handled_contacts": "Handled contacts",
    "complaints_per_1000": "Per 1,000 handled",
    "request_id": "Request",
    "agent_name": "Agent",
    "leave_type": "Type",
    "starts_on": "Starts",
    "ends_on": "Ends",
    "requested_at": "Requested",
    "days_since_request": "Days waiting",
    "requested_on_queue_hours": "On-queue hours requested",
    "team_on_queue_hours": "Team on-queue hours",
    "impact_share": "Team queue time lost",
    "average_headcount": "Avg headcount",
    "annualized_attrition": "Attrition (ann.)",
    "mean_tenure_years": "Mean tenure (y)",
    "median_tenure_years": "Median tenure (y)",
    "overtime_share": "Overtime share",
    # My team's tables
    "agent_id": "Agent id",
    "full_name": "Agent",
    "focus_metric": "Focus metric",
    "held_date": "Session",
    "follow_up_due_on": "Follow-up due",
    "follow_up_status": "Follow-up",
    "commitment_status": "Commitment",
    "before": "Before",
    "target": "Target",
    "so_far": "So far",
    "commitment": "Commitment made",
    "sessions": "Sessions",
    "commitments_met": "Met",
    "commitments_not_met": "Not met",
    "commitments_pending": "Pending",
    "not_met_in_lookback": "Not met (90 days)",
    "unmet_focus_metrics": "Unmet on",
    "overdue_follow_ups": "Follow-ups overdue",
    "is_flagged_for_correction": "Correction process",
    "work_date": "Work date",
    "submitted_at": "Submitted",
    "waiting_days": "Days waiting",
    "case_id": "Case",
    "is_escalated": "Escalated",
    "opened_date": "Opened",
    "age_days": "Age (days)",
    "age_bucket": "Age",
    "queue_name": "Queue",
    # coaching effects (rpt_coaching_effects) and evaluator calibration
    "estimator": "Estimator",
    "sessions_improved": "Sessions improved",
    "sd_improvement": "SD",
    "standard_error": "Standard error",
    "mean_improvement": "Mean improvement",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "conclusion": "Conclusion",
    "evaluator_id": "Evaluator",
    "scored_evaluations": "Scored evaluations",
    "mean_score_pct": "Mean score (%)",
    "mean_deviation_pct": "Deviation from others (points)",
    "calibration_segments": "Calibration segments",
    "evaluations": "Evaluations",
}


def labelled(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its known columns under their display names (others unchanged)."""
    return df.rename(columns={c: LABELS[c] for c in df.columns if c in LABELS})




def _date(fmt: str = "ddd D MMM YYYY"):
    return st.column_config.DateColumn(format=fmt)


def _number(fmt: str):
    return st.column_config.NumberColumn(format=fmt)


# Shares shown in percent with one decimal ("42.9%"): Streamlit's "percent" format gives each
# value the decimals it happens to have ("0%", "42.94%", "152.08%" in one column). They are
# multiplied by 100 for display only (the CSV keeps the fraction).
PERCENT_COLUMNS = ("Attrition (ann.)", "Overtime share", "Team queue time lost")


# display name -> st.column_config entry (a page may override one for its table)
FORMATS = {
    "Starts": _date(),
    "Ends": _date(),
    "Opened": _date(),
    "Session": _date("ddd D MMM"),
    "Follow-up due": _date("ddd D MMM"),
    "Work date": _date("ddd D MMM"),
    "Requested": st.column_config.DatetimeColumn(format="D MMM HH:mm"),
    "Submitted": st.column_config.DatetimeColumn(format="D MMM HH:mm"),
    "Days waiting": _number("%.0f"),
    "Avg headcount": _number("%.1f"),
    "Mean tenure (y)": _number("%.1f"),
    "Median tenure (y)": _number("%.1f"),
    "Paid hours": _number("%.1f"),
    "Overtime hours": _number("%.1f"),
    "On-queue hours requested": _number("%.1f"),
    "Team on-queue hours": _number("%.1f"),
    "Scheduled on-queue hours": _number("%.1f"),
    "Handled contacts": _number("localized"),
    "Per 1,000 handled": _number("%.2f"),
    "Mean hours to resolve": _number("%.1f"),
    "Mean improvement": _number("%.3f"),
    "95% CI low": _number("%.3f"),
    "95% CI high": _number("%.3f"),
    "Mean score (%)": _number("%.1f"),
    "Deviation from others (points)": _number("%+.1f"),
    **{c: _number("%.1f%%") for c in PERCENT_COLUMNS},
}


# st.dataframe's rows are 35 px under a ~38 px header (40 leaves no scroll bar for one row).
ROW_PX, HEADER_PX = 35, 40


def fitted_height(rows: int, max_px: int = 300) -> int:
    """A table's height in pixels: as tall as its ``rows``, up to ``max_px`` (then it scrolls).
    A fixed height left empty rows under a short table (five queues, six teams)."""
    return min(max_px, HEADER_PX + ROW_PX * max(rows, 1))


def show(df: pd.DataFrame, *, container=None, column_config: dict | None = None, **kwargs) -> None:
    """``df`` as a full-width table in display names and formats (``column_config`` entries,
    keyed by display or raw name, override or add to ``FORMATS``)."""
    shown = labelled(df)
    percent = [c for c in PERCENT_COLUMNS if c in shown.columns]
    if percent:
        shown = shown.assign(**{c: shown[c] * 100 for c in percent})
    config = {c: FORMATS[c] for c in shown.columns if c in FORMATS} | (column_config or {})
    (container or st).dataframe(
        shown, hide_index=True, width="stretch", column_config=config, **kwargs
    )


def show_coaching_effects(effects: pd.DataFrame) -> None:
    """rpt_coaching_effects (My team and Workforce show the same table)."""
    show(effects.drop(columns=["sd_improvement", "standard_error"], errors="ignore"))


# complaint_rates' id column -> the name column it is shown as
_NAME_OF = {"queue_id": "queue_name", "team_id": "team_name", "agent_id": "agent_name"}


def show_complaint_rates(rates: pd.DataFrame) -> None:
    """apps.queries.supervision.complaint_rates: by category, or by queue, team or agent under
    its name (the id column dropped)."""
    key = next((c for c in _NAME_OF if c in rates.columns), None)
    if key is not None and "name" in rates.columns:
        rates = rates.drop(columns=[key]).rename(columns={"name": _NAME_OF[key]})
    show(rates)
