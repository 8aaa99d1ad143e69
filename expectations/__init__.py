"""Great Expectations 1.x suites as code (STYLE.md 9.1, 9.4).

- ``expectations.suites.<asset_key>``: one module per asset, ``build_suite()`` returns a
  ``gx.ExpectationSuite``; every expectation carries ``meta["severity"]`` = critical | warning.
- ``expectations.registry``: asset key -> suite builder + how to fetch the DataFrame to validate.
- ``expectations.runner``: ``validate(dataframe, suite)`` -> a plain summary (no Dagster).

One home per check: the loader already quarantines type, enum, range and required-field
failures, and dbt tests own keys/not-null/enums of the models. These suites only cover what
neither does: key uniqueness within a delivery, plausibility beyond the hard rules, null-rate
bands, row-wise referential plausibility, and drift bands on the marts.

``great_expectations`` takes seconds to import, so nothing here imports it at module level.
"""
