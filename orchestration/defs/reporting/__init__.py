"""Reporting definitions (issue 8): wire ``reporting_assets``, ``reporting_jobs`` and
``reporting_schedules`` into the code location's Definitions."""

from orchestration.defs.reporting.assets import (
    weekly_management_report,
    weekly_management_report_schedule,
    weekly_report_job,
)

reporting_assets = [weekly_management_report]
reporting_jobs = [weekly_report_job]
reporting_schedules = [weekly_management_report_schedule]

__all__ = ["reporting_assets", "reporting_jobs", "reporting_schedules"]
