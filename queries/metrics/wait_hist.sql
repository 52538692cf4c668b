-- Histogram of counter waits (served tickets) over every filter: one row per wait_bin.
-- The full-dimension path (a wave or service-type filter combined with a hall or district
-- filter); cells from the wait_cells macro (queries/macros/wait_cells.sql).
-- Params: as ticket_totals.sql.
with

final as (
    select wait_bin, sum(n) as n
    from wait_cells($date_from, $date_to, $districts, $hall_ids, $waves, $service_types)
    group by all
    having sum(n) <> 0
)

select * from final
order by wait_bin
