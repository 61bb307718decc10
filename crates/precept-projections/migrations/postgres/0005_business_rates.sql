-- The business rates read model, folded by the ct-billing projector in the same transaction
-- as Council Tax (one projector per council stream). Money is BIGINT pence, dates ISO text.

-- One row per account: the folded domain state (doc) and the columns queries filter on.
-- collected_by is the agent council collecting for the billing authority now, if any.
CREATE TABLE nndr_accounts (
    council           TEXT     NOT NULL,
    account_id        TEXT     NOT NULL,
    hereditament      BIGINT   NOT NULL,
    liability_start   TEXT     NOT NULL,
    liability_end     TEXT,
    balance_pence     BIGINT   NOT NULL,
    credit_pence      BIGINT   NOT NULL,
    collected_by      TEXT,
    doc               TEXT     NOT NULL,
    last_sequence     BIGINT   NOT NULL,
    PRIMARY KEY (council, account_id)
);
CREATE INDEX nndr_accounts_by_hereditament ON nndr_accounts (council, hereditament);
CREATE INDEX nndr_accounts_by_agent ON nndr_accounts (collected_by);

-- Each billed account-year's latest notice: the collectable debit and reliefs by type.
CREATE TABLE nndr_years (
    council               TEXT     NOT NULL,
    account_id            TEXT     NOT NULL,
    year                  INTEGER  NOT NULL,
    rateable_value        BIGINT   NOT NULL,
    multiplier_kind       TEXT     NOT NULL,
    gross_pence           BIGINT   NOT NULL,
    supplement_pence      BIGINT   NOT NULL,
    transitional_pence    BIGINT   NOT NULL,
    empty_relief_pence    BIGINT   NOT NULL,
    charity_relief_pence  BIGINT   NOT NULL,
    sbrr_pence            BIGINT   NOT NULL,
    charity_top_up_pence  BIGINT   NOT NULL,
    rhl_relief_pence      BIGINT   NOT NULL,
    net_pence             BIGINT   NOT NULL,
    costs_pence           BIGINT   NOT NULL,
    paid_pence            BIGINT   NOT NULL,
    stage                 TEXT     NOT NULL,
    PRIMARY KEY (council, account_id, year)
);
CREATE INDEX nndr_years_by_year ON nndr_years (council, year);

-- The same notices' charges split by the multiplier each period used (a year can change
-- multiplier when its value or occupation does): the NNDR1 split by multiplier. Rewritten
-- whole for an account-year whenever its notice changes.
CREATE TABLE nndr_year_multipliers (
    council               TEXT     NOT NULL,
    account_id            TEXT     NOT NULL,
    year                  INTEGER  NOT NULL,
    multiplier_kind       TEXT     NOT NULL,
    rateable_value        BIGINT   NOT NULL,
    days                  BIGINT   NOT NULL,
    gross_pence           BIGINT   NOT NULL,
    supplement_pence      BIGINT   NOT NULL,
    transitional_pence    BIGINT   NOT NULL,
    empty_relief_pence    BIGINT   NOT NULL,
    charity_relief_pence  BIGINT   NOT NULL,
    sbrr_pence            BIGINT   NOT NULL,
    charity_top_up_pence  BIGINT   NOT NULL,
    rhl_relief_pence      BIGINT   NOT NULL,
    net_pence             BIGINT   NOT NULL,
    PRIMARY KEY (council, account_id, year, multiplier_kind)
);
CREATE INDEX nndr_year_multipliers_by_year ON nndr_year_multipliers (council, year);

-- Statement lines, never updated. collected_by is the agent acting on the line's date.
CREATE TABLE nndr_lines (
    council        TEXT     NOT NULL,
    sequence       BIGINT   NOT NULL,
    position       BIGINT   NOT NULL,
    account_id     TEXT     NOT NULL,
    entry_date     TEXT     NOT NULL,
    kind           TEXT     NOT NULL,
    year           INTEGER,
    amount_pence   BIGINT   NOT NULL,
    reference      TEXT     NOT NULL,
    collected_by   TEXT,
    PRIMARY KEY (council, sequence, position)
);
CREATE INDEX nndr_lines_by_account ON nndr_lines (council, account_id);
CREATE INDEX nndr_lines_by_date ON nndr_lines (council, entry_date);

CREATE TABLE nndr_hereditaments (
    council          TEXT     NOT NULL,
    uprn             BIGINT   NOT NULL,
    rateable_value   BIGINT   NOT NULL,
    listed_from      TEXT     NOT NULL,
    removed_from     TEXT,
    doc              TEXT     NOT NULL,
    last_sequence    BIGINT   NOT NULL,
    PRIMARY KEY (council, uprn)
);

-- Agencies: which council collects for which billing authority, and when.
CREATE TABLE nndr_agencies (
    council      TEXT     NOT NULL,
    agent        TEXT     NOT NULL,
    doc          TEXT     NOT NULL,
    in_force     BIGINT   NOT NULL,
    PRIMARY KEY (council, agent)
);
CREATE INDEX nndr_agencies_by_agent ON nndr_agencies (agent);
