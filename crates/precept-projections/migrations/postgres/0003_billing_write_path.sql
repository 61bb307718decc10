-- The year listing joins ct_account_years on its primary key, so the second index by year
-- only cost every notice one more B-tree write (docs/PERFORMANCE.md, annual-billing).
DROP INDEX ct_account_years_by_year;
