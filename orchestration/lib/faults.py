"""Failpoints: named places where a test can make the pipeline die as if killed.

The fault tests (tests/integration/test_faults.py) set SWITCHBOARD_FAILPOINT=<name> for a
build subprocess; when execution reaches ``failpoint(<name>)`` the process SIGKILLs itself,
with no cleanup, exactly like an operator's `kill -9` or a lost machine. Unset, it is a no-op.

Failpoints:
  load.before_commit    inside a delivery's transaction, after its rows were inserted
  publish.before_swap   after the new snapshot file is written, before it replaces the old one
"""

from __future__ import annotations

import os
import signal

from orchestration.settings import get_settings


def failpoint(name: str) -> None:
    if get_settings().failpoint == name:
        os.kill(os.getpid(), signal.SIGKILL)
