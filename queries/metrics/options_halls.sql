-- Filter options: business halls. Grain: one row per hall. Params: $districts.
select hall_id, coalesce(name, hall_id) as name, district
from agg_hall
where $districts is null or district = any($districts)
order by hall_id
