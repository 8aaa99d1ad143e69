"""Data health: how fresh each source is, the last run, the check results (Great Expectations
suites and dbt data tests), quarantine counts and rows, and the load accounting per delivered
file (rows read = loaded + quarantined + exact duplicates). Reads the snapshot's ops schema. Layout only: the raw line of
a quarantined row (directors only) and the masking of failed-check examples are decided by the
data-access layer (apps.queries.access)."""

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from apps.components import formatting as fmt
from apps.components import tables
from apps.components.download import csv_download_button
from apps.queries import api, page_api

version = api.snapshot_version()
access = api.current_access()
run = page_api.health_last_run()
fresh = page_api.health_freshness()
checks = page_api.health_checks()
failed = page_api.health_failed_expectations(access)
qcounts = page_api.health_quarantine_counts()
accounting = page_api.health_load_accounting()


def _ago(ts) -> str:
    if ts is None or pd.isna(ts):
        return fmt.DASH
    ts = pd.Timestamp(ts)
    if ts.tzinfo is None:
        ts = ts.tz_localize(UTC)
    hours = (datetime.now(UTC) - ts.to_pydatetime()).total_seconds() / 3600
    if hours < 1:
        return f"{max(hours * 60, 0):.0f} min ago"
    if hours < 48:
        return f"{hours:.0f} h ago"
    return f"{hours / 24:.0f} days ago"


def _when(v) -> str:
    if v is None or (not isinstance(v, date) and pd.isna(v)):
        return fmt.DASH
    if isinstance(v, datetime):
        return f"{v:%d %b %Y %H:%M}"
    return f"{v:%d %b %Y}"


head, note = st.columns([2, 3], vertical_alignment="bottom")
head.markdown("## Data health")
note.caption(
    f"Snapshot published by run `{(run['run_id'] or fmt.DASH)[:8]}` · "
    f"`{version.path.rsplit('/', 2)[-2]}/{version.path.rsplit('/', 1)[-1]}` · times in UTC",
    text_alignment="right",
    help=f"Snapshot file: {version.path}; run id {run['run_id']}",
)

# --- tiles ----------------------------------------------------------------------------------
unbalanced = int((~accounting["balanced"].fillna(True).astype(bool)).sum()) if len(accounting) else 0
failed_critical = int(checks["failed_critical"].sum()) if len(checks) else 0
failed_warning = int(checks["failed_warning"].sum()) if len(checks) else 0
quarantined = int(qcounts["rows"].sum()) if len(qcounts) else 0
rejected = int((accounting["status"] != "loaded").sum()) if len(accounting) else 0
tiles = st.columns(5)


def _tile(col, label, value, caption, help_text):
    with col.container(border=True):
        st.metric(label, value, help=help_text)
        st.caption(caption)


published = run["published_at"]
_tile(tiles[0], "Last published", _ago(published),
      (f"{pd.Timestamp(published):%a %d %b %H:%M} · " if published is not None else "")
      + f"{run['tables']} tables",
      "When the pipeline last published this snapshot (ops.publication), and how many tables.")
calls = fresh[(fresh["family"] == "acd") & (fresh["table_name"] == "calls")]["latest_event"]
newest_call = pd.to_datetime(calls, errors="coerce").max() if len(calls) else None
has_call = newest_call is not None and not pd.isna(newest_call)
_tile(tiles[1], "Newest contact",
      f"{newest_call:%d %b}" if has_call else fmt.DASH,
      f"{newest_call:%H:%M} UTC · acd/calls" if has_call else "acd/calls",
      "The newest contact in the published data (fct_contact_segments.entered_queue_at, UTC).")
_tile(tiles[2], "Failed checks",
      f"{failed_critical} critical" if failed_critical else ("0" if len(checks) else fmt.DASH),
      f"{failed_warning} warnings · {len(checks)} checks",
      "Great Expectations expectations and dbt data tests that failed in each check's latest "
      "evaluation. Critical failures (landing shape, the marts' invariants and reconciliations) "
      "block the publish; drift and warn-level tests are warnings.")
_tile(tiles[3], "Quarantined rows", fmt.fmt_int(quarantined),
      f"{rejected} file(s) rejected", "Rows that could not be loaded, with file, line and reason.")
_tile(tiles[4], "Accounting", "Balanced" if unbalanced == 0 else f"{unbalanced} off",
      f"{len(accounting)} files: read = loaded + quarantined + duplicates",
      "Per delivered file, every row read is loaded, quarantined or an exact duplicate.")

# --- freshness and checks ----------------------------------------------------------------------
left, right = st.columns([1.15, 1])
with left:
    a, c = st.columns([4.4, 0.6], vertical_alignment="center")
    a.markdown("**Freshness by source**",
               help="Per landing table: files delivered, the latest delivery, and the newest "
               "event of its data in the published marts.")
    csv_download_button(fresh, "data health freshness", container=c, key="csv_health_fresh")
    st.dataframe(
        pd.DataFrame(
            {
                "Source": fresh["family"] + "/" + fresh["table_name"],
                "Files": fresh["files"],
                "Last delivery": fresh["last_delivery_at"],
                "Age": fresh["last_delivery_at"].map(_ago),
                "Newest event": fresh["latest_event"].map(_when),
                "Rows loaded": fresh["rows_loaded"],
                "Quarantined": fresh["rows_quarantined"],
            }
        ),
        hide_index=True, height=tables.fitted_height(len(fresh)), placeholder=fmt.DASH,
        key="health_fresh_table",
        column_config={
            "Last delivery": st.column_config.DatetimeColumn(format="D MMM HH:mm"),
            "Rows loaded": st.column_config.NumberColumn(format="localized"),
            "Quarantined": st.column_config.NumberColumn(format="localized"),
        },
    )
