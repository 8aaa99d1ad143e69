"""Render the weekly management report: one self-contained HTML file (inline CSS, inline SVG
charts, no scripts, nothing fetched) and a PDF printed from it by headless Chromium
(``--print-to-pdf``, the flags of orchestration.lib.browser), under
``<reports dir>/<ISO week>/`` (e.g. ``data/reports/2026-W47/``).

CLI::

    uv run python -m orchestration.lib.report [--week YYYY-MM-DD] [--out DIR] [--no-pdf]
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration.lib.browser import CHROMIUM_FLAGS, DEFAULT_CHROMIUM
from orchestration.lib.report import svg
from orchestration.lib.report.data import HEADLINE, KPI_BY_METRIC, ReportData
from orchestration.lib.report.format import fmt_delta, fmt_value, missing

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #222;
       font-size: 11px; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 20px; margin: 0 0 2px 0; color: #1f3b5a; }
h2 { font-size: 14px; margin: 14px 0 6px 0; color: #1f3b5a; border-bottom: 2px solid #1f3b5a;
     padding-bottom: 2px; page-break-after: avoid; }
.sub { color: #666; margin-bottom: 8px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; }
.tile { border: 1px solid #d9dee5; border-radius: 4px; padding: 5px 7px; page-break-inside: avoid; }
.tile .label { color: #555; font-size: 10px; }
.tile .value { font-size: 17px; font-weight: 700; }
.tile .meta { font-size: 9.5px; color: #555; }
.good { color: #2e7d32; } .bad { color: #c62828; } .neutral { color: #555; }
.issues ol { margin: 4px 0 0 18px; padding: 0; }
.issues li { margin-bottom: 4px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 3px 5px; text-align: right; font-size: 10px; }
th { background: #f2f4f7; } td:first-child, th:first-child { text-align: left; }
.note { color: #666; font-size: 9.5px; margin-top: 4px; }
.section { page-break-inside: avoid; }
"""


def _status(kpi_metric: str, value, target, trailing) -> tuple[str, str]:
    """CSS class and text of a KPI against its target (or trend when no target)."""
    k = KPI_BY_METRIC[kpi_metric]
    if k.higher_is_better is None or missing(value):
        return "neutral", ""
    ref, ref_kind = (target, "target") if not missing(target) else (trailing, "4-wk")
    if missing(ref):
        return "neutral", ""
    ok = value >= ref if k.higher_is_better else value <= ref
    return ("good" if ok else "bad"), f"{ref_kind} {fmt_value(ref, k.kind)}"


def _tile(data: ReportData, metric: str) -> str:
    k = KPI_BY_METRIC[metric]
    cur, prev = data.current.get(metric), data.previous.get(metric)
    cls, ref = _status(metric, cur, data.targets.get(metric), data.trailing.get(metric))
    delta = fmt_delta(cur, prev, k.kind)
    if missing(cur):
        # e.g. repeat-contact FCR: the week's contacts are still inside the FCR window.
        ref, delta = (
            "not measurable yet (window still open)"
            if metric == "first_contact_resolution_rate"
            else "no data",
            "",
        )
        return (
            f'<div class="tile" data-metric="{metric}" data-value="">'
            f'<div class="label">{html.escape(k.label)}</div><div class="value neutral">–</div>'
            f'<div class="meta">{html.escape(ref)}</div></div>'
        )
    return (
        f'<div class="tile" data-metric="{metric}" data-value="{"" if missing(cur) else repr(cur)}">'
        f'<div class="label">{html.escape(k.label)}</div>'
        f'<div class="value {cls}">{fmt_value(cur, k.kind)}</div>'
        f'<div class="meta">{html.escape(ref)}{" · " if ref else ""}WoW {html.escape(delta)}</div></div>'
    )


