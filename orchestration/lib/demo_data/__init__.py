"""Demo data: a simulated contact center whose exports agree with each other.

Usage::

    uv run python -m orchestration.lib.demo_data --days 90 --agents 60 --seed 42 --out data/landing

or from Python: ``generate(out_dir, days=90, agents=60, seed=42, end_date=None, queues=None)``.
See ``generator.py`` for what is simulated and ``__main__.py`` for the measured speed.
"""

from .generator import DemoGenerator, generate

__all__ = ["DemoGenerator", "generate"]
