-- Histogram of counter waits (served tickets) over every filter: one row per (hall_id, wait_bin).
-- The full-dimension path; cells from the wait_cells macro (queries/macros/wait_cells.sql).
-- Params: as ticket_totals.sql.
with

final as (
    select hall_id, wait_bin, sum(n) as n
    from wait_cells($date_from, $date_to, $districts, $hall_ids, $waves, $service_types)
    group by all
    having sum(n) <> 0
)

select * from final
order by hall_id, wait_bin
