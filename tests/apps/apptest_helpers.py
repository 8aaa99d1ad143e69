"""Helpers the page AppTests share to read what a page rendered."""

from __future__ import annotations

import base64
import math
import re
from pathlib import Path

import numpy as np


def plain(value):
    """A plotly figure dict as plain lists (numpy arrays arrive as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if value.get("shape"):
            arr = arr.reshape([int(n) for n in str(value["shape"]).split(",")])
        return plain(arr)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def toolbars(at) -> list[tuple[str, set[str]]]:
    """Per chart/table toolbar, in page order: the CSV button's help text and the metric names
    whose catalog entries its Definitions popover shows."""
    buttons, popovers = at.get("download_button"), at.get("popover")
    assert len(buttons) == len(popovers)
    return [
        (b.proto.help, set(re.findall(r"· `(\w+)` \(", " ".join(m.value for m in p.markdown))))
        for b, p in zip(buttons, popovers, strict=True)
    ]


def traces(at, index: int) -> list[dict]:
    """The index-th plotly chart's traces, with every array as a plain list."""
    import plotly.io as pio

    fig = pio.from_json(at.get("plotly_chart")[index].proto.spec, skip_invalid=True).to_dict()
    return plain(fig["data"])


def copy_snapshot(serving_fixture, folder: Path, *changes: str | tuple[str, list]) -> Path:
    """A copy of the fixture snapshot with its semantic manifest, in ``folder`` (created), with
    ``changes`` run on it in order (SQL, or SQL and its parameters): the file keeps the stem
    ``warehouse``, the catalog the manifest's SQL names. Returns the copy's path."""
    import shutil

    import duckdb

    from apps.queries.semantic import find_manifest

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "warehouse.duckdb"
    shutil.copyfile(serving_fixture.path, path)
    shutil.copyfile(find_manifest(serving_fixture.path), folder / "semantic_manifest.json")
    with duckdb.connect(str(path)) as con:
        for change in changes:
            sql, params = (change, []) if isinstance(change, str) else change
            con.execute(sql, params)
    return path
