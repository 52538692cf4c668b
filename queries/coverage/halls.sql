-- halls: business halls drawn on the coverage map.
-- Grain: one row per hall; key hall_id.
select hall_id, name, district, lon, lat, counters
from business_halls
where lon is not null and lat is not null
order by hall_id
