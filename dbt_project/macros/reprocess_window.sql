{#- Incremental builds by reprocessing window (docs: README "Incremental builds").

    The orchestrator decides, before each dbt step of a run, from which local date on the facts
    must be recomputed (orchestration/lib/incremental.py: the earliest day the run's new
    deliveries touch minus a day, event_from_date; and minus the FCR / sales-attribution
    lookback too, from_date) and writes it to raw_meta.build_window under the Dagster run id,
    which it also exports as SWITCHBOARD_RUN_ID. A model takes from_date unless its
    `meta: {reprocess_lookback: false}` says its facts of a day depend on no later day (and it
    reads no model whose facts do): then event_from_date.
    The window is read at execution time, never passed as --vars (a changed var costs dbt its
    partial parse, ~10 s per step).

    * reprocess_from_date(): the model's date as 'YYYY-MM-DD', or none = recompute everything. It is
      none outside an orchestrated run (a hand-run `dbt build`), on a first build or
      --full-refresh (not is_incremental()), and when the orchestrator planned a full rebuild.
    * window_filter(column, slack_days): a predicate for an incremental model's input: `true`
      without a window, else column >= from_date - slack_days (inputs need a day of slack where
      a UTC timestamp or another attribution day feeds a local day of the window).
    * strategy `reprocess_window`: delete the target's rows of the window (all rows without a
      window), then insert the model's rows. The partition column is the model's unique_key; the
      model itself filters its output to that column >= from_date, so every day of the window is
      replaced whole, including days that no longer have rows.
    * get_where_subquery (dbt's hook for a test's `where`): data tests on a reprocess_window
      model check only the rows of the window in an incremental run (the rows this run wrote);
      a full build checks everything. A key-incremental model (delete+insert by key) names its
      event column in `meta: {tested_from_column: ...}`: every row a run writes has its event on
      or after the window's first day (the window starts a day before the earliest event of the
      run's new rows and of the earlier versions of their keys), and a run only deletes rows
      otherwise, so its tests check the rows from that day on (and any without the column). -#}

{% macro reprocess_from_date(require_incremental=true, lookback=none) -%}
    {%- if not execute or this is none or model.resource_type == 'unit_test' -%}{{ return(none) }}{%- endif -%}
    {%- if require_incremental and not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- if flags.FULL_REFRESH -%}{{ return(none) }}{%- endif -%}
    {%- set run_id = env_var('SWITCHBOARD_RUN_ID', '') -%}
    {%- if not run_id -%}{{ return(none) }}{%- endif -%}
    {%- set rel = adapter.get_relation(database=target.database, schema='raw_meta', identifier='build_window') -%}
    {%- if rel is none -%}{{ return(none) }}{%- endif -%}
    {%- if lookback is none -%}
        {%- set lookback = (model.config.meta or {}).get('reprocess_lookback', true) -%}
    {%- endif -%}
    {%- set column = 'from_date' if lookback else 'coalesce(event_from_date, from_date)' -%}
    {%- set res = run_query(
        "select cast(" ~ column ~ " as varchar) from raw_meta.build_window where run_id = '"
        ~ run_id | replace("'", "''") ~ "' and not full_rebuild"
    ) -%}
    {%- if res.rows | length == 0 or res.rows[0][0] is none -%}{{ return(none) }}{%- endif -%}
    {{ return(res.rows[0][0]) }}
{%- endmacro %}


{% macro window_filter(column, slack_days=0) -%}
    {%- set d = reprocess_from_date() -%}
    {%- if d is none -%}
        true
    {%- else -%}
        {%- set day = modules.datetime.date.fromisoformat(d) - modules.datetime.timedelta(days=slack_days) -%}
        {{ column }} >= cast('{{ day.isoformat() }}' as date)
    {%- endif -%}
{%- endmacro %}


{% macro get_incremental_reprocess_window_sql(arg_dict) -%}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set source = arg_dict["temp_relation"] -%}
    {%- set column = arg_dict["unique_key"] -%}
    {%- set cols = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    {%- set d = reprocess_from_date() -%}
    delete from {{ target }}
    {%- if d is not none %} where {{ column }} >= cast('{{ d }}' as date){% endif %};
    insert into {{ target }} ({{ cols }})
    select {{ cols }} from {{ source }}
{%- endmacro %}


{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {#- a namespace: a plain `set` inside a Jinja for loop does not outlive the loop -#}
    {%- set found = namespace(window=none) -%}
    {%- if execute -%}
        {#- the tested model is one of the test's own dependencies: look there, not through every
            node of the graph (a loop over ~560 nodes per test cost ~5 ms of Jinja each) -#}
        {%- for unique_id in model.depends_on.nodes if unique_id.startswith('model.') -%}
            {%- set node = graph.nodes.get(unique_id) -%}
            {%- if node and (node.alias or node.name) == relation.identifier
                and node.schema == relation.schema -%}
                {%- set lookback = node.config.meta.get('reprocess_lookback', true) -%}
                {%- if node.config.incremental_strategy == 'reprocess_window' -%}
                    {%- set found.window = (node.config.unique_key, false, lookback) -%}
                {%- elif node.config.meta.get('tested_from_column') -%}
                    {%- set found.window = (node.config.meta['tested_from_column'], true, lookback) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set d = reprocess_from_date(require_incremental=false, lookback=found.window[2]) if found.window else none -%}
    {%- if d is not none -%}
        {%- set column, with_nulls, _ = found.window -%}
        {%- set window = column ~ " >= cast('" ~ d ~ "' as date)" -%}
        {%- if with_nulls -%}{%- set window = '(' ~ window ~ ' or ' ~ column ~ ' is null)' -%}{%- endif -%}
        {%- set where = '(' ~ where ~ ') and ' ~ window if where else window -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {% do return(filtered) %}
    {%- else -%}
        {% do return(relation) %}
    {%- endif -%}
{%- endmacro %}


{#- tested_days(column, lookback): the predicate a singular data test puts on a day-partitioned
    fact so that an incremental run checks the days it recomputed (the rows it wrote; the days
    before were checked by the run that wrote them), and a full build or a hand-run `dbt build`
    checks every day. lookback=false for a test over models without look-back only (their
    window, event_from_date); by default the longer window, which covers both. -#}
{% macro tested_days(column, lookback=true) -%}
    {%- set d = reprocess_from_date(require_incremental=false, lookback=lookback) -%}
    {%- if d is none -%}
        true
    {%- else -%}
        {{ column }} >= cast('{{ d }}' as date)
    {%- endif -%}
{%- endmacro %}
