"""Discrete-event simulation of one site for one day: FCFS queues with skills-based routing.

Time is integer seconds since the Unix epoch (UTC). The loop merges the day's sorted external
arrivals with a heap of internal events (agent frees up, on-queue block starts/ends, caller
patience expires, transferred / flowed / callback / retry segments enter a queue).

Routing rules (the invariant the tests check follows from them):
- an agent is *routable* only while idle inside one of its actual on-queue blocks, and every
  block lies inside a scheduled ``on_queue`` activity (lateness and long breaks only shorten it);
- an arriving segment goes to the longest-idle routable agent skilled for its queue, else waits;
- an agent that frees up (end of ACW) before its block ends takes, among the heads of its
  skilled queues (each FCFS), the segment closest to breaching its queue's service-level
  threshold (earliest ``entered + threshold``: service-level-driven routing, so a 60 s queue
  yields to a 20 s one); at or after the block end it leaves for its next aux activity
  (late, if a call ran over: a natural adherence miss) or logs out (overtime).
So every answered segment's ``answered_at`` lies in an on_queue schedule row, and the agent's
``on_contact`` state starts exactly at ``answered_at``.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field

# outcomes
ANSWERED, ABANDONED, FLOWED_OUT, CALLBACK_REQUESTED = 0, 1, 2, 3
OUTCOME_NAMES = ("answered", "abandoned", "flowed_out", "callback_requested")
# directions
INBOUND, CALLBACK = 0, 2
DIRECTION_NAMES = ("inbound", "outbound", "callback")
# timeout kinds decided on arrival
TO_ABANDON, TO_FLOW, TO_CALLBACK = 0, 1, 2
# agent state codes in the state log
ST_ON_CONTACT, ST_ACW, ST_AUX = 1, 2, 3

# event types (= priority at equal time)
EV_BLOCK_END, EV_FREE, EV_BLOCK_START, EV_PATIENCE, EV_NEWSEG = 0, 1, 2, 3, 4


class Contact:
    __slots__ = ("num", "customer", "phone", "ident", "direction", "segs", "prev_abandoned", "prev_unresolved", "cid", "channel")

    def __init__(self, num, customer, phone, ident, direction, prev_abandoned=False, prev_unresolved=False):
        self.num = num
        self.customer = customer  # int index of the caller's CRM account, -1 when withheld
        self.phone = phone
        self.ident = ident  # whether the ACD identified the account (customer_id filled)
        self.direction = direction
        self.segs = []
        self.prev_abandoned = prev_abandoned
        self.prev_unresolved = prev_unresolved
        self.cid = ""
        self.channel = "voice"


class Seg:
    __slots__ = (
        "contact", "seq", "q", "direction", "entered", "answered", "ended", "agent", "outcome",
        "talk", "hold", "hold_count", "acw", "transfer_to", "wrapup", "status", "patience",
        "timeout_kind", "no_flow",
    )

    def __init__(self, contact, seq, q, direction, entered, patience):
        self.contact = contact
        self.seq = seq
        self.q = q
        self.direction = direction
        self.entered = entered
        self.answered = -1
        self.ended = -1
        self.agent = -1
        self.outcome = -1
        self.talk = 0
        self.hold = 0
        self.hold_count = 0
        self.acw = 0
        self.transfer_to = -1
        self.wrapup = None
        self.status = 0  # 0 new/waiting, 1 answered, 2 left the queue
        self.patience = patience
        self.timeout_kind = TO_ABANDON
        self.no_flow = False


@dataclass
class SimAgent:
    """One agent present today. blocks: actual on-queue windows [(start, end)], aux_after[k]:
    (reason, sched_start, sched_end) of the aux activity following block k."""

    gidx: int
    skills: tuple[int, ...]
    talk_factor: float
    acw_factor: float
    transfer_factor: float
    blocks: list[tuple[int, int]]
    aux_after: list[tuple[str, int, int] | None]
    overrun: list[int]  # extra seconds taken on each aux (break/lunch); 0 for fixed activities
    log: list = field(default_factory=list)
    login: int = 0
    logout: int = 0


@dataclass
class QueueParams:
    talk_mu: float
    acw_mu: float
    hold_prob: float
    transfer_prob: float
    transfer_targets: tuple[int, ...]
    max_wait: int | None
    flow_to: int
    offers_callback: bool
    sl_threshold: int = 20  # seconds; routing serves the waiting segment closest to breaching it


def simulate_day(
    rnd,
    queues: list[QueueParams],
    agents: list[SimAgent],
    arrivals: list[Seg],
    new_contact,
    close_t: int,
) -> list[Seg]:
    """Run the day; returns every segment created (external arrivals plus internal ones).

    ``new_contact(contact)`` creates a new Contact of the same caller with a fresh number (used
    for retries after an abandon). ``close_t``: epoch second when the site stops taking calls.
    """
    lognorm = rnd.lognormvariate
    random = rnd.random
    expo = rnd.expovariate
    push = heapq.heappush
    pop = heapq.heappop

    nq = len(queues)
    na = len(agents)
    thr = [qp.sl_threshold for qp in queues]
    status = [0] * na  # 0 away, 1 idle (routable), 2 busy
    token = [0] * na
    bidx = [0] * na
    pending_leave = [False] * na
    idle_heaps: list[list] = [[] for _ in range(nq)]
    waitq: list[deque] = [deque() for _ in range(nq)]
    heap: list = []
    cnt = 0
    segs: list[Seg] = list(arrivals)

    for i, a in enumerate(agents):
        if a.blocks:
            a.login = a.blocks[0][0]
            cnt += 1
            push(heap, (a.blocks[0][0], EV_BLOCK_START, cnt, i, 0))

    def answer(seg: Seg, i: int, t: int) -> None:
        nonlocal cnt
        a = agents[i]
        qp = queues[seg.q]
        token[i] += 1
        status[i] = 2
        block_end = a.blocks[bidx[i]][1]
        ring = 2 + int(random() * 5)
        if t + ring >= block_end:
            ring = 0
        ans = t + ring
        seg.status = 1
        seg.answered = ans
        seg.agent = i
        seg.outcome = ANSWERED
        talk = int(lognorm(qp.talk_mu, 0.6) * a.talk_factor)
        talk = 15 if talk < 15 else (2100 if talk > 2100 else talk)
        hold = 0
        hc = 0
        if random() < qp.hold_prob:
            hc = 1
            r = random()
            if r < 0.25:
                hc = 2
                if r < 0.07:
                    hc = 3
            for _ in range(hc):
                hold += int(lognorm(3.7, 0.7)) + 5
            if hold > 600:
                hold = 600
        acw = int(lognorm(qp.acw_mu, 0.6) * a.acw_factor)
        acw = 3 if acw < 3 else (480 if acw > 480 else acw)
        end_talk = ans + talk + hold
        if qp.transfer_targets and random() < qp.transfer_prob * a.transfer_factor:
            tq = qp.transfer_targets[int(random() * len(qp.transfer_targets))]
            seg.transfer_to = tq
            acw = acw // 2 + 2
            c = seg.contact
            ns = Seg(c, seg.seq + 1, tq, seg.direction, end_talk, int(lognorm(5.0, 0.8)) + 10)
            c.segs.append(ns)
            segs.append(ns)
            cnt += 1
            push(heap, (end_talk, EV_NEWSEG, cnt, ns, 0))
        seg.talk = talk
        seg.hold = hold
        seg.hold_count = hc
        seg.acw = acw
        end = end_talk + acw
        seg.ended = end
        log = a.log
        log.append((ST_ON_CONTACT, ans, end_talk, None))
        log.append((ST_ACW, end_talk, end, None))
        cnt += 1
        push(heap, (end, EV_FREE, cnt, i, 0))

    def try_take(i: int, t: int) -> None:
        best = None
        bdq = None
        bkey = 0
        for q in agents[i].skills:
            dq = waitq[q]
            while dq and dq[0].status != 0:
                dq.popleft()
            if dq:
                s = dq[0]
                key = s.entered + thr[q]
                if best is None or key < bkey:
                    best = s
                    bdq = dq
                    bkey = key
        if best is not None:
            bdq.popleft()
            answer(best, i, t)
            return
        status[i] = 1
        token[i] += 1
        tok = token[i]
        for q in agents[i].skills:
            push(idle_heaps[q], (t, i, tok))

    def leave(i: int, t: int) -> None:
        nonlocal cnt
        status[i] = 0
        token[i] += 1
        pending_leave[i] = False
        a = agents[i]
        k = bidx[i]
        if k + 1 >= len(a.blocks):
            a.logout = t
            return
        reason, ss, se = a.aux_after[k]
        ns, ne = a.blocks[k + 1]
        if reason in ("break", "lunch"):
            ret = max(ns, t + (se - ss) + a.overrun[k])
        else:
            ret = max(ns, se + a.overrun[k])
        if ret > ne - 60:
            ret = ne - 60
        if ret < ns:
            ret = ns
        if ret < t:
            ret = t
        a.log.append((ST_AUX, t, ret, reason))
        bidx[i] = k + 1
        cnt += 1
        push(heap, (ret, EV_BLOCK_START, cnt, i, k + 1))

    def enqueue(seg: Seg, t: int) -> None:
        nonlocal cnt
        q = seg.q
        h = idle_heaps[q]
        while h:
            _, i, tok = pop(h)
            if token[i] == tok and status[i] == 1:
                answer(seg, i, t)
                return
        waitq[q].append(seg)
        qp = queues[q]
        limit = seg.patience
        seg.timeout_kind = TO_ABANDON
        if qp.max_wait is not None and not seg.no_flow and limit > qp.max_wait and qp.flow_to >= 0:
            limit = qp.max_wait
            seg.timeout_kind = TO_FLOW
        elif qp.offers_callback and seg.direction != CALLBACK and limit >= 90 and t < close_t - 3600 and random() < 0.3:
            seg.timeout_kind = TO_CALLBACK
        cnt += 1
        push(heap, (t + limit, EV_PATIENCE, cnt, seg, 0))

    def timeout(seg: Seg, t: int) -> None:
        nonlocal cnt
        seg.status = 2
        seg.ended = t
        c = seg.contact
        kind = seg.timeout_kind
        if kind == TO_FLOW:
            seg.outcome = FLOWED_OUT
            ns = Seg(c, seg.seq + 1, queues[seg.q].flow_to, seg.direction, t, max(5, seg.patience - (t - seg.entered)) + 30)
            ns.no_flow = True
            c.segs.append(ns)
            segs.append(ns)
            enqueue(ns, t)
        elif kind == TO_CALLBACK:
            seg.outcome = CALLBACK_REQUESTED
            ns = Seg(c, seg.seq + 1, seg.q, CALLBACK, t, 4 * 3600)
            ns.no_flow = True
            c.segs.append(ns)
            segs.append(ns)
            enqueue(ns, t)
        else:
            seg.outcome = ABANDONED
            wait = t - seg.entered
            if seg.direction != CALLBACK and random() < (0.2 if wait <= 5 else 0.4):
                rt = t + 30 + int(expo(1 / 480.0))
                if rt < close_t:
                    nc = new_contact(c)
                    nc.prev_abandoned = True
                    ns = Seg(nc, 1, seg.q, INBOUND, rt, int(lognorm(4.6, 1.0)) + 5)
                    nc.segs.append(ns)
                    segs.append(ns)
                    cnt += 1
                    push(heap, (rt, EV_NEWSEG, cnt, ns, 0))

    n_arr = len(arrivals)
    ai = 0
    big = 1 << 62
    while True:
        ta = arrivals[ai].entered if ai < n_arr else big
        if heap and heap[0][0] <= ta and not (heap[0][0] == ta and heap[0][1] > EV_PATIENCE):
            t, ev, _, x, k = pop(heap)
            if ev == EV_FREE:
                a = agents[x]
                if pending_leave[x] or t >= a.blocks[bidx[x]][1]:
                    leave(x, t)
                else:
                    try_take(x, t)
            elif ev == EV_BLOCK_END:
                if bidx[x] == k:
                    if status[x] == 1:
                        leave(x, t)
                    elif status[x] == 2:
                        pending_leave[x] = True
            elif ev == EV_BLOCK_START:
                if t >= agents[x].blocks[k][1] - 1:  # a call ran over the whole block: skip it
                    leave(x, t)
                    continue
                cnt += 1
                push(heap, (agents[x].blocks[k][1], EV_BLOCK_END, cnt, x, k))
                try_take(x, t)
            elif ev == EV_PATIENCE:
                if x.status == 0:
                    timeout(x, t)
            else:  # EV_NEWSEG
                enqueue(x, t)
        elif ai < n_arr:
            s = arrivals[ai]
            ai += 1
            enqueue(s, ta)
        else:
            break
    return segs
