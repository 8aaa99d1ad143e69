""" "The top three issues found in the data": a documented, reproducible rule.

Candidates (all from the report's semantic-layer numbers for the week):
  * center KPIs with a target: shortfall = (target - value) / |target| when higher is better,
    (value - target) / |target| when lower is better; weight 1;
  * center KPIs without a target but with a direction (AHT): the same against the trailing
    four-week value (a deterioration against trend); weight 1;
  * per queue: service level against the queue's own target and abandonment rate against its
    target; weight = the queue's share of offered contacts;
  * per team: adherence, QA score and CSAT against their targets; weight = the team's share of
    handled contacts.
severity = shortfall x weight. Only shortfalls > 0 count; at most one issue per metric (the most
severe scope wins, so one bad queue does not fill the list twice); the three most severe are
reported. No issue when nothing misses its target or trend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orchestration.lib.report.format import fmt_value


@dataclass(frozen=True)
class Issue:
    metric: str
    scope: str  # "center" | "queue <name>" | "team <name>"
    value: float
    reference: float
    reference_kind: str  # "target" | "4-week trend"
    shortfall: float  # relative, > 0 = worse than the reference
    weight: float
    severity: float
    text: str


def _shortfall(value, reference, higher_is_better: bool) -> float | None:
    if value is None or reference is None or reference == 0:
        return None
    if any(isinstance(v, float) and math.isnan(v) for v in (value, reference)):
        return None
    gap = (reference - value) if higher_is_better else (value - reference)
    return gap / abs(reference)


def _issue(metric, label, kind, scope, value, reference, ref_kind, higher, weight, extra=""):
    s = _shortfall(value, reference, higher)
    if s is None or s <= 0:
        return None
    text = (
        f"{label}{'' if scope == 'center' else ' on ' + scope} was {fmt_value(value, kind)} "
        f"against a {ref_kind} of {fmt_value(reference, kind)}{extra}."
    )
    return Issue(
        metric, scope, float(value), float(reference), ref_kind, s, weight, s * weight, text
    )


def top_issues(data, n: int = 3) -> list[Issue]:
    from orchestration.lib.report.data import HEADLINE

    found: list[Issue] = []
    for k in HEADLINE:
        if k.higher_is_better is None:
            continue
        value = data.current.get(k.metric)
        target = data.targets.get(k.metric)
        if target is not None:
            i = _issue(
                k.metric,
                k.label,
                k.kind,
                "center",
                value,
                target,
                "target",
                k.higher_is_better,
                1.0,
            )
        else:
            i = _issue(
                k.metric,
                k.label,
                k.kind,
                "center",
                value,
                data.trailing.get(k.metric),
                "4-week trend",
                k.higher_is_better,
                1.0,
            )
        if i:
            found.append(i)

    q = data.by_queue
    total_offered = float(q["offered_contacts"].sum()) if not q.empty else 0.0
    for _, r in q.iterrows():
        if not total_offered or not r["offered_contacts"]:
            continue
        w = float(r["offered_contacts"]) / total_offered
        extra = f" ({w:.0%} of offered contacts)"
        name = f"queue {r['queue_name'] or r['queue_id']}"
        for i in (
            _issue(
                "service_level",
                "Service level",
                "pct",
                name,
                r["service_level"],
                r["service_level_target"],
                "target",
                True,
                w,
                extra,
            ),
            _issue(
                "abandonment_rate",
                "Abandonment rate",
                "pct",
                name,
                r["abandonment_rate"],
                data.targets.get("abandonment_rate"),
                "target",
                False,
                w,
                extra,
            ),
        ):
            if i:
                found.append(i)

    t = data.by_team
    total_handled = float(t["agent_handled_contacts"].sum()) if not t.empty else 0.0
    for _, r in t.iterrows():
        if not total_handled or not r["agent_handled_contacts"]:
            continue
        w = float(r["agent_handled_contacts"]) / total_handled
        extra = f" ({w:.0%} of handled contacts)"
        name = f"team {r['team_name'] or r['team_id']}"
        for metric, label, kind in (
            ("adherence", "Adherence", "pct"),
            ("qa_score", "QA score", "points"),
            ("csat_score", "CSAT", "score"),
        ):
            i = _issue(
                metric,
                label,
                kind,
                name,
                r.get(metric),
                data.targets.get(metric),
                "target",
                True,
                w,
                extra,
            )
            if i:
                found.append(i)

    best: dict[str, Issue] = {}
    for i in found:
        if i.metric not in best or i.severity > best[i.metric].severity:
            best[i.metric] = i
    return sorted(best.values(), key=lambda i: i.severity, reverse=True)[:n]
