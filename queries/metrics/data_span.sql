-- First and last day with counter tickets, 95598 orders or room visits (date pickers'
-- bounds). Grain: one row.
select
    least(
        (select min(day_on) from agg_ticket_day),
        (select min(day_on) from agg_hotline_day),
        (select min(day_on) from agg_visit_day)) as first_on,
    greatest(
        (select max(day_on) from agg_ticket_day),
        (select max(day_on) from agg_hotline_day),
        (select max(day_on) from agg_visit_day)) as last_on
