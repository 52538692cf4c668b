-- Histogram of counter waits (served tickets) without a wave or service-type filter (the
-- metric functions pick this path): one row per (hall_id, wait_bin). Cells from the
-- wait_cells_slim macro (queries/macros/wait_cells.sql).
-- Params: $date_from, $date_to, $districts, $hall_ids.
with

final as (
    select hall_id, wait_bin, sum(n) as n
    from wait_cells_slim($date_from, $date_to, $districts, $hall_ids)
    group by all
    having sum(n) <> 0
)

select * from final
order by hall_id, wait_bin
