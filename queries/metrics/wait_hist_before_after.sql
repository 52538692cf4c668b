-- Histogram of counter waits before / after a cut-off month (the first room opening in
-- scope): one row per (period 'before'|'after', wait_bin). Whole months overlapping the
-- range only (the comparison is between periods, not for an exact range). Cells from the
-- wait_period_cells macro (queries/macros/wait_period_cells.sql), which reads the smallest
-- rollup that answers the view.
-- Params: $cutoff (date, first month of 'after'), $date_from, $date_to, $districts,
-- $hall_ids, $waves, $service_types.
with

final as (
    select period, wait_bin, sum(n) as n
    from wait_period_cells($cutoff, $date_from, $date_to, $districts, $hall_ids, $waves, $service_types)
    group by all
    having sum(n) <> 0
)

select * from final
order by period, wait_bin
