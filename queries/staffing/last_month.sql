-- The last calendar month with a ticket at the selected halls, up to the end of the date
-- range: where the staffing table's period ends.
--
-- Grain: one row; month_on NULL when there is no ticket.
--
-- Params (NULL = all / open end)
--   $date_to     end of the date range
--   $districts   business_halls.district
--   $hall_ids    the halls
with

final as (
    select
        cast(date_trunc('month', max(k.day_on)) as date) as month_on
    from hall_hour_cell as k
    inner join business_halls as h using (hall_id)
    where k.n_tickets > 0
      and ($districts is null or h.district = any($districts))
      and ($hall_ids is null or k.hall_id = any($hall_ids))
      and ($date_to is null or k.day_on <= cast($date_to as date))
)

select * from final