with right:
    a, c = st.columns([4.4, 0.6], vertical_alignment="center")
    a.markdown("**Checks** · latest evaluation of each")
    csv_download_button(checks, "data health checks", container=c, key="csv_health_checks")
    if checks.empty:
        st.info("No check results in this snapshot yet.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Asset": checks["asset_key"],
                    "Check": checks["check_name"],
                    "Status": [
                        "✖ critical" if fc else ("▲ warning" if fw else "✔ passed")
                        for fc, fw in zip(checks["failed_critical"], checks["failed_warning"],
                                          strict=True)
                    ],
                    "Failed": checks["failed"],
                    "Of": checks["expectations"],
                    "Rows": checks["unexpected_rows"],
                    "Evaluated": checks["evaluated_at"],
                }
            ),
            hide_index=True, height=tables.fitted_height(len(checks)), key="health_checks_table",
            column_config={
                "Evaluated": st.column_config.DatetimeColumn(format="D MMM HH:mm"),
                "Rows": st.column_config.NumberColumn(format="localized",
                                                      help="Unexpected rows in the failures"),
            },
        )

a, c = st.columns([9.4, 0.6], vertical_alignment="center")
a.markdown(f"**Failed expectations** · {len(failed)}")
csv_download_button(failed, "data health failed expectations", container=c, key="csv_health_failed")
if failed.empty:
    st.success("Every expectation passed in the latest evaluation of each check.",
               icon=":material/check_circle:")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "Asset": failed["asset_key"],
                "Expectation": failed["expectation"],
                "Column": failed["column_name"],
                "Severity": failed["severity"],
                "Unexpected rows": failed["unexpected_count"],
                "Examples": failed["examples"],
            }
        ),
        hide_index=True, key="health_failed_table",
        column_config={"Examples": st.column_config.TextColumn(width="large")},
    )

# --- quarantine and accounting ------------------------------------------------------------------
ql, qr = st.columns([1, 2])
with ql:
    a, c = st.columns([4, 1], vertical_alignment="center")
    a.markdown("**Quarantine by table**")
    csv_download_button(
        qcounts, "data health quarantine counts", container=c, key="csv_health_qcounts"
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Table": qcounts["family"] + "/" + qcounts["table_name"],
                "Rows": qcounts["rows"],
                "Files": qcounts["files"],
            }
        ),
        hide_index=True, height=tables.fitted_height(len(qcounts), 250), key="health_qcounts_table",
    )
with qr:
    latest = page_api.health_latest_quarantined(access)
    a, c = st.columns([8, 1], vertical_alignment="center")
    a.markdown("**Latest quarantined rows**",
               help="Fix the row in the source system and re-deliver the file (README: "
               "'When data is bad')."
               + ("" if access.sees_raw_landing_data else
                  " Raw lines are shown to directors only: they can hold customer phone "
                  "numbers, e-mails and comments. File and line locate the row."))
    csv_download_button(latest, "data health quarantined rows", container=c, key="csv_health_qrows")
    st.dataframe(
        pd.DataFrame(
            {
                "File": latest["source_file"],
                "Line": latest["line_number"],
                "Reason": latest["reason"],
                "Raw line": latest["raw_line"],  # empty unless the role may see it
            }
        ),
        hide_index=True, height=tables.fitted_height(len(latest), 250), placeholder=fmt.DASH,
        key="health_qrows_table",
    )

a, c = st.columns([9.4, 0.6], vertical_alignment="center")
a.markdown(
    f"**Load accounting per file** · {len(accounting)} files"
    + ("" if unbalanced == 0 else f" · :orange[**{unbalanced} not balanced**]")
)
csv_download_button(
    accounting, "data health load accounting", container=c, key="csv_health_accounting"
)
st.dataframe(
    pd.DataFrame(
        {
            "Loaded at": accounting["loaded_at"],
            "File": accounting["source_file"],
            "Status": accounting["status"],
            "Read": accounting["rows_read"],
            "Loaded": accounting["rows_loaded"],
            "Quarantined": accounting["rows_quarantined"],
            "Duplicates": accounting["rows_duplicate"],
            "Balanced": accounting["balanced"],
            "Message": accounting["message"],
        }
    ),
    hide_index=True, height=tables.fitted_height(len(accounting)), key="health_accounting_table",
    column_config={
        "Loaded at": st.column_config.DatetimeColumn(format="D MMM HH:mm"),
        "Read": st.column_config.NumberColumn(format="localized"),
        "Loaded": st.column_config.NumberColumn(format="localized"),
        "Quarantined": st.column_config.NumberColumn(format="localized"),
        "Duplicates": st.column_config.NumberColumn(format="localized"),
    },
)
