-- The recovery read model, folded by the ct-billing projector from the same account events.
-- Money is BIGINT pence, dates are ISO text; written identically for SQLite and PostgreSQL
-- (SQLite also clusters both tables by key).

-- Where recovery stands for each account-year that has had a recovery step.
CREATE TABLE ct_recovery_years (
    council             TEXT     NOT NULL,
    account_id          TEXT     NOT NULL,
    year                INTEGER  NOT NULL,
    stage               TEXT     NOT NULL,
    reminders           BIGINT   NOT NULL,
    hearing             TEXT,
    liability_order_on  TEXT,
    outstanding_pence   BIGINT   NOT NULL,
    costs_pence         BIGINT   NOT NULL,
    written_off_pence   BIGINT   NOT NULL,
    agent_fees_pence    BIGINT   NOT NULL,
    arrangement         BIGINT   NOT NULL,
    remedy              TEXT,
    counterparty        TEXT,
    on_hold             BIGINT   NOT NULL,
    PRIMARY KEY (council, account_id, year)
);
CREATE INDEX ct_recovery_years_by_stage ON ct_recovery_years (council, year, stage);

-- Every recovery step, never updated: the day's notices, summons lists and agent referral
-- files are selections of it. (sequence, position) is the commit and the event's place in it.
CREATE TABLE ct_recovery_steps (
    council        TEXT     NOT NULL,
    sequence       BIGINT   NOT NULL,
    position       BIGINT   NOT NULL,
    account_id     TEXT     NOT NULL,
    year           INTEGER  NOT NULL,
    kind           TEXT     NOT NULL,
    step_date      TEXT     NOT NULL,
    amount_pence   BIGINT   NOT NULL,
    costs_pence    BIGINT   NOT NULL,
    pay_by         TEXT,
    hearing        TEXT,
    counterparty   TEXT,
    detail         TEXT     NOT NULL,
    PRIMARY KEY (council, sequence, position)
);
CREATE INDEX ct_recovery_steps_by_date ON ct_recovery_steps (council, step_date, kind);
CREATE INDEX ct_recovery_steps_by_hearing ON ct_recovery_steps (council, hearing);
CREATE INDEX ct_recovery_steps_by_account ON ct_recovery_steps (council, account_id);

-- Recovery events were recorded before these tables existed, and the ct-billing projector's
-- checkpoint is past them: empty its tables and checkpoint so it folds every council's stream
-- again, recovery included (read models are disposable; the streams are the truth).
DELETE FROM ct_accounts;
DELETE FROM ct_account_years;
DELETE FROM ct_statement_lines;
DELETE FROM ct_properties;
DELETE FROM projector_checkpoints WHERE projector = 'ct-billing';
