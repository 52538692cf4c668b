-- Import history: one row per imported file, newest first.
-- grain: one row per import; key: import_id. Params: $limit.
with history as (
    select
        import_id,
        table_name,
        file_name,
        finished_at,
        n_read,
        n_stored,
        n_updated,
        n_duplicates,
        n_rejected,
        reasons_json
    from imports
)
select * from history
order by finished_at desc
limit $limit
