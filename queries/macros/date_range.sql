-- Reading a range of days from rollups kept at two grains (see rollups/21_tickets.sql):
-- whole calendar months inside [p_from, p_to] come from a month-grain table, the partial
-- months at either end from the day-grain table of the same shape, the head and tail read
-- apart so each touches only its own days. These three predicates say which rows of each
-- grain belong to the range; together they count every day of the range exactly once.
-- p_from / p_to are inclusive days (DATE, or NULL = open end).
-- Defined as temporary macros on every connection that runs named queries
-- (dashboard.warehouse.define_macros); inlined by DuckDB, so row-group skipping on
-- month_on / day_on works as if the predicate were written out.

-- a month-grain row whose whole calendar month lies inside the range
create or replace macro month_in_range(month_on, p_from, p_to) as
    (p_from is null or month_on >= cast(p_from as date))
    and (p_to is null or last_day(month_on) <= cast(p_to as date));

-- a day-grain row inside the range (the exact days, read from the day grain alone)
create or replace macro day_in_range(day_on, p_from, p_to) as
    (p_from is null or day_on >= cast(p_from as date))
    and (p_to is null or day_on <= cast(p_to as date));

-- a day-grain row in the partial month the range starts in (none when the range starts
-- on the 1st of a month or has no start)
create or replace macro day_in_head(day_on, p_from, p_to) as
    coalesce(cast(p_from as date) > date_trunc('month', cast(p_from as date)), false)
    and day_on >= cast(p_from as date)
    and day_on <= least(last_day(cast(p_from as date)),
                        coalesce(cast(p_to as date), last_day(cast(p_from as date))));

-- a day-grain row in the partial month the range ends in (none when the range ends on the
-- last day of a month, has no end, or the head already holds that month)
create or replace macro day_in_tail(day_on, p_from, p_to) as
    coalesce(cast(p_to as date) < last_day(cast(p_to as date)), false)
    and day_on >= greatest(date_trunc('month', cast(p_to as date)),
                           coalesce(cast(p_from as date), date '0001-01-01'))
    and day_on <= cast(p_to as date)
    and not coalesce(cast(p_from as date) > date_trunc('month', cast(p_from as date))
        and date_trunc('month', cast(p_from as date)) = date_trunc('month', cast(p_to as date)), false);

-- a month-grain row of a monthly metric: its calendar month overlaps the range (whole
-- calendar months overlapping [p_from, p_to]; month_on is the month's first day)
create or replace macro month_overlaps(month_on, p_from, p_to) as
    (p_from is null or month_on >= date_trunc('month', cast(p_from as date)))
    and (p_to is null or month_on <= cast(p_to as date));

-- the rows of a day-grain table (p_table: its name, a constant; a day_on column) in the
-- partial months at either end of the range, the head and the tail read apart (each
-- branch's day range is pushed into its own scan, so each touches only its own row groups)
create or replace macro edge_days(p_table, p_from, p_to) as table
select * from query_table(p_table) where day_in_head(day_on, p_from, p_to)
union all
select * from query_table(p_table) where day_in_tail(day_on, p_from, p_to);
