-- Histogram of counter waits (served tickets) over the filters: one row per (hall_id, wait_bin).
-- Cells from the wait_cells macro (queries/macros/wait_cells.sql), per hall.
-- Params: as ticket_totals.sql.
with

final as (
    select hall_id, wait_bin, sum(n) as n
    from wait_cells($date_from, $date_to, $districts, $hall_ids, $waves, $service_types, true)
    group by all
    having sum(n) <> 0
)

select * from final
order by hall_id, wait_bin
