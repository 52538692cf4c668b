-- Complaint orders with their receipt and closing times, for the timeliness standards
-- (contact within 1 working day, reply within 7: settings.TARGETS).
--
-- Grain: one row per 95598 order of category 'complaint'; key order_id.
-- Working days are counted in Python (dashboard.analysis.goal_metrics), not here.
--
-- Columns: order_id, received_at, closed_at (NULL: not closed / not recorded).
-- Source: hotline_orders, agg_community (district and wave of the order's community).
-- Params (NULL = all): $date_from, $date_to (days of received_at), $districts, $waves.
-- Orders without a community count only when no district or wave filter is set.
with

complaints as (
    select
        -- ids
        o.order_id,
        c.district,
        c.wave,
        -- timestamps
        o.received_at,
        o.closed_at
    from hotline_orders as o
    left join agg_community as c using (community_id)
    where o.category = 'complaint'
),

final as (
    select order_id, received_at, closed_at
    from complaints
    where ($date_from is null or cast(received_at as date) >= cast($date_from as date))
      and ($date_to is null or cast(received_at as date) <= cast($date_to as date))
      and ($districts is null or list_contains($districts, district))
      and ($waves is null or list_contains($waves, wave))
)

select * from final
order by received_at, order_id
