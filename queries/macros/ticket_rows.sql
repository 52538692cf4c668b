-- Counter-ticket cells of a range of days under the global filters, at month grain:
-- whole months from the month-grain rollup, the partial months at either end from the
-- day-grain rollup (see date_range.sql), so sums over the rows are exact for any range.
-- One row per rollup cell: hall_id, service_type, month_on, n_tickets, n_served,
-- n_no_show, n_cancelled, n_waited, sum_wait_s, max_wait_s, first_day_on, last_day_on.
-- Filters (NULL = all): p_districts (the hall's district), p_hall_ids, p_service_types,
-- p_waves (the wave of the ticket's community).
--
-- ticket_rows is what the named queries call: it reads the rollup the view needs.
-- ticket_rows_wave reads agg_ticket_month / agg_ticket_day (with a wave column);
-- ticket_rows_hall reads agg_ticket_ht_month / agg_ticket_ht_day (~10x fewer rows, no
-- wave), enough when no wave filter is set.

create or replace macro ticket_rows_wave(p_from, p_to, p_districts, p_hall_ids, p_waves, p_service_types) as table
with

cells as (
    -- whole months
    select t.hall_id, t.service_type, t.month_on, t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.first_day_on, t.last_day_on, t.wave
    from agg_ticket_month as t
    where month_in_range(t.month_on, p_from, p_to)
    union all
    -- the partial months at either end
    select t.hall_id, t.service_type, cast(date_trunc('month', t.day_on) as date) as month_on,
        t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.day_on as first_day_on, t.day_on as last_day_on, t.wave
    from edge_days('agg_ticket_day', p_from, p_to) as t
)

select c.* exclude (wave)
from cells as c
where (p_districts is null
       or c.hall_id in (select hall_id from agg_hall where list_contains(p_districts, district)))
  and (p_hall_ids is null or list_contains(p_hall_ids, c.hall_id))
  and (p_service_types is null or list_contains(p_service_types, c.service_type))
  and (p_waves is null or list_contains(p_waves, c.wave));

create or replace macro ticket_rows_hall(p_from, p_to, p_districts, p_hall_ids, p_service_types) as table
with

cells as (
    select t.hall_id, t.service_type, t.month_on, t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.first_day_on, t.last_day_on
    from agg_ticket_ht_month as t
    where month_in_range(t.month_on, p_from, p_to)
    union all
    select t.hall_id, t.service_type, cast(date_trunc('month', t.day_on) as date) as month_on,
        t.n_tickets, t.n_served, t.n_no_show, t.n_cancelled,
        t.n_waited, t.sum_wait_s, t.max_wait_s, t.day_on as first_day_on, t.day_on as last_day_on
    from edge_days('agg_ticket_ht_day', p_from, p_to) as t
)

select c.*
from cells as c
where (p_districts is null
       or c.hall_id in (select hall_id from agg_hall where list_contains(p_districts, district)))
  and (p_hall_ids is null or list_contains(p_hall_ids, c.hall_id))
  and (p_service_types is null or list_contains(p_service_types, c.service_type));

create or replace macro ticket_rows(p_from, p_to, p_districts, p_hall_ids, p_waves, p_service_types) as table
-- The parameters are constants when DuckDB plans a query, so the branch whose condition is
-- false is pruned before any table is read (tests/test_macros.py checks the plans).
select * from ticket_rows_hall(p_from, p_to, p_districts, p_hall_ids, p_service_types)
where p_waves is null
union all
select * from ticket_rows_wave(p_from, p_to, p_districts, p_hall_ids, p_waves, p_service_types)
where p_waves is not null;
