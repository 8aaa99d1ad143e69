"""The forecast and staffing settings: dbt vars (dbt_project.yml) are their one home; the
library's dataclass defaults (used by callers outside dbt) equal them; a run's overrides reach dbt
as --vars, and only the fields a run sets."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest
import yaml

from orchestration.defs.transform.dbt import StaffingConfig
from orchestration.defs.transform.project import dbt_build_args
from orchestration.lib.forecast.pipeline import (
    ForecastSettings,
    StaffingSettings,
    settings_from_json,
)
from orchestration.settings import DBT_PROJECT_DIR

VARS = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
SETTING_VARS = {k: v for k, v in VARS.items() if k.startswith(("forecast_", "staffing_"))}


def test_the_library_defaults_are_the_dbt_vars():
    forecast, staffing = settings_from_json(json.dumps(SETTING_VARS))
    assert forecast == ForecastSettings()
    assert staffing == StaffingSettings()


def test_every_setting_var_is_read_and_every_dataclass_field_has_a_var():
    n_fields = len(fields(ForecastSettings)) + len(fields(StaffingSettings))
    assert len(SETTING_VARS) == n_fields
    # each var moves its field: change one at a time and compare with the defaults
    base = settings_from_json(json.dumps(SETTING_VARS))
    for k, v in SETTING_VARS.items():
        changed = settings_from_json(json.dumps({**SETTING_VARS, k: v + 0.01 if isinstance(v, float) else v + 1}))
        assert changed != base, k


def test_an_occupancy_cap_of_one_or_more_means_no_cap():
    _, staffing = settings_from_json(json.dumps({**SETTING_VARS, "staffing_max_occupancy": 1}))
    assert staffing.max_occupancy is None
    _, staffing = settings_from_json(json.dumps({**SETTING_VARS, "staffing_max_occupancy": 0.9}))
    assert staffing.max_occupancy == pytest.approx(0.9)


def test_the_models_config_carries_every_setting_var():
    text = (DBT_PROJECT_DIR / "models" / "intermediate" / "staffing" / "_int_staffing__models.yml").read_text()
    for k in SETTING_VARS:
        assert f"'{k}': var('{k}')" in text, k


def test_run_config_fields_are_the_vars_and_only_set_ones_reach_dbt():
    assert set(StaffingConfig.model_fields) == set(SETTING_VARS)
    assert StaffingConfig().dbt_vars() == {}
    assert dbt_build_args(vars=StaffingConfig().dbt_vars() or None) == dbt_build_args()
    cfg = StaffingConfig(staffing_shrinkage=0.35, forecast_horizon_days=21)
    args = dbt_build_args(vars=cfg.dbt_vars())
    assert json.loads(args[args.index("--vars") + 1]) == {"staffing_shrinkage": 0.35, "forecast_horizon_days": 21}
