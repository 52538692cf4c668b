-- Number of rejected rows matching the Data page's filters.
-- Params: $table_name (NULL = all), $reasons (list or NULL = all).
select count(*) as n_rows
from rejects
where ($table_name is null or table_name = $table_name)
  and ($reasons is null or list_contains($reasons, reason))
