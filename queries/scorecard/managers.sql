-- Customer managers and their rooms at the end of a month (the per-manager scorecard).
--
-- Grain: one row per customer manager whose latest role period on or before $month_end
-- names a room; key staff_hash. Columns: staff_hash (keyed hash of the 工号), room_id,
-- former_role, assigned_on. The ledger records no manager on a visit, so a manager's
-- figures are their room's shared among the room's managers (dashboard.analysis.scorecard).
-- Source: staff. Params: $month_end (date; NULL = latest).
with

latest as (
    select staff_hash, room_id, former_role, current_role, assigned_on
    from staff
    where $month_end is null or assigned_on is null or assigned_on <= cast($month_end as date)
    qualify row_number() over (partition by staff_hash order by assigned_on desc nulls last) = 1
),

final as (
    select
        -- ids
        staff_hash,
        room_id,
        -- attributes
        former_role,
        -- dates
        assigned_on
    from latest
    where current_role = 'customer_manager' and room_id is not null
)

select * from final
order by room_id, staff_hash
