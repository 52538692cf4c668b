-- The fault-repair commitments an order is held to, by its area (urban_rural): arrival on
-- site in minutes (urban, rural, else the remote target) and restoration in hours (urban,
-- else the rural target). The targets come in as parameters (settings.TARGETS); read by
-- metrics/faults_monthly.sql and metrics/faults_monthly_hist.sql.
create or replace macro arrival_target_min(urban_rural, p_urban_min, p_rural_min, p_remote_min) as
    case urban_rural
        when 'urban' then cast(p_urban_min as double)
        when 'rural' then cast(p_rural_min as double)
        else cast(p_remote_min as double)
    end;

create or replace macro restore_target_h(urban_rural, p_urban_h, p_rural_h) as
    case urban_rural
        when 'urban' then cast(p_urban_h as double)
        else cast(p_rural_h as double)
    end;
