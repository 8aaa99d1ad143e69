{#- Hash a PII value (phone, e-mail) at the staging boundary. The value is trimmed and
    lower-cased first so the same phone or e-mail hashes alike across exports; null stays null.
    DuckDB: sha256 hex; other adapters: dbt.hash (md5) unless they override it. -#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii', 'switchboard')(column)) }}
{%- endmacro %}

{% macro default__hash_pii(column) -%}
    case
        when {{ column }} is null or trim({{ column }}) = '' then null
        else {{ dbt.hash(dbt.concat(["'" ~ var('pii_salt') ~ "'", "lower(trim(" ~ column ~ "))"])) }}
    end
{%- endmacro %}

{% macro duckdb__hash_pii(column) -%}
    case
        when {{ column }} is null or trim({{ column }}) = '' then null
        else sha256({{ dbt.concat(["'" ~ var('pii_salt') ~ "'", "lower(trim(" ~ column ~ "))"]) }})
    end
{%- endmacro %}
