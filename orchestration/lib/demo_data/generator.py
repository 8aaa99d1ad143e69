"""The demo contact center: HR plan, daily schedules, queue simulation, CRM/survey/QA side effects.

Day by day (site-local dates), for each site:
1. who works (hires, leavers, days off, approved leave), shift starts chosen greedily so the
   on-queue heads (net of breaks and lunch) follow a square-root-staffed demand curve
   (N = A + SAFETY * sqrt(A): thin early/evening intervals get a relatively larger buffer),
   breaks/lunch/meetings/coaching/training in local time;
2. adherence noise (late log-ins, long breaks, early log-outs, no-shows with a sick request);
3. arrivals: Poisson per minute with intraday and per-queue shape; the daily volume is the load
   the scheduled heads (less planned shrinkage) carry under the same square-root rule (so
   weekends are lower because fewer agents are scheduled, and a 500-seat center runs at higher
   occupancy than a 60-seat one), times forecast error: day-to-day noise, occasional spike
   days, Mondays 5% busier than planned. Caller patience is log-normal with a median of
   120 s + 1.5 x the queue's service-level threshold;
4. the event simulation (``simulate.py``) with skills routing, abandonment, flow-outs,
   callbacks, transfers and retries;
5. side effects of each contact: resolution, repeat contacts on later days, surveys, CRM
   cases/complaints, orders on sales queues, QA evaluations, timesheets.
"""

from __future__ import annotations

import math
import random as _random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from . import config as C
from .simulate import (
    ABANDONED,
    ANSWERED,
    DIRECTION_NAMES,
    INBOUND,
    OUTCOME_NAMES,
    ST_ACW,
    ST_AUX,
    ST_ON_CONTACT,
    Contact,
    QueueParams,
    Seg,
    SimAgent,
    simulate_day,
)
from .timefmt import TsFmt, day_frame
from .writers import LandingWriter, esc

SHIFT_MIN = 510  # 8.5 h including a 30 min unpaid lunch
SHIFT_STARTS = tuple(range(C.OPEN_MIN, C.CLOSE_MIN - SHIFT_MIN + 1, 30))  # 08:00 .. 11:30
SLOT = 15
N_SLOTS = (C.CLOSE_MIN - C.OPEN_MIN) // SLOT


