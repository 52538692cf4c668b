-- Community-month panel: mean fault restoration time, hours (故障抢修 恢复送电时长).
--
-- Grain: one row per (community, month) with at least one restored fault order; key
-- (community_id, month_on). NOT balanced: months without faults have no row.
--
-- Outcome y = mean over 95598 orders of category 'fault_repair' with this community_id,
-- received in the month, of restored_at - received_at in hours: the time the customer
-- is without power from the report to restoration (the 3 h urban / 4 h rural
-- commitment is held against the same span). Orders without restored_at, or with
-- restored_at before received_at, are left out.
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months
--   $districts            communities.district
--   $waves                served communities of these waves; never-served always kept
with

bounds as (
    select
        cast(date_trunc('month', coalesce(cast($date_from as date), min(received_at)::date)) as date)
            as first_month_on,
        cast(date_trunc('month', coalesce(cast($date_to as date), max(received_at)::date)) as date)
            as last_month_on
    from hotline_orders
    where community_id is not null and category = 'fault_repair'
),

units as (
    select
        c.community_id,
        t.first_opened_on
    from communities as c
    left join community_treatment as t using (community_id)
    where ($districts is null or c.district = any($districts))
      and ($waves is null or coalesce(t.wave, 'none') = 'none' or t.wave = any($waves))
),

restorations as (
    select
        o.community_id,
        cast(date_trunc('month', o.received_at) as date) as month_on,
        count(*) as n_restored,
        avg(epoch(o.restored_at - o.received_at) / 3600.0) as restoration_mean_h
    from hotline_orders as o
    where o.community_id is not null
      and o.category = 'fault_repair'
      and o.restored_at is not null
      and o.restored_at >= o.received_at
      and o.received_at >= (select first_month_on from bounds)
      and o.received_at < (select last_month_on from bounds) + interval 1 month
    group by all
),

final as (
    select
        -- ids
        u.community_id,
        r.month_on,
        u.first_opened_on,
        -- numerics
        r.n_restored as n_obs,
        r.restoration_mean_h as y
    from units as u
    inner join restorations as r using (community_id)
)

select * from final
order by community_id, month_on