def _table(df, columns: list[tuple[str, str, str]]) -> str:
    """columns: (column, header, kind)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for _, h, _ in columns)
    rows = []
    for _, r in df.iterrows():
        cells = []
        for col, _, kind in columns:
            v = r.get(col)
            cells.append(
                f"<td>{html.escape(str(v)) if kind == 'text' else fmt_value(None if missing(v) else float(v), kind)}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        rows.append(f'<tr><td colspan="{len(columns)}">none</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _trend_chart(data: ReportData, metric: str, kind: str) -> str:
    t = data.trend
    labels = [d.strftime("%d %b") for d in t["week_start"]] if not t.empty else []
    vals = [None if missing(v) else float(v) for v in t.get(metric, [])]
    target = data.targets.get(metric)
    return svg.line_chart(
        labels,
        {KPI_BY_METRIC[metric].label: vals},
        kind=kind,
        target=None if missing(target) else target,
        title=f"{KPI_BY_METRIC[metric].label}, last {len(labels)} weeks",
    )


def render_html(data: ReportData, generated_at: datetime | None = None) -> str:
    generated_at = generated_at or datetime.now(UTC)
    iso = data.week_start.isocalendar()
    w = data.workforce
    leave_n, leave_h = w.get("pending_leave", (0, 0.0))
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Weekly management report {iso.year}-W{iso.week:02d}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Contact center weekly report · week {iso.week}, {iso.year}</h1>",
        f"<div class='sub'>{data.week_start:%a %d %b %Y} – {data.week_end:%a %d %b %Y} (site-local dates) · "
        f"generated {generated_at:%Y-%m-%d %H:%M} UTC · KPIs from the semantic layer; WoW = change "
        "against the previous week; green/red = on/off target (or against the 4-week trend).</div>",
        "<div class='section issues'><h2>Top three issues</h2>",
    ]
    if data.issues:
        parts.append(
            "<ol>"
            + "".join(
                f"<li data-issue-metric='{i.metric}'>{html.escape(i.text)}</li>"
                for i in data.issues
            )
            + "</ol>"
        )
    else:
        parts.append("<p>No KPI missed its target or trend this week.</p>")
    parts.append(
        "<div class='note'>Rule: shortfall against target (or 4-week trend where no target), "
        "relative to the target, weighted by the scope's share of volume (center = 1, a queue "
        "by its offered share, a team by its handled share); one issue per metric; the three "
        "most severe.</div></div>"
    )
    for section, title in (
        ("service", "Service"),
        ("customer", "Customer voice"),
        ("quality", "Quality"),
        ("staffing", "Staffing"),
    ):
        metrics = [k.metric for k in HEADLINE if k.section == section]
        parts.append(
            f"<div class='section'><h2>{title}</h2><div class='tiles'>"
            + "".join(_tile(data, m) for m in metrics)
            + "</div>"
        )
        if section == "service":
            parts.append(
                "<div class='charts'>"
                + _trend_chart(data, "service_level", "pct")
                + _trend_chart(data, "average_handle_time", "seconds")
                + "</div>"
            )
            parts.append(
                _table(
                    data.by_queue,
                    [
                        ("queue_name", "Queue", "text"),
                        ("offered_contacts", "Offered", "count"),
                        ("service_level", "Service level", "pct"),
                        ("service_level_target", "Target", "pct"),
                        ("abandonment_rate", "Abandoned", "pct"),
                        ("average_handle_time", "AHT", "seconds"),
                    ],
                )
            )
        elif section == "customer":
            c = data.complaints_by_category.head(8)
            parts.append(
                "<div class='charts'>"
                + _trend_chart(data, "csat_score", "score")
                + svg.bar_chart(
                    list(c["category"]),
                    [float(v) for v in c["complaints"]],
                    title="Complaints this week by category",
                )
                + "</div>"
            )
        elif section == "quality":
            parts.append(
                "<div class='charts'>"
                + _trend_chart(data, "qa_score", "points")
                + _trend_chart(data, "complaint_rate", "per1000")
                + "</div>"
            )
            parts.append(
                f"<p>Coaching: {w.get('coaching_sessions', 0)} sessions held this week; "
                f"{w.get('follow_ups_overdue', 0)} follow-ups overdue; "
                f"{w.get('flagged_for_correction', 0)} agents flagged for the formal correction "
                "process (2+ unmet commitments in 90 days).</p>"
            )
            e = data.coaching_effects
            if not e.empty:
                e = e.assign(
                    interval=[
                        "–" if missing(lo) else f"{lo:+.3g} to {hi:+.3g}"
                        for lo, hi in zip(e["ci_low"], e["ci_high"], strict=True)
                    ]
                )
                parts.append(
                    _table(
                        e,
                        [
                            ("focus_metric", "Coaching focus", "text"),
                            ("sessions", "Sessions", "count"),
                            ("mean_improvement", "Mean improvement", "score"),
                            ("interval", "95% interval", "text"),
                            ("conclusion", "Conclusion", "text"),
                        ],
                    )
                )
                parts.append(
                    "<div class='note'>Improvement per session against agents not "
                    "coached on the metric (difference-in-differences), in the metric's "
                    "unit, positive = better; t-interval across sessions. Sessions are "
                    "not randomized.</div>"
                )
        elif section == "staffing":
            parts.append(
                "<div class='charts'>"
                + _trend_chart(data, "adherence", "pct")
                + svg.bar_chart(
                    list(data.by_team["team_name"]),
                    [None if missing(v) else float(v) for v in data.by_team["adherence"]],
                    kind="pct",
                    title="Adherence by team this week",
                )
                + "</div>"
            )
            parts.append(
                f"<p>Pending leave requests: {leave_n} ({leave_h:,.1f} scheduled on-queue hours at "
                f"stake) · timesheets awaiting approval: {w.get('pending_timesheets', 0)} · overtime "
                f"this week: {w.get('overtime_hours', 0):,.1f} h · agents over 40 paid hours: "
                f"{w.get('agents_over_40', 0)} · open complaints: {w.get('open_complaints', 0)}.</p>"
            )
            parts.append(
                _table(
                    data.by_team,
                    [
                        ("team_name", "Team", "text"),
                        ("agent_handled_contacts", "Handled", "count"),
                        ("agent_average_handle_time", "AHT", "seconds"),
                        ("adherence", "Adherence", "pct"),
                        ("qa_score", "QA", "points"),
                        ("csat_score", "CSAT", "score"),
                    ],
                )
            )
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


class PdfError(RuntimeError):
    pass


def html_to_pdf(
    html_path: Path, pdf_path: Path, chromium: str = DEFAULT_CHROMIUM, timeout: float = 120.0
) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium."""
    exe = shutil.which(chromium) or (chromium if Path(chromium).exists() else None)
    if exe is None:
        raise PdfError(f"Chromium not found at {chromium}")
    with tempfile.TemporaryDirectory(prefix="sb-report-chromium-") as profile:
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            Path(html_path).resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not Path(pdf_path).is_file():
        raise PdfError(f"chromium --print-to-pdf failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return Path(pdf_path)


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF written by Chromium (page objects are not compressed in object streams)."""
    return len(_PAGE.findall(pdf))


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    pdf: Path | None
    data: ReportData


def week_folder_name(data: ReportData) -> str:
    iso = data.week_start.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def write_report(
    data: ReportData, reports_dir: Path, *, pdf: bool = True, chromium: str = DEFAULT_CHROMIUM
) -> ReportFiles:
    folder = Path(reports_dir) / week_folder_name(data)
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / "weekly_report.html"
    html_path.write_text(render_html(data), encoding="utf-8")
    pdf_path = html_to_pdf(html_path, folder / "weekly_report.pdf", chromium) if pdf else None
    return ReportFiles(folder, html_path, pdf_path, data)
