-- managers: which rooms each customer manager works (for the open-day schedule).
-- Grain: one row per (staff_hash, room_id); a manager's rooms are every room named in
-- their customer-manager role periods. staff_hash is a keyed hash, never a name.
select distinct
    staff_hash,
    room_id
from staff
where current_role = 'customer_manager'
  and room_id is not null
order by staff_hash, room_id
