"""Static configuration of the simulated contact center: sites, queue templates, phrase banks, QA form.

Everything tunable about the *shape* of the demo data lives here; the simulation itself is in
``simulate.py`` and the orchestration (HR, CRM, surveys, files) in ``generator.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    site_id: str
    name: str
    timezone: str
    currency: str
    phone_prefix: str


SITES: tuple[Site, ...] = (
    Site("LON", "London", "Europe/London", "GBP", "+44207"),
    Site("NYC", "New York", "America/New_York", "USD", "+1212"),
)

# Local opening hours of every queue (minutes after local midnight); arrivals stop at CLOSE.
OPEN_MIN = 8 * 60
CLOSE_MIN = 20 * 60


@dataclass(frozen=True)
class QueueTemplate:
    queue_name: str
    line_of_business: str
    site_id: str
    share: float  # relative volume inside its site
    talk_median: float  # seconds, log-normal median of talk time
    acw_median: float  # seconds, log-normal median of after-call work
    hold_prob: float  # share of answered segments with at least one hold
    transfer_prob: float  # share of answered segments transferred to another queue
    evening: float  # weight of the evening bump in the intraday curve
    sl_threshold: int
    sl_target: float
    max_wait: int | None  # overflow (flow-out) after this many seconds of waiting, None = never
    offers_callback: bool


# Ordered so that the first N always cover both sites and include a sales queue.
QUEUE_TEMPLATES: tuple[QueueTemplate, ...] = (
    QueueTemplate("UK Sales", "sales", "LON", 0.9, 250, 35, 0.18, 0.05, 0.3, 20, 80.0, None, False),
    QueueTemplate("US Billing", "billing", "NYC", 1.1, 210, 40, 0.25, 0.07, 0.12, 30, 80.0, 360, True),
    QueueTemplate("UK Customer Service", "service", "LON", 1.5, 190, 30, 0.22, 0.08, 0.15, 20, 80.0, 300, True),
    QueueTemplate("US Technical Support", "technical", "NYC", 1.2, 290, 45, 0.35, 0.06, 0.15, 60, 70.0, 420, True),
    QueueTemplate("US Sales", "sales", "NYC", 0.8, 240, 35, 0.18, 0.05, 0.35, 20, 80.0, None, False),
    QueueTemplate("UK Retention", "retention", "LON", 0.5, 300, 40, 0.2, 0.04, 0.12, 30, 75.0, None, False),
    QueueTemplate("UK Billing", "billing", "LON", 0.8, 210, 40, 0.25, 0.07, 0.12, 30, 80.0, 360, True),
    QueueTemplate("US Customer Service", "service", "NYC", 1.3, 190, 30, 0.22, 0.08, 0.15, 20, 80.0, 300, True),
)
DEFAULT_QUEUES = 5

# Channel mix: this share of the contacts that stay on the named queue (no transfer, flow-out or
# callback) arrive by web chat instead of voice, so channel is a dimension with two values.
CHAT_QUEUE = "UK Customer Service"
CHAT_SHARE = 0.05
MAX_QUEUES = len(QUEUE_TEMPLATES)

WRAPUP_RESOLVED = {
    "sales": ("sale_made", "quote_given", "info_provided"),
    "billing": ("payment_taken", "billing_explained", "refund_issued"),
    "service": ("issue_resolved", "info_provided", "account_updated"),
    "technical": ("fixed_first_time", "config_guided", "device_reset"),
    "retention": ("retained", "offer_accepted", "info_provided"),
}
WRAPUP_UNRESOLVED = {
    "sales": ("not_interested", "call_back_later"),
    "billing": ("follow_up_required", "dispute_opened"),
    "service": ("follow_up_required", "escalated"),
    "technical": ("ticket_raised", "engineer_visit"),
    "retention": ("cancelled", "follow_up_required"),
}
WRAPUP_TRANSFER = "transferred"

CASE_CATEGORIES = {
    "sales": ("order", "pricing"),
    "billing": ("billing", "payment", "refund"),
    "service": ("account", "delivery", "general"),
    "technical": ("technical", "outage", "device"),
    "retention": ("cancellation", "account"),
}

FIRST_NAMES = (
    "Olivia Liam Emma Noah Amelia Oliver Ava Elijah Sophia James Isabella William Mia Lucas "
    "Charlotte Henry Harper Theodore Evelyn Jack Aisha Mateo Priya Omar Chloe Samuel Grace "
    "Daniel Zoe Leo Nora Ethan Maya Adam Leah Ryan Hannah Kofi Fatima Diego Ines Tomasz "
    "Yuki Sara Malik Rosa Arjun Freya Callum Niamh"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Taylor Thomas "
    "Moore Jackson Martin Lee Walker Hall Allen Young King Wright Scott Green Baker Adams "
    "Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Patel Khan Murphy "
    "O'Brien Kowalski Nguyen Okafor Silva Rossi Schmidt Dubois Hughes Clarke Wood Price"
).split()

COMMENTS_POSITIVE = (
    "Very helpful agent",
    "Quick and friendly",
    "Sorted my problem first time",
    "Great service thank you",
    "Agent was patient and clear",
    "Easy to deal with",
)
COMMENTS_NEUTRAL = (
    "It was ok",
    "Took a while but got there",
    "Fine overall",
    "Had to explain twice",
)
COMMENTS_NEGATIVE = (
    "Waited far too long",
    "Problem still not fixed",
    "Transferred around too much",
    "Agent did not understand my issue",
    "I had to call back again",
    "Very frustrating experience",
)

COMMITMENTS = {
    "average_handle_time": "Use knowledge base shortcuts and close calls with a clear summary",
    "adherence": "Log back in on time after breaks and lunch",
    "qa_score": "Follow the verification and closing script on every call",
    "csat_score": "Confirm the customer is happy with the outcome before closing",
    "first_contact_resolution_rate": "Check for related issues before ending the call",
    "sales_conversion_rate": "Offer the upgrade when the customer mentions their plan",
    "transfer_rate": "Attempt resolution before transferring and use the warm transfer checklist",
}

# QA form: (section, question_id, weight, max_score, is_critical)
QA_FORM_ID = "QA-VOICE-2026"
QA_QUESTIONS: tuple[tuple[str, str, float, float, bool], ...] = (
    ("opening", "Q01_greeting", 1.0, 5.0, False),
    ("opening", "Q02_identity_verification", 2.0, 1.0, True),
    ("discovery", "Q03_active_listening", 2.0, 5.0, False),
    ("discovery", "Q04_probing_questions", 2.0, 5.0, False),
    ("discovery", "Q05_empathy", 1.5, 5.0, False),
    ("resolution", "Q06_correct_resolution", 3.0, 5.0, False),
    ("resolution", "Q07_next_steps", 1.5, 5.0, False),
    ("resolution", "Q08_offer_additional_product", 1.0, 5.0, False),
    ("compliance", "Q09_data_protection", 2.0, 1.0, True),
    ("compliance", "Q10_call_closing", 1.0, 5.0, False),
)
QA_ANALYSTS = ("QA01", "QA02")

FOCUS_METRICS = (
    "average_handle_time",
    "adherence",
    "qa_score",
    "csat_score",
    "first_contact_resolution_rate",
    "sales_conversion_rate",
    "transfer_rate",
)
