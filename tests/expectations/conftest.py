from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def gx_loaded():
    """Import great_expectations once per session (it takes seconds)."""
    import great_expectations

    return great_expectations
