-- The global district and wave filters on a row that carries its community's district and
-- roll-out wave (p_districts / p_waves: lists, NULL = all). Inlined by DuckDB, so a filter
-- through it reads as if written out.
create or replace macro in_scope(district, wave, p_districts, p_waves) as
    (p_districts is null or district = any(p_districts))
    and (p_waves is null or wave = any(p_waves));
