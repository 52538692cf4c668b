-- Histogram of counter waits (served tickets) over the filters: one row per wait_bin.
-- Bins are 10 s wide, closed on the right (bin k: wait in (10(k-1), 10k] s; bin 0: 0 s;
-- bin 1441: over 240 min), see rollups/21_tickets.sql. Cells from the wait_cells macro
-- (queries/macros/wait_cells.sql), which reads the smallest rollup that answers the view;
-- exact for any range of days.
-- Params: as ticket_totals.sql.
with

final as (
    select wait_bin, sum(n) as n
    from wait_cells($date_from, $date_to, $districts, $hall_ids, $waves, $service_types, false)
    group by all
    having sum(n) <> 0
)

select * from final
order by wait_bin
