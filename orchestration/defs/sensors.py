"""A sensor that starts a build when new or changed files appear in the landing folder."""


import hashlib
import json

import dagster as dg

from orchestration.contracts import load_contract
from orchestration.defs.schedules import build_everything_job
from orchestration.lib.ingest import landing_files
from orchestration.settings import get_settings


def landing_fingerprint(landing_dir) -> tuple[str, int]:
    """A digest of every landing file's path, size and mtime, and the file count."""
    items = []
    for t in load_contract():
        for p in landing_files(landing_dir, t):
            st = p.stat()
            items.append([str(p.relative_to(landing_dir)), st.st_size, st.st_mtime_ns])
    digest = hashlib.sha256(json.dumps(items).encode()).hexdigest()
    return digest, len(items)


def evaluate_landing(landing_dir, cursor: str | None) -> tuple[str | None, str, int]:
    """(run key or None, new cursor, file count). Pure: the sensor below is a thin wrapper."""
    digest, count = landing_fingerprint(landing_dir)
    if count == 0 or digest == cursor:
        return None, digest, count
    return f"landing-{digest[:16]}", digest, count


@dg.sensor(
    name="landing_files_sensor",
    job=build_everything_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts build_everything when files in the landing folder are added or changed.",
)
def landing_files_sensor(context: dg.SensorEvaluationContext):
    run_key, cursor, count = evaluate_landing(get_settings().landing_dir, context.cursor)
    context.update_cursor(cursor)
    if run_key is None:
        return dg.SkipReason(f"no new landing files ({count} known)")
    return dg.RunRequest(run_key=run_key, tags={"trigger": "landing_files_sensor"})
