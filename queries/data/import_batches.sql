-- Import batches: one row per imported file with who ran it and whether it was undone,
-- newest first (servicecircle imports list, the Data page).
-- grain: one row per import; key: import_id. Params: $limit.
with ledger as (
    select
        import_id,
        table_name,
        file_name,
        content_hash,
        n_read,
        n_stored,
        n_updated,
        n_duplicates,
        n_rejected,
        started_at,
        finished_at
    from imports
),

batches as (
    select
        import_id,
        batch_no,
        imported_by,
        n_written,
        n_replaced
    from import_batches
),

undos as (
    select
        import_id,
        undone_at,
        undone_by,
        n_deleted,
        n_restored
    from import_undos
),

listed as (
    select
        l.*,
        b.batch_no,
        b.imported_by,
        b.n_written,
        b.n_replaced,
        b.batch_no is not null as has_undo_data,
        u.undone_at is not null as is_undone,
        u.undone_at,
        u.undone_by,
        u.n_deleted,
        u.n_restored
    from ledger l
    left join batches b using (import_id)
    left join undos u using (import_id)
)

select * from listed
order by finished_at desc, batch_no desc nulls last
limit $limit
