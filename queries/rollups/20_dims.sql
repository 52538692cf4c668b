-- Dimension rollups the metric rollups join to: one row per community, one per hall.
--
-- agg_community: grain one row per community; key community_id.
--   district, kind ('urban'/'rural'), households (0 when unknown), wave ('YYYYQn' or
--   'none') and first_opened_on from community_treatment (10_community_treatment.sql).
-- agg_hall: grain one row per business hall; key hall_id; district.
create or replace table agg_community as
with

communities_clean as (
    select
        -- ids
        community_id,
        name,
        district,
        kind,
        -- numerics
        coalesce(households, 0) as households,
        population,
        elderly,
        disabled,
        lon,
        lat
    from communities
),

final as (
    select
        c.*,
        t.first_opened_on,
        coalesce(t.wave, 'none') as wave,
        t.room_id as first_room_id
    from communities_clean as c
    left join community_treatment as t using (community_id)
)

select * from final;

create or replace table agg_hall as
select hall_id, name, district, counters from business_halls;
