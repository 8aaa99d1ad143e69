{#- Two-sided 95% critical value of Student's t with `df` degrees of freedom, from a table
    (exact for df 1-30, 40, 60, 120); between table rows the smaller df's value is used, which
    errs on the wide side; null for df < 1. Used for t-intervals across coaching sessions. -#}
{% macro t_critical_95(df) -%}
    case
        when {{ df }} is null or {{ df }} < 1 then null
        {%- for d, t in [(120, 1.980), (60, 2.000), (40, 2.021), (30, 2.042), (29, 2.045), (28, 2.048), (27, 2.052), (26, 2.056), (25, 2.060), (24, 2.064), (23, 2.069), (22, 2.074), (21, 2.080), (20, 2.086), (19, 2.093), (18, 2.101), (17, 2.110), (16, 2.120), (15, 2.131), (14, 2.145), (13, 2.160), (12, 2.179), (11, 2.201), (10, 2.228), (9, 2.262), (8, 2.306), (7, 2.365), (6, 2.447), (5, 2.571), (4, 2.776), (3, 3.182), (2, 4.303)] %}
        when {{ df }} >= {{ d }} then {{ t }}
        {%- endfor %}
        else 12.706
    end
{%- endmacro %}
