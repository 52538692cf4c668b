-- Community-month panel: business-hall queue tickets per 1,000 households
-- (营业厅到厅业务量 每千户).
--
-- Grain: one row per (community, month); key (community_id, month_on). Balanced:
-- months without tickets count 0. Input to dashboard.analysis.effects.
--
-- Reads the rollup eff_ticket_cell (queries/rollups/11_effect_cells.sql) through the macro
-- eff_rate_panel (queries/macros/eff_base.sql), shared with hotline_per_1k_households.
-- Outcome y = tickets whose community_id is the community, issued in the month (any
-- outcome: served, no-show, cancelled: each is a trip to the hall), * 1000 / households.
-- Tickets without community_id cannot be placed and are not counted.
--
-- Params (NULL = all / open end)
--   $date_from, $date_to  dates; widened to whole calendar months
--   $districts            communities.district
--   $waves                served communities of these waves; never-served always kept
--   $hall_ids             count only tickets of these halls
--   $service_types        count only tickets of these service types
select * from eff_rate_panel($date_from, $date_to, $districts, $waves, 'tickets',
                              $hall_ids, $service_types, null, null)
