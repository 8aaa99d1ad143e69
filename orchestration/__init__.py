"""Switchboard's Dagster code location and the plain functions under it."""
