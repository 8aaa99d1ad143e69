"""Landing files -> raw schemas: one asset per contract table, keyed [family, table].

The keys equal the dbt source names, so dagster-dbt puts them upstream of the staging models.
One multi-asset loads them because they share one DuckDB writer; it is subsettable, so a
single table can be (re)loaded on its own.
"""


import dagster as dg

from expectations.runner import import_gx_in_background
from orchestration.contracts import load_contract
from orchestration.defs.resources import LandingResource, WarehouseResource
from orchestration.lib.ingest import DeliveryResult, accounting_mismatches, load_landing

TABLES = {dg.AssetKey([t.family, t.name]): t for t in load_contract()}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=key,
            group_name="ingestion",
            description=f"{t.description} Loaded from landing/{t.family}/{t.name}/*.csv into {t.raw_relation}.",
            kinds={"csv", "duckdb"},
            skippable=True,
        )
        for key, t in TABLES.items()
    ],
    check_specs=[
        dg.AssetCheckSpec(
            name="delivery_accounting",
            asset=key,
            blocking=True,
            description="Every row of every delivered file is loaded, quarantined or an exact duplicate.",
        )
        for key in TABLES
    ],
    can_subset=True,
)
def landing_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource):
    selected = [TABLES[k] for k in context.selected_asset_keys]
    counter = {"files": 0}
    import_gx_in_background()  # the landing checks validate next, in this process

    def progress(r: DeliveryResult) -> None:
        counter["files"] += 1
        if r.status != "skipped" or counter["files"] % 100 == 0:
            context.log.info(
                f"[{counter['files']}] {r.source_file}: {r.status} read={r.rows_read} "
                f"loaded={r.rows_loaded} quarantined={r.rows_quarantined} duplicates={r.rows_duplicate}"
                + (f" - {r.message}" if r.message else "")
            )

    with warehouse.connect() as con:
        summary = load_landing(con, landing.path, selected, progress=progress)
        mismatches = accounting_mismatches(con, per_file=False)
        raw_counts = {t.key: con.execute(f"select count(*) from {t.raw_relation}").fetchone()[0] for t in selected}
        quarantine_counts = dict(
            ((f, n), c)
            for f, n, c in con.execute(
                "select family, table_name, count(*) from raw_meta.quarantine group by 1, 2"
            ).fetchall()
        )

    rejected = summary.rejected
    for t in selected:
        results = [r for r in summary.results if (r.family, r.table) == t.key]
        loaded = [r for r in results if r.status == "loaded"]
        table_mismatches = [m for m in mismatches if (m[0], m[1]) == t.key]
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(list(t.key)),
            metadata={
                "files_new": len(loaded),
                "files_already_loaded": len([r for r in results if r.status == "skipped"]),
                "files_rejected": len([r for r in results if r.status == "rejected"]),
                "rows_read": sum(r.rows_read for r in loaded),
                "rows_loaded": sum(r.rows_loaded for r in loaded),
                "rows_quarantined": sum(r.rows_quarantined for r in loaded),
                "rows_duplicate": sum(r.rows_duplicate for r in loaded),
                "raw_row_count": int(raw_counts[t.key]),
                "quarantine_total": int(quarantine_counts.get(t.key, 0)),
                "raw_relation": t.raw_relation,
                "warnings": dg.MetadataValue.md(
                    "\n".join(f"- {w}" for r in results for w in r.warnings) or "none"
                ),
            },
        )
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(list(t.key)),
            check_name="delivery_accounting",
            passed=not table_mismatches,
            metadata={
                "mismatched_files": dg.MetadataValue.md(
                    "\n".join(
                        f"- {m[2]}: read {m[3]} != raw {m[4]} + quarantined {m[5]} + duplicates {m[6]}"
                        for m in table_mismatches
                    )
                    or "none"
                )
            },
        )
    if rejected:
        # Loud, after the good files are in: a rejected file is a mapping problem the user must fix.
        raise dg.Failure(
            description=f"{len(rejected)} landing file(s) rejected; nothing of them was loaded",
            metadata={"rejected": dg.MetadataValue.md("\n".join(f"- {r.message}" for r in rejected))},
        )
