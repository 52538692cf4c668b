-- Rejected rows with their reasons (values without personal fields), filterable.
-- grain: one row per rejected input row. Params: $table_name (NULL = all),
-- $reasons (list or NULL = all), $limit.
with filtered as (
    select
        r.table_name,
        r.file_name,
        r.row_number,
        r.field,
        r.reason,
        r.detail,
        r.values_json,
        i.finished_at as imported_at
    from rejects r
    left join imports i using (import_id)
    where ($table_name is null or r.table_name = $table_name)
      and ($reasons is null or list_contains($reasons, r.reason))
)
select * from filtered
order by imported_at desc, file_name, row_number
limit $limit
