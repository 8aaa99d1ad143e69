"""CSV download for the data behind any chart or table.

    from apps.components.download import csv_download_button
    csv_download_button(df, "Agent scorecard", key="agents_scorecard_csv")

The file is UTF-8 with a header row and no index; values are the raw numbers (fractions,
seconds), not the formatted text, so a spreadsheet can re-aggregate them. Pages pass the data
they got from the access-controlled query functions, so a download never holds more than the
page shows.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st


def file_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "data"


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def csv_download_button(
    df: pd.DataFrame,
    name: str,
    *,
    key: str | None = None,
    container=None,
    label: str = "CSV",
) -> None:
    """A compact download button for ``df`` as ``<name>.csv``."""
    target = container if container is not None else st
    target.download_button(
        label,
        data=csv_bytes(df),
        file_name=f"{file_slug(name)}.csv",
        mime="text/csv",
        key=key or f"csv_{file_slug(name)}",
        icon=":material/download:",
        help=f"Download the data of “{name}” as CSV ({len(df):,} rows)",
        type="tertiary",
        on_click="ignore",
    )
