"""Facts about the current Dagster run that several assets need (one home for them)."""
# No `from __future__ import annotations` in Dagster definition modules (see STACK.md).

from datetime import UTC, date, datetime

FULL_REFRESH_TAG = "switchboard/full_refresh"
REPROCESS_FROM_TAG = "switchboard/reprocess_from"


def run_start_utc(context) -> datetime | None:
    """When the run started (naive UTC), or None without a run record (direct invocation)."""
    try:
        stats = context.instance.get_run_stats(context.run.run_id)
    except Exception:  # noqa: BLE001 - no run record: callers fall back to their own default
        return None
    start = getattr(stats, "start_time", None)
    if not start:
        return None
    return datetime.fromtimestamp(start, tz=UTC).replace(tzinfo=None)


def reprocess_from_requested(context) -> date | None:
    """`python -m orchestration.cli build --from-date YYYY-MM-DD`: recompute the days from it on."""
    try:
        value = str(context.run.tags.get(REPROCESS_FROM_TAG, "")).strip()
    except Exception:  # noqa: BLE001
        return None
    return date.fromisoformat(value) if value else None


def full_refresh_requested(context) -> bool:
    """`python -m orchestration.cli build --full-refresh` (or the tag set in the Dagster UI)."""
    try:
        return str(context.run.tags.get(FULL_REFRESH_TAG, "")).lower() in ("1", "true", "yes")
    except Exception:  # noqa: BLE001
        return False
