-- Money collected in respect of each year, by month (REFERENCE §1.12 in-year collection, §5.4
-- collection fund), for Council Tax and business rates; and each year's billed amount per
-- Council Tax preceptor. Folded by the ct-billing projector from the account commits.
CREATE TABLE collection_monthly (
    council          TEXT     NOT NULL,
    service          TEXT     NOT NULL,
    year             INTEGER  NOT NULL,
    month            TEXT     NOT NULL,
    collected_pence  BIGINT   NOT NULL,
    PRIMARY KEY (council, service, year, month)
) WITHOUT ROWID;

CREATE TABLE ct_year_precepts (
    council        TEXT     NOT NULL,
    year           INTEGER  NOT NULL,
    code           TEXT     NOT NULL,
    kind           TEXT     NOT NULL,
    billed_pence   BIGINT   NOT NULL,
    PRIMARY KEY (council, year, code)
) WITHOUT ROWID;

-- Commits folded before these tables existed are counted by folding every stream again (read
-- models are disposable; the streams are the truth).
DELETE FROM ct_accounts;
DELETE FROM ct_account_years;
DELETE FROM ct_statement_lines;
DELETE FROM ct_properties;
DELETE FROM ct_recovery_years;
DELETE FROM ct_recovery_steps;
DELETE FROM nndr_accounts;
DELETE FROM nndr_years;
DELETE FROM nndr_year_multipliers;
DELETE FROM nndr_lines;
DELETE FROM nndr_hereditaments;
DELETE FROM nndr_agencies;
DELETE FROM activity_daily;
DELETE FROM benefit_claims;
DELETE FROM benefit_work_items;
DELETE FROM benefit_decisions;
DELETE FROM uc_imports;
DELETE FROM benefit_overpayments;
DELETE FROM projector_checkpoints WHERE projector = 'ct-billing';
