-- halls: the business halls of the selection, for the hall-level waiting-time effect.
-- Grain: one row per hall; key hall_id.
--
-- Params (NULL = all)
--   $districts   business_halls.district
--   $hall_ids    business_halls.hall_id
with

final as (
    select
        -- ids
        hall_id,
        name,
        district,
        -- geometry
        lon,
        lat
    from business_halls
    where ($districts is null or district = any($districts))
      and ($hall_ids is null or hall_id = any($hall_ids))
)

select * from final
order by hall_id