def _on_queue_profile() -> np.ndarray:
    """Expected on-queue share of each 15-min slot of a shift (``_plan_day``'s break, lunch
    and break with their random offsets)."""
    p = np.ones(SHIFT_MIN // SLOT)
    for k in (7, 8, 9):  # first break at +120 min +- 15
        p[k] -= 1 / 3
    for k in range(14, 19):  # 30-min lunch at +240 min +- 30
        p[k] -= 1 / 5
        p[k + 1] -= 1 / 5
    for k in (25, 26, 27):  # second break at +390 min +- 15
        p[k] -= 1 / 3
    return p


ON_QUEUE_PROFILE = _on_queue_profile()
START_SLOT_WINDOWS = np.array([(s - C.OPEN_MIN) // SLOT for s in SHIFT_STARTS])[:, None] + np.arange(SHIFT_MIN // SLOT)
ANNUAL_ATTRITION = 0.30
STAFF_WEIGHT = 0.7
# Square-root staffing: N agents on queue carry A erlangs with N = A + SAFETY * sqrt(A), so thin
# intervals (early, evening) get a relatively larger buffer than the peaks, as a WFM plan would.
SAFETY = 0.65
# Planned shrinkage of scheduled on-queue heads (lateness, long breaks, early log-outs, absence).
SHRINKAGE = 0.08
# Chance that an agent is also skilled on each other queue of the site (pooling across queues).
SECOND_SKILL_P = 0.7
TECH_SKILL_P = 0.6  # technical support is a specialist skill: fewer cross-trained agents


def _carried_load(heads: np.ndarray) -> np.ndarray:
    """Erlangs A that N heads carry under square-root staffing: solve N = A + SAFETY * sqrt(A)."""
    return ((np.sqrt(SAFETY * SAFETY + 4.0 * heads) - SAFETY) / 2.0) ** 2


def _required_heads(load: np.ndarray) -> np.ndarray:
    return load + SAFETY * np.sqrt(load)


@dataclass
class Queue:
    idx: int
    queue_id: str
    tpl: C.QueueTemplate
    site: int
    params: QueueParams | None = None


@dataclass
class Team:
    idx: int
    team_id: str
    name: str
    site: int
    lob: str
    supervisor_id: str


@dataclass
class Agent:
    gidx: int
    agent_id: str
    name: str
    site: int
    team_hist: list  # [(from_ordinal, team_idx)]
    role: str
    hire: int
    skills: tuple
    primary: int
    speed: float
    quality: float
    off_days: tuple
    term: int | None = None
    term_type: str | None = None
    term_known: int | None = None
    leave_days: set = field(default_factory=set)
    training_left: int = 0
    next_coaching: int = 0

    def team_on(self, d: int) -> int:
        t = self.team_hist[0][1]
        for frm, team in self.team_hist:
            if frm <= d:
                t = team
        return t

    def active(self, d: int) -> bool:
        return self.hire <= d and (self.term is None or d <= self.term)


def _ri(r: _random.Random, a: int, b: int) -> int:
    """Uniform integer in [a, b]; much faster than Random.randint in the hot paths."""
    return a + int(r.random() * (b - a + 1))


def _shape(hours: np.ndarray, evening: float) -> np.ndarray:
    return (
        0.15
        + 1.0 * np.exp(-(((hours - 10.75) / 1.5) ** 2))
        + 0.85 * np.exp(-(((hours - 14.5) / 1.7) ** 2))
        + evening * np.exp(-(((hours - 18.0) / 1.2) ** 2))
    )


class DemoGenerator:
    def __init__(
        self,
        out_dir: Path,
        days: int = 90,
        agents: int = 60,
        seed: int = 42,
        end_date: date | None = None,
        queues: int | None = None,
        progress: bool = True,
    ) -> None:
        if days < 1 or agents < 2:
            raise ValueError("need days >= 1 and agents >= 2")
        self.out = LandingWriter(out_dir)
        self.days = days
        self.n_agents = agents
        self.seed = seed
        self.end = end_date or (date.today() - timedelta(days=1))
        self.end_ord = self.end.toordinal()
        self.start_ord = self.end_ord - days + 1
        self.progress = progress
        self.rnd = _random.Random(seed)
        self.npr = np.random.default_rng(seed)
        self.fmt = TsFmt()
        nq = queues or C.DEFAULT_QUEUES
        if not 2 <= nq <= C.MAX_QUEUES:
            raise ValueError(f"queues must be between 2 and {C.MAX_QUEUES}")
        self.cutoff = day_frame("UTC", self.end_ord + 1)[1] + 6 * 3600  # export time
        self._setup_sites_queues(nq)
        self._setup_teams()
        self._setup_agents()
        self._setup_customers()
        self.pending_repeats: dict[tuple[int, int], list] = {}
        self.qa_buffer: dict[int, list[str]] = {}
        self.leave_buffer: dict[int, list[str]] = {}
        self.n_leave = 0
        self.n_case = self.n_order = self.n_survey = self.n_eval = self.n_coach = 0
        self._plan_hr()

    # ------------------------------------------------------------------ setup
    def _setup_sites_queues(self, nq: int) -> None:
        tpls = C.QUEUE_TEMPLATES[:nq]
        used_sites = [s for s in C.SITES if any(t.site_id == s.site_id for t in tpls)]
        self.sites = used_sites
        site_idx = {s.site_id: i for i, s in enumerate(used_sites)}
        self.queues = [Queue(i, f"Q{i + 1:02d}", t, site_idx[t.site_id]) for i, t in enumerate(tpls)]
        self.site_queues = [[q.idx for q in self.queues if q.site == s] for s in range(len(used_sites))]
        for q in self.queues:
            others = tuple(o for o in self.site_queues[q.site] if o != q.idx)
            flow_to = -1
            if q.tpl.max_wait is not None and others:
                pos = self.site_queues[q.site].index(q.idx)
                flow_to = self.site_queues[q.site][(pos + 1) % len(self.site_queues[q.site])]
            q.params = QueueParams(
                talk_mu=math.log(q.tpl.talk_median * 0.85),
                acw_mu=math.log(q.tpl.acw_median),
                hold_prob=q.tpl.hold_prob,
                transfer_prob=q.tpl.transfer_prob if others else 0.0,
                transfer_targets=others,
                max_wait=q.tpl.max_wait if flow_to >= 0 else None,
                flow_to=flow_to,
                offers_callback=q.tpl.offers_callback,
                sl_threshold=q.tpl.sl_threshold,
            )
        self.qparams = [q.params for q in self.queues]
        # caller patience (log-normal, sigma 1): median 150 s on a 20 s queue, longer where callers
        # expect to wait (210 s on a 60 s technical queue)
        self.patience_median = np.array([120.0 + 1.5 * q.tpl.sl_threshold for q in self.queues])
        self.chat_queue = next((q.idx for q in self.queues if q.tpl.queue_name == C.CHAT_QUEUE), -1)
        total = sum(q.tpl.share for q in self.queues)
        self.site_share = [sum(self.queues[i].tpl.share for i in sq) / total for sq in self.site_queues]
        hours = (np.arange(C.OPEN_MIN, C.CLOSE_MIN) + 0.5) / 60.0
        self.queue_minute_shape = []
        for q in self.queues:
            sh = _shape(hours, q.tpl.evening)
            self.queue_minute_shape.append(sh / sh.sum())
        # staffing demand per 15-min slot per site (share-weighted)
        self.site_slot_demand = []
        for sq in self.site_queues:
            dem = sum(self.queues[i].tpl.share * self.queue_minute_shape[i] for i in sq)
            self.site_slot_demand.append(dem.reshape(N_SLOTS, SLOT).sum(axis=1))
        # expected handle time per site (seconds) for the volume calibration
        self.site_aht = []
        for sq in self.site_queues:
            w = 0.0
            sw = 0.0
            for i in sq:
                t = self.queues[i].tpl
                aht = t.talk_median * 0.85 * math.exp(0.18) * 1.03 + t.hold_prob * 1.35 * (math.exp(3.7 + 0.245) + 5) + t.acw_median * math.exp(0.18) * 1.03
                w += t.share * aht
                sw += t.share
            self.site_aht.append(w / sw)

    def _setup_teams(self) -> None:
        self.agents_per_site = []
        remaining = self.n_agents
        for s in range(len(self.sites)):
            n = remaining if s == len(self.sites) - 1 else max(1, round(self.n_agents * self.site_share[s]))
            remaining -= n
            self.agents_per_site.append(n)
        self.teams: list[Team] = []
        self.site_teams: list[list[int]] = []
        for s, site in enumerate(self.sites):
            n_teams = 2 if self.agents_per_site[s] < 40 else 3
            lobs = [self.queues[i].tpl.line_of_business for i in self.site_queues[s]]
            ids = []
            for k in range(n_teams):
                lob = lobs[k % len(lobs)]
                idx = len(self.teams)
                self.teams.append(
                    Team(idx, f"T-{site.site_id}-{k + 1}", f"{site.name} {lob.title()} {k + 1}", s, lob, f"SUP-{site.site_id}-{k + 1}")
                )
                ids.append(idx)
            self.site_teams.append(ids)

    def _new_agent(self, site: int, hire: int, primary: int | None = None, team: int | None = None) -> Agent:
        r = self.rnd
        sq = self.site_queues[site]
        if primary is None:
            primary = r.choices(sq, weights=[self.queues[i].tpl.share for i in sq])[0]
        skills = [primary] + [
            q for q in sq
            if q != primary and r.random() < (TECH_SKILL_P if self.queues[q].tpl.line_of_business == "technical" else SECOND_SKILL_P)
        ]
        if team is None:
            lob = self.queues[primary].tpl.line_of_business
            cands = [t for t in self.site_teams[site] if self.teams[t].lob == lob] or self.site_teams[site]
            team = r.choice(cands)
        gidx = len(self.agents)
        tenure_years = (self.start_ord - hire) / 365.0
        role = "senior_agent" if tenure_years > 3 and r.random() < 0.6 else "agent"
        if r.random() < 0.55:
            off = (5, 6)
        else:
            d = int(r.random() * 7)
            while d == 5:
                d = int(r.random() * 7)
            off = (d, (d + 1) % 7)
        a = Agent(
            gidx=gidx,
            agent_id=f"A{gidx + 1:04d}",
            name=f"{C.FIRST_NAMES[int(r.random() * len(C.FIRST_NAMES))]} {C.LAST_NAMES[int(r.random() * len(C.LAST_NAMES))]}",
            site=site,
            team_hist=[(hire, team)],
            role=role,
            hire=hire,
            skills=tuple(skills),
            primary=primary,
            speed=r.lognormvariate(0, 0.12),
            quality=min(0.97, max(0.15, r.gauss(0.62 + 0.08 * min(tenure_years, 3) / 3, 0.14))),
            off_days=off,
            next_coaching=max(hire, self.start_ord) + _ri(r, 3, 24),
        )
        if hire >= self.start_ord - 3:
            a.training_left = 5
        self.agents.append(a)
        return a

    def _setup_agents(self) -> None:
        self.agents: list[Agent] = []
        r = self.rnd
        for s, n in enumerate(self.agents_per_site):
            for _ in range(n):
                if r.random() < 0.12:
                    hire = self.start_ord - _ri(r, 10, 120)
                else:
                    hire = self.start_ord - min(4000, 120 + int(r.expovariate(1 / 800)))
                self._new_agent(s, hire)

    def _setup_customers(self) -> None:
        # expected contacts per day per site, to size the initial customer base
        self.cust_phone: list[str] = []
        self.cust_site: list[int] = []
        self.cust_last: list[int] = []
        self.cust_created: list[int] = []
        self.site_pool: list[list[int]] = [[] for _ in self.sites]
        for s, n in enumerate(self.agents_per_site):
            for _ in range(max(500, n * 55 * 25)):
                self._new_customer(s, self.start_ord)

    def _new_customer(self, site: int, before_ord: int) -> int:
        i = len(self.cust_phone)
        self.cust_phone.append(f"{self.sites[site].phone_prefix}{i:07d}")
        self.cust_site.append(site)
        self.cust_last.append(-10_000)
        self.cust_created.append(before_ord)
        self.site_pool[site].append(i)
        return i

    # ------------------------------------------------------------- HR planning
    def _plan_hr(self) -> None:
        r = self.rnd
        end = self.end_ord
        # leavers (and their replacements)
        i = 0
        n_leavers = 0
        while i < len(self.agents):
            a = self.agents[i]
            i += 1
            start = max(a.hire + 1, self.start_ord)
            t = start + int(r.expovariate(ANNUAL_ATTRITION / 365.0))
            if t <= end - 1:
                self._make_leaver(a, t)
                n_leavers += 1
        if n_leavers == 0 and self.days >= 14:
            a = self.agents[int(r.random() * len(self.agents))]
            self._make_leaver(a, self.start_ord + self.days // 2)
        if self.days >= 14 and not any(self.start_ord <= a.hire <= end for a in self.agents):
            # a growth hire, so every window long enough shows one
            s = max(range(len(self.sites)), key=lambda k: self.agents_per_site[k])
            self._new_agent(s, self.start_ord + self.days // 3)
        # team moves
        movable = [a for a in self.agents if len(self.site_teams[a.site]) > 1]
        if self.days >= 7 and movable:
            n_moves = max(1, round(self.n_agents * self.days / 365 * 0.25))
            for _ in range(n_moves):
                a = movable[int(r.random() * len(movable))]
                d = self.start_ord + _ri(r, 2, self.days - 1)
                if not a.active(d):
                    continue
                cur = a.team_on(d)
                new = r.choice([t for t in self.site_teams[a.site] if t != cur])
                a.team_hist.append((d, new))
                a.team_hist.sort()
        # planned vacations (requests may pre-date the window; the file date is the request date)
        for a in self.agents:
            self._plan_vacations(a)

    def _make_leaver(self, a: Agent, t: int) -> None:
        r = self.rnd
        a.term = t
        a.term_type = "voluntary" if r.random() < 0.7 else "involuntary"
        a.term_known = t - 14 if a.term_type == "voluntary" else t
        hire = t + _ri(r, 7, 28)
        if hire <= self.end_ord:
            self._new_agent(a.site, hire, primary=a.primary, team=a.team_on(t))

    def _plan_vacations(self, a: Agent) -> None:
        r = self.rnd
        first = max(a.hire + 30, self.start_ord - 7)
        last = min(a.term if a.term is not None else 10**9, self.end_ord + 28)
        d = first - (date.fromordinal(first).weekday())
        while d <= last:
            if r.random() < 0.05:
                s = d + _ri(r, 0, 4)
                length = _ri(r, 1, 5) if r.random() < 0.8 else _ri(r, 6, 10)
                typ = "vacation" if r.random() < 0.9 else ("parental" if r.random() < 0.2 else "unpaid")
                self._leave_request(a, typ, s, s + length - 1, s - _ri(r, 7, 45), planned=True)
            d += 7

    def _leave_request(self, a: Agent, typ: str, s: int, e: int, req: int, planned: bool) -> None:
        r = self.rnd
        if req > self.end_ord:
            return
        tz = self.sites[a.site].timezone
        off, base, _, _ = day_frame(tz, req)
        req_t = base + (7 * 3600 + _ri(r, 0, 5400) if not planned else 9 * 3600 + _ri(r, 0, 8 * 3600))
        dec_ord = req + (_ri(r, 0, 3) if planned else 1)
        doff, dbase, _, _ = day_frame(tz, dec_ord)
        dec_t = dbase + 9 * 3600 + _ri(r, 0, 7 * 3600)
        if dec_t <= req_t:
            dec_t = req_t + 3600
        if dec_t > self.cutoff:
            status = "pending"
        else:
            x = r.random()
            if planned:
                status = "approved" if x < 0.85 else ("rejected" if x < 0.93 else "cancelled")
            else:
                status = "approved" if x < 0.92 else "rejected"
        if planned and status == "approved":
            for d in range(s, e + 1):
                a.leave_days.add(d)
        self.n_leave += 1
        fmt = self.fmt
        sup = self.teams[a.team_on(req)].supervisor_id
        decided = status != "pending"
        line = (
            f"LR{self.n_leave:07d},{a.agent_id},{typ},{date.fromordinal(s).isoformat()},{date.fromordinal(e).isoformat()},"
            f"{status},{fmt.local(req_t, off)},{fmt.local(dec_t, doff) if decided else ''},{sup if decided else ''}"
        )
        self.leave_buffer.setdefault(req, []).append(line)

    # ------------------------------------------------------------- schedules
    def _assign_starts(self, site: int, agents: list[Agent]) -> list[int]:
        """Greedy WFM-style shift starts so scheduled heads follow the demand curve."""
        if not agents:
            return []
        dem = self.site_slot_demand[site]
        prof = ON_QUEUE_PROFILE
        # heads per slot: square-root staffing of the forecast load, scaled (bisection on the
        # load level) so that the curve uses exactly the on-queue agent-slots of today's shifts
        total = len(agents) * prof.sum()
        dem = dem / dem.sum()
        lo, hi = 0.0, float(total)
        for _ in range(30):
            mid = (lo + hi) / 2
            if _required_heads(mid * dem).sum() > total:
                hi = mid
            else:
                lo = mid
        orig = np.maximum(_required_heads(lo * dem), 1e-3)
        rem = orig.copy()
        idx = START_SLOT_WINDOWS
        out = []
        noise = self.npr.random((len(agents), len(SHIFT_STARTS))) * 0.01
        for k in range(len(agents)):
            # relative shortfall (thin edges of the day count as much as the peaks), weighted by
            # the expected on-queue profile of a shift (breaks and lunch leave gaps)
            score = (rem / orig)[idx] @ prof + noise[k]
            j = int(np.argmax(score))
            st = int(idx[j, 0])
            rem[st : st + len(prof)] -= prof
            out.append(SHIFT_STARTS[j])
        return out

    def _plan_day(self, start: int, coaching: bool, weekday: int) -> tuple[list, int, int]:
        """Activities [(activity, start_min, end_min)] of a regular shift in local minutes."""
        r = self.rnd
        length = SHIFT_MIN
        if r.random() < 0.04:  # overtime shift
            if start >= 9 * 60:
                start -= 60
            length += 60
        end = start + length
        b1 = start + 120 + 15 * _ri(r, -1, 1)
        lu = start + 240 + 15 * _ri(r, -2, 2)
        b2 = start + 390 + 15 * _ri(r, -1, 1)
        aux = [("break", b1, b1 + 15), ("lunch", lu, lu + 30), ("break", b2, b2 + 15)]
        extra = None
        if coaching:
            extra = ("coaching", 30)
        elif r.random() < 0.05:
            extra = ("meeting", 30)
        elif r.random() < 0.03:
            extra = ("training", 60)
        # on-queue blocks between aux activities
        acts = []
        cur = start
        for a_, s, e in aux:
            acts.append(["on_queue", cur, s])
            acts.append([a_, s, e])
            cur = e
        acts.append(["on_queue", cur, end])
        if extra is not None:
            kind, dur = extra
            need = dur + 90 if dur == 60 else dur + 75
            cands = [k for k, x in enumerate(acts) if x[0] == "on_queue" and x[2] - x[1] >= need]
            if cands:
                k = max(cands, key=lambda j: acts[j][2] - acts[j][1])
                bs, be = acts[k][1], acts[k][2]
                xs = bs + ((be - bs - dur) // 2) // 15 * 15
                acts[k : k + 1] = [["on_queue", bs, xs], [kind, xs, xs + dur], ["on_queue", xs + dur, be]]
        return acts, start, end

    def _training_day(self, start: int) -> list:
        return [
            ["training", start, start + 120],
            ["break", start + 120, start + 135],
            ["training", start + 135, start + 240],
            ["lunch", start + 240, start + 270],
            ["training", start + 270, start + 390],
            ["break", start + 390, start + 405],
            ["training", start + 405, start + SHIFT_MIN],
        ]

    # ------------------------------------------------------------------ run
    def run(self) -> dict:
        t0 = time.perf_counter()
        self.n_segments = 0
        rng = range(self.start_ord, self.end_ord + 1)
        it = rng
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(rng, desc="demo data", unit="day", leave=False)
            it = bar
        for d in it:
            self._day(d)
            if bar is not None:
                bar.set_postfix(segments=self.n_segments, refresh=False)
        self._write_dimensions()
        elapsed = time.perf_counter() - t0
        counts = dict(sorted(self.out.counts.items()))
        return {
            "out_dir": str(self.out.out_dir),
            "start_date": date.fromordinal(self.start_ord).isoformat(),
            "end_date": self.end.isoformat(),
            "days": self.days,
            "agents": self.n_agents,
            "queues": len(self.queues),
            "seed": self.seed,
            "files": self.out.files,
            "rows": counts,
            "segments": counts.get("acd/calls", 0),
            "seconds": round(elapsed, 2),
            "segments_per_second": round(counts.get("acd/calls", 0) / elapsed, 1) if elapsed > 0 else None,
        }

    def _day(self, d: int) -> None:
        iso = date.fromordinal(d).isoformat()
        self.day_lines = {k: [] for k in ("calls", "states", "schedules", "timesheets", "surveys", "cases", "orders", "coaching")}
        for s in range(len(self.sites)):
            self._site_day(s, d)
        L = self.day_lines
        w = self.out
        w.daily("acd", "calls", iso, L["calls"])
        w.daily("acd", "agent_states", iso, L["states"])
        w.daily("hr", "schedules", iso, L["schedules"])
        w.daily("hr", "timesheets", iso, L["timesheets"])
        w.daily("survey", "survey_responses", iso, L["surveys"])
        w.daily("crm", "cases", iso, L["cases"])
        w.daily("crm", "orders", iso, L["orders"])
        w.daily("hr", "coaching_sessions", iso, L["coaching"])
        w.daily("hr", "qa_evaluations", iso, self.qa_buffer.pop(d, []))
        leave = []
        for k in sorted(k for k in self.leave_buffer if k <= d):
            lines = self.leave_buffer.pop(k)
            if k < d:  # requests made before the window: one file per request date
                w.daily("hr", "leave_requests", date.fromordinal(k).isoformat(), lines)
            else:
                leave = lines
        w.daily("hr", "leave_requests", iso, leave)
        w.daily("hr", "agents", iso, self._roster_lines(d, iso))

    def _roster_lines(self, d: int, iso: str) -> list[str]:
        out = []
        for a in self.agents:
            if a.hire > d or (a.term is not None and d > a.term + 30):
                continue
            team = self.teams[a.team_on(d)]
            known = a.term is not None and d >= a.term_known
            out.append(
                f"{a.agent_id},{esc(a.name)},{team.team_id},{team.supervisor_id},{self.sites[a.site].site_id},{a.role},"
                f"{date.fromordinal(a.hire).isoformat()},{date.fromordinal(a.term).isoformat() if known else ''},"
                f"{a.term_type if known else ''},{iso}"
            )
        return out

    def _site_day(self, s: int, d: int) -> None:
        r = self.rnd
        fmt = self.fmt
        site = self.sites[s]
        tz = site.timezone
        off, base, mid, mid2 = day_frame(tz, d)
        weekday = date.fromordinal(d).weekday()
        L = self.day_lines
        sched = L["schedules"]
        loc = fmt.local
        utc = fmt.utc

        working, trainees = [], []
        for a in self.agents:
            if a.site != s or not a.active(d):
                continue
            if d in a.leave_days:
                sched.append(f"{a.agent_id},off,{loc(mid, off)},{loc(mid2, off)}")
                continue
            if weekday in a.off_days:
                continue
            if a.training_left > 0:
                a.training_left -= 1
                trainees.append(a)
            else:
                working.append(a)

        # trainees: classroom day, no calls
        for a in trainees:
            acts = self._training_day(9 * 60)
            login = base + acts[0][1] * 60 + _ri(r, 0, 180)
            logout = base + acts[-1][2] * 60 + _ri(r, 0, 300)
            log = []
            for act, sm, em in acts:
                sched.append(f"{a.agent_id},{act},{loc(base + sm * 60, off)},{loc(base + em * 60, off)}")
                log.append((ST_AUX, max(login, base + sm * 60), base + em * 60 if em != acts[-1][2] else logout, act))
            self._emit_states(a, log, login, logout, mid, mid2)
            self._timesheet(a, d, login, logout, off)

        # regular shifts
        starts = self._assign_starts(s, working)
        abs_p = 0.045 if weekday == 0 else 0.03
        sim_agents: list[SimAgent] = []
        sim_hr: list[Agent] = []
        staff = np.zeros(C.CLOSE_MIN - C.OPEN_MIN + 1)
        coaching_rows = []
        for a, st in zip(working, starts, strict=True):
            coaching = d >= a.next_coaching
            if coaching:
                a.next_coaching = d + _ri(r, 14, 28)
            acts, sh_start, sh_end = self._plan_day(st, coaching, weekday)
            for act, sm, em in acts:
                sched.append(f"{a.agent_id},{act},{loc(base + sm * 60, off)},{loc(base + em * 60, off)}")
                if act == "on_queue":
                    lo = min(max(sm, C.OPEN_MIN), C.CLOSE_MIN) - C.OPEN_MIN
                    hi = min(max(em, C.OPEN_MIN), C.CLOSE_MIN) - C.OPEN_MIN
                    staff[lo] += 1
                    staff[hi] -= 1
            if r.random() < abs_p:
                typ = "sick" if r.random() < 0.8 else "personal"
                self._leave_request(a, typ, d, d, d, planned=False)
                continue
            blocks = []
            aux_after = []
            overrun = []
            for act, sm, em in acts:
                if act == "on_queue":
                    blocks.append([base + sm * 60, base + em * 60])
                else:
                    aux_after.append((act, base + sm * 60, base + em * 60))
                    if act == "coaching":
                        coaching_rows.append((a, base + sm * 60))
                    x = r.random()
                    if act in ("break", "lunch"):
                        ov = _ri(r, -60, 120) if x < 0.8 else (_ri(r, 120, 420) if x < 0.95 else _ri(r, 420, 900))
                    else:
                        ov = _ri(r, 0, 120)
                    overrun.append(ov)
            x = r.random()
            late = _ri(r, 0, 60) if x < 0.75 else (_ri(r, 60, 480) if x < 0.95 else _ri(r, 480, 1500))
            b0 = blocks[0]
            b0[0] = min(b0[0] + late, b0[1] - 600)
            if r.random() < 0.05:
                bl = blocks[-1]
                bl[1] = max(bl[0] + 600, bl[1] - _ri(r, 300, 1200))
            aux_after.append(None)
            tenure = d - a.hire
            tm = 1.3 if tenure < 60 else (1.12 if tenure < 180 else (0.93 if tenure > 1095 else 1.0))
            sim_agents.append(
                SimAgent(
                    gidx=a.gidx,
                    skills=a.skills,
                    talk_factor=a.speed * tm,
                    acw_factor=a.speed * tm,
                    transfer_factor=1.5 if tenure < 90 else 1.0,
                    blocks=[tuple(b) for b in blocks],
                    aux_after=aux_after,
                    overrun=overrun,
                )
            )
            sim_hr.append(a)

        # arrivals
        # forecast error: day-to-day noise, occasional spike days, Mondays busier than planned
        noise = r.lognormvariate(0, 0.07) * (1.25 if r.random() < 0.04 else 1.0) * (1.05 if weekday == 0 else 1.0)
        # planned load per minute: what the scheduled heads (less planned shrinkage) carry at
        # target service level; transfers add ~6% internal segments on top of the arrivals
        staff = np.cumsum(staff)[:-1]
        load = _carried_load(staff * (1.0 - SHRINKAGE))
        volume = float(load.sum()) * 60.0 / self.site_aht[s] / 1.06 * noise
        contacts: list[Contact] = []
        site_code = site.site_id[0]
        day_code = date.fromordinal(d).strftime("%Y%m%d")

        def new_contact(old: Contact) -> Contact:
            c = Contact(len(contacts) + 1, old.customer, old.phone, old.ident, INBOUND)
            contacts.append(c)
            return c

        staff_shape = load / load.sum() if load.sum() > 0 else None
        arrivals = self._arrivals(s, d, base, volume, contacts, staff_shape)
        close_t = base + C.CLOSE_MIN * 60
        segs = simulate_day(r, self.qparams, sim_agents, arrivals, new_contact, close_t) if arrivals or sim_agents else []
        self.n_segments += len(segs)

        # agent states, timesheets
        for sa, a in zip(sim_agents, sim_hr, strict=True):
            if not sa.blocks:
                continue
            self._emit_states(a, sa.log, sa.login, sa.logout, mid, mid2)
            self._timesheet(a, d, sa.login, sa.logout, off)

        for a, t in coaching_rows:
            self._coaching(a, d, t, off)

        # contacts: ids, resolution, wrap-up, repeats, surveys, cases, orders
        qs = self.queues
        agents = self.agents
        calls = L["calls"]
        by_agent: dict[int, list[Seg]] = {}
        chat_q = self.chat_queue
        chat_cut = int(C.CHAT_SHARE * 1000)
        for c in contacts:
            c.cid = f"{day_code}{site_code}{c.num:06d}"
            sg = c.segs
            if sg[0].q == chat_q and len(sg) == 1 and sg[0].direction == INBOUND and (c.num * 7919) % 1000 < chat_cut:
                c.channel = "chat"
        for c in contacts:
            self._contact_effects(c, s, d, sim_agents, by_agent)
        segs.sort(key=lambda x: (x.entered, x.contact.num, x.seq))
        for x in segs:
            c = x.contact
            cid = c.cid
            ans = x.outcome == ANSWERED
            aid = agents[sim_agents[x.agent].gidx].agent_id if ans else ""
            calls.append(
                f"{cid}-{x.seq},{cid},{x.seq},{c.channel},{DIRECTION_NAMES[x.direction]},{qs[x.q].queue_id},"
                f"{f'CU{c.customer:08d}' if c.ident else ''},{c.phone},{utc(x.entered)},"
                f"{utc(x.answered) if ans else ''},{utc(x.ended)},{aid},{OUTCOME_NAMES[x.outcome]},"
                f"{x.talk},{x.hold},{x.hold_count},{x.acw},{qs[x.transfer_to].queue_id if x.transfer_to >= 0 else ''},"
                f"{x.wrapup or ''},{utc(x.ended + 5 + (x.seq * 37 + c.num) % 240)}"
            )
        # QA sample
        for i, lst in by_agent.items():
            if r.random() < 0.16:
                self._qa(sim_hr[i], lst[int(r.random() * len(lst))], sim_agents[i], d)

    def _arrivals(self, s: int, d: int, base: int, volume: float, contacts: list[Contact], staff_shape) -> list[Seg]:
        npr = self.npr
        r = self.rnd
        sq = self.site_queues[s]
        tot_share = sum(self.queues[i].tpl.share for i in sq)
        times_l, q_l = [], []
        for qi in sq:
            shape = self.queue_minute_shape[qi]
            if staff_shape is not None:
                # the schedule was built on a forecast of this curve: arrivals follow the
                # staffing plan with forecast error (the queue's own intraday shape)
                shape = STAFF_WEIGHT * staff_shape + (1 - STAFF_WEIGHT) * shape
            lam = volume * self.queues[qi].tpl.share / tot_share * shape
            counts = npr.poisson(lam)
            n = int(counts.sum())
            if n == 0:
                continue
            minutes = np.repeat(np.arange(C.OPEN_MIN, C.CLOSE_MIN), counts)
            t = base + minutes * 60 + npr.integers(0, 60, n)
            times_l.append(t)
            q_l.append(np.full(n, qi))
        if not times_l:
            return []
        times = np.concatenate(times_l)
        qarr = np.concatenate(q_l)
        order = np.lexsort((qarr, times))
        times = times[order].tolist()
        qarr = qarr[order]
        pat_median = self.patience_median[qarr]
        qarr = qarr.tolist()
        n = len(times)
        short = npr.random(n) < 0.06
        pat = np.where(short, npr.integers(1, 6, n), (npr.lognormal(0.0, 1.0, n) * pat_median + 5).astype(np.int64)).tolist()
        # callers: repeat contacts planned on earlier days first, then new/occasional callers
        callers: list = [None] * n
        pend = self.pending_repeats.pop((s, d), [])
        if pend:
            by_q: dict[int, list[int]] = {}
            for k in range(n):
                by_q.setdefault(qarr[k], []).append(k)
            for lst in by_q.values():
                r.shuffle(lst)
            anyq = [k for qi in sorted(by_q) for k in by_q[qi]]
            r.shuffle(anyq)
            for p in pend:
                lst = by_q.get(p[1])
                k = None
                while lst:
                    k = lst.pop()
                    if callers[k] is None:
                        break
                    k = None
                if k is None:
                    while anyq:
                        k = anyq.pop()
                        if callers[k] is None:
                            break
                        k = None
                if k is None:
                    break
                callers[k] = p
        pool = self.site_pool[s]
        last = self.cust_last
        segs = []
        for k in range(n):
            p = callers[k]
            if p is not None:
                cust, _, prev_ab, prev_unres = p
                phone = self.cust_phone[cust]
                ident = r.random() >= 0.1
            else:
                prev_ab = prev_unres = False
                x = r.random()
                if x < 0.02:
                    cust, phone, ident = -1, "", False
                else:
                    if x < 0.15:
                        cust = self._new_customer(s, d - 1 - _ri(r, 0, 900))
                    else:
                        for _ in range(6):
                            cust = pool[int(r.random() * len(pool))]
                            if d - last[cust] > 30:
                                break
                    phone = self.cust_phone[cust]
                    ident = r.random() >= 0.1
            if cust >= 0:
                last[cust] = d
            c = Contact(len(contacts) + 1, cust, phone, ident, INBOUND, prev_ab, prev_unres)
            contacts.append(c)
            sg = Seg(c, 1, qarr[k], INBOUND, times[k], pat[k])
            c.segs.append(sg)
            segs.append(sg)
        return segs

    # ---------------------------------------------------------- side effects
    def _contact_effects(self, c: Contact, s: int, d: int, sim_agents: list[SimAgent], by_agent: dict) -> None:
        r = self.rnd
        segs = c.segs
        last = segs[-1]
        qs = self.queues
        L = self.day_lines
        fmt = self.fmt
        utc = fmt.utc
        for x in segs:
            if x.outcome == ANSWERED and x.transfer_to >= 0:
                x.wrapup = C.WRAPUP_TRANSFER
        resolved = False
        answered = last.outcome == ANSWERED
        wait_total = sum((x.answered if x.outcome == ANSWERED else x.ended) - x.entered for x in segs)
        cust_str = f"CU{c.customer:08d}" if c.customer >= 0 else ""
        if answered:
            sa = sim_agents[last.agent]
            a = self.agents[sa.gidx]
            by_agent.setdefault(last.agent, []).append(last)
            tenure = d - a.hire
            qual = a.quality - (0.12 if tenure < 90 else 0.0)
            lob = qs[last.q].tpl.line_of_business
            p_res = 0.5 + 0.4 * qual - 0.08 * (len(segs) - 1) - (0.08 if c.prev_unresolved else 0.0)
            resolved = r.random() < p_res
            bank = C.WRAPUP_RESOLVED[lob] if resolved else C.WRAPUP_UNRESOLVED[lob]
            last.wrapup = bank[int(r.random() * len(bank))]
            end_talk = last.answered + last.talk + last.hold
            # order on sales queues
            if lob == "sales" and resolved and r.random() < 0.12 + 0.25 * qual:
                self.n_order += 1
                last.wrapup = "sale_made"
                amount = round(r.lognormvariate(math.log(80), 0.7), 2)
                L["orders"].append(
                    f"OR{self.n_order:09d},{cust_str},{c.cid},{a.agent_id},"
                    f"{utc(end_talk - _ri(r, 0, 60))},{amount:.2f},{self.sites[s].currency}"
                )
            # CRM case
            if r.random() < (0.32 if lob == "technical" else 0.18) or c.prev_abandoned and r.random() < 0.1:
                p_comp = 0.03 + (0.10 if wait_total > 240 else 0.0) + (0.08 if c.prev_abandoned else 0.0) + (0.05 if not resolved else 0.0)
                complaint = r.random() < p_comp
                escalated = r.random() < (0.35 if complaint else 0.04)
                opened = last.answered + last.talk // 2
                if resolved and not complaint and r.random() < 0.5:
                    closed = last.ended
                else:
                    closed = opened + int(r.lognormvariate(math.log(20 * 3600), 1.0))
                if closed <= self.cutoff:
                    status, closed_s = "closed", utc(closed)
                else:
                    status, closed_s = ("pending" if r.random() < 0.4 else "open"), ""
                cats = C.CASE_CATEGORIES[lob]
                self.n_case += 1
                L["cases"].append(
                    f"CS{self.n_case:09d},{cust_str},{c.cid},{'complaint' if complaint and r.random() < 0.3 else cats[int(r.random() * len(cats))]},"
                    f"{'true' if complaint else 'false'},{'true' if escalated else 'false'},{status},{utc(opened)},{closed_s}"
                )
            # survey
            if r.random() < 0.3:
                sent = last.ended + _ri(r, 60, 1800)
                self.n_survey += 1
                responded = r.random() < 0.26
                rt = sent + int(r.lognormvariate(math.log(7200), 1.0)) if responded else 0
                if responded and rt > self.cutoff:
                    responded = False
                if responded:
                    latent = (
                        0.9 * resolved + 1.2 * qual - 0.35 - min(wait_total, 600) / 200.0 - 0.35 * (len(segs) - 1) + r.gauss(0, 0.6)
                    )
                    csat = 1 if latent < -0.6 else 2 if latent < -0.1 else 3 if latent < 0.4 else 4 if latent < 1.0 else 5
                    nps = max(0, min(10, int(round(5.5 + 2.6 * latent + r.gauss(0, 1.0)))))
                    says_res = resolved if r.random() < 0.9 else not resolved
                    comment = ""
                    if r.random() < 0.4:
                        bank = C.COMMENTS_POSITIVE if csat >= 4 else (C.COMMENTS_NEUTRAL if csat == 3 else C.COMMENTS_NEGATIVE)
                        comment = esc(bank[int(r.random() * len(bank))])
                    L["surveys"].append(
                        f"SR{self.n_survey:09d},{c.cid},{a.agent_id},{utc(sent)},{utc(rt)},{csat},{nps},"
                        f"{'yes' if says_res else 'no'},{comment}"
                    )
                else:
                    L["surveys"].append(f"SR{self.n_survey:09d},{c.cid},{a.agent_id},{utc(sent)},,,,,")
        # repeat contact on a later day
        if c.customer >= 0:
            if answered:
                p_rep = 0.06 if resolved else 0.45
            else:
                p_rep = 0.3 if last.outcome == ABANDONED else 0.1
            if r.random() < p_rep:
                delay = 1 + min(int(r.expovariate(1 / 1.5)), 12)
                self.pending_repeats.setdefault((s, d + delay), []).append(
                    (c.customer, last.q, last.outcome == ABANDONED, not resolved)
                )

    def _emit_states(self, a: Agent, log: list, login: int, logout: int, mid: int, mid2: int) -> None:
        utc = self.fmt.utc
        out = self.day_lines["states"]
        aid = a.agent_id
        log.sort(key=lambda x: x[1])
        out.append(f"{aid},logged_out,,{utc(mid)},{utc(login)}")
        cur = login
        for st, s, e, reason in log:
            if e <= s:
                continue
            if s > cur:
                out.append(f"{aid},available,,{utc(cur)},{utc(s)}")
            if st == ST_ON_CONTACT:
                out.append(f"{aid},on_contact,,{utc(s)},{utc(e)}")
            elif st == ST_ACW:
                out.append(f"{aid},acw,,{utc(s)},{utc(e)}")
            else:
                out.append(f"{aid},aux,{reason},{utc(s)},{utc(e)}")
            cur = e
        if logout > cur:
            out.append(f"{aid},available,,{utc(cur)},{utc(logout)}")
            cur = logout
        out.append(f"{aid},logged_out,,{utc(cur)},{utc(max(mid2, cur + 1))}")

    def _timesheet(self, a: Agent, d: int, login: int, logout: int, off: int) -> None:
        r = self.rnd
        fmt = self.fmt
        hours = max(0.0, (logout - login - 1800) / 3600.0)
        overtime = math.floor(max(0.0, hours - 8.0) * 4) / 4
        x = r.random()
        sub = ""
        appr_by = appr_at = ""
        if x > 0.01:
            sub_t = logout + _ri(r, 60, 1800) if x > 0.06 else logout + 14 * 3600 + _ri(r, 0, 3600)
            sub = fmt.local(sub_t, off)
            # most are approved within 1-3 days; 3% wait 1-3 weeks more (a supervisor on leave,
            # a query on the hours), so the pending ones are the recent days and a few
            # stragglers, as at a center whose payroll close forces approval. (The straggler's
            # extra days come from the same draw: the random stream, and so every later row of
            # a seed's data, stays as it was.)
            app_t = sub_t + _ri(r, 1, 3) * 86400 + _ri(r, -3600, 3600)
            if app_t <= self.cutoff and (u := r.random()) < 0.03:
                app_t += (7 + int(u / 0.03 * 15)) * 86400
            if app_t <= self.cutoff:
                appr_by = self.teams[a.team_on(d)].supervisor_id
                appr_at = fmt.local(app_t, off)
        self.day_lines["timesheets"].append(
            f"{a.agent_id},{date.fromordinal(d).isoformat()},{hours:.2f},{overtime:.2f},{sub},{appr_by},{appr_at}"
        )

    def _coaching(self, a: Agent, d: int, t: int, off: int) -> None:
        r = self.rnd
        metric = C.FOCUS_METRICS[int(r.random() * len(C.FOCUS_METRICS))]
        if metric == "sales_conversion_rate" and not any(self.queues[q].tpl.line_of_business == "sales" for q in a.skills):
            metric = "first_contact_resolution_rate"
        base_target = {
            "average_handle_time": (r.uniform(330, 480), -r.uniform(20, 60), 0),
            "adherence": (r.uniform(0.78, 0.9), r.uniform(0.02, 0.06), 3),
            "qa_score": (r.uniform(65, 85), r.uniform(3, 10), 1),
            "csat_score": (r.uniform(3.4, 4.2), r.uniform(0.1, 0.3), 2),
            "first_contact_resolution_rate": (r.uniform(0.6, 0.78), r.uniform(0.03, 0.08), 3),
            "sales_conversion_rate": (r.uniform(0.1, 0.2), r.uniform(0.02, 0.05), 3),
            "transfer_rate": (r.uniform(0.06, 0.14), -r.uniform(0.01, 0.04), 3),
        }[metric]
        b, delta, nd = base_target
        self.n_coach += 1
        sup = self.teams[a.team_on(d)].supervisor_id
        self.day_lines["coaching"].append(
            f"CO{self.n_coach:08d},{a.agent_id},{sup},{self.fmt.local(t + _ri(r, 0, 120), off)},{metric},"
            f"{round(b, nd)},{round(b + delta, nd)},{esc(C.COMMITMENTS[metric])},"
            f"{date.fromordinal(d + 14).isoformat() if r.random() < 0.9 else ''}"
        )

    def _qa(self, a: Agent, seg: Seg, sa: SimAgent, d: int) -> None:
        r = self.rnd
        ed = d + _ri(r, 1, 4)
        if ed > self.end_ord:
            return
        off, base, _, _ = day_frame(self.sites[a.site].timezone, ed)
        t = base + 10 * 3600 + _ri(r, 0, 6 * 3600)
        if t > self.cutoff:
            return
        self.n_eval += 1
        eid = f"EV{self.n_eval:08d}"
        evaluator = self.teams[a.team_on(ed)].supervisor_id if r.random() < 0.7 else C.QA_ANALYSTS[int(r.random() * 2)]
        tenure = d - a.hire
        qual = a.quality - (0.12 if tenure < 90 else 0.0)
        sales = self.queues[seg.q].tpl.line_of_business == "sales"
        ts = self.fmt.utc(t)
        sid = f"{seg.contact.cid}-{seg.seq}"
        lines = self.qa_buffer.setdefault(ed, [])
        for section, qid, weight, mx, critical in C.QA_QUESTIONS:
            na = (qid == "Q08_offer_additional_product" and not sales and r.random() < 0.9) or (not critical and r.random() < 0.03)
            if na:
                score = ""
            elif critical:
                score = "0" if r.random() < 0.005 + 0.035 * (1 - qual) else "1"
            else:
                score = str(max(0, min(5, int(round(r.gauss(2.6 + 2.4 * qual, 0.8))))))
            lines.append(
                f"{eid},{sid},{a.agent_id},{evaluator},{ts},{C.QA_FORM_ID},{section},{qid},{weight},{score},{mx},"
                f"{'true' if critical else 'false'},{'true' if na else 'false'}"
            )

    def _write_dimensions(self) -> None:
        w = self.out
        w.write(
            "acd",
            "queues",
            "queues.csv",
            [
                f"{q.queue_id},{esc(q.tpl.queue_name)},{q.tpl.line_of_business},{self.sites[q.site].site_id},"
                f"{self.sites[q.site].timezone},{q.tpl.sl_threshold},{q.tpl.sl_target},5"
                for q in self.queues
            ],
        )
        w.write(
            "hr",
            "teams",
            "teams.csv",
            [f"{t.team_id},{esc(t.name)},{self.sites[t.site].site_id},{t.lob}" for t in self.teams],
        )
        n = len(self.cust_phone)
        g = np.random.default_rng(self.seed + 1)
        x = g.random(n)
        segs = np.where(x < 0.75, "consumer", np.where(x < 0.95, "business", "vip"))
        segs[g.random(n) < 0.03] = ""
        has_email = (g.random(n) < 0.8).tolist()
        has_phone = (g.random(n) < 0.97).tolist()
        created = (
            (np.array(self.cust_created, dtype=np.int64) - date(1970, 1, 1).toordinal()) * 86400
            - g.integers(0, 3 * 365, n) * 86400
            + g.integers(0, 86400, n)
        ).tolist()
        utc = self.fmt.utc
        segs = segs.tolist()
        phones = self.cust_phone
        lines = [
            f"CU{i:08d},{segs[i]},{phones[i] if has_phone[i] else ''},"
            f"{f'customer{i}@example.com' if has_email[i] else ''},{utc(created[i])}"
            for i in range(n)
        ]
        w.write("crm", "customers", "customers.csv", lines)


def generate(
    out_dir: str | Path,
    days: int = 90,
    agents: int = 60,
    seed: int = 42,
    end_date: date | str | None = None,
    queues: int | None = None,
    progress: bool = False,
) -> dict:
    """Generate the demo landing files; returns a summary (rows per table, segments/second)."""
    if isinstance(end_date, str):
        end_date = date.fromisoformat(end_date)
    return DemoGenerator(Path(out_dir), days, agents, seed, end_date, queues, progress).run()
