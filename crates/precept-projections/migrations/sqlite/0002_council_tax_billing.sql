-- The Council Tax billing read model. It replaces account_balances: balances are now one
-- column of ct_accounts, folded with the rest of the account.
-- Written identically for SQLite and PostgreSQL; money is BIGINT pence, dates are ISO text.
DROP TABLE account_balances;

-- One row per account: filterable columns, and the folded account as a JSON document.
CREATE TABLE ct_accounts (
    council             TEXT    NOT NULL,
    account_id          TEXT    NOT NULL,
    uprn                BIGINT  NOT NULL,
    liability_start     TEXT    NOT NULL,
    liability_end       TEXT,
    liable_parties      BIGINT  NOT NULL,
    balance_owed_pence  BIGINT  NOT NULL,
    credit_pence        BIGINT  NOT NULL,
    payments_count      BIGINT  NOT NULL,
    first_unpaid_due    TEXT,
    lines               BIGINT  NOT NULL,
    doc                 TEXT    NOT NULL,
    version             BIGINT  NOT NULL,
    last_sequence       BIGINT  NOT NULL,
    PRIMARY KEY (council, account_id)
);
CREATE INDEX ct_accounts_by_property ON ct_accounts (council, uprn);

-- One row per account and billed year, for the year and arrears filters.
CREATE TABLE ct_account_years (
    council           TEXT     NOT NULL,
    account_id        TEXT     NOT NULL,
    year              INTEGER  NOT NULL,
    charge_pence      BIGINT   NOT NULL,
    paid_pence        BIGINT   NOT NULL,
    first_unpaid_due  TEXT,
    PRIMARY KEY (council, account_id, year)
);
CREATE INDEX ct_account_years_by_year ON ct_account_years (council, year, account_id);

-- The statement of account: one line per money event, never updated.
CREATE TABLE ct_statement_lines (
    council       TEXT     NOT NULL,
    account_id    TEXT     NOT NULL,
    line_no       BIGINT   NOT NULL,
    sequence      BIGINT   NOT NULL,
    entry_date    TEXT     NOT NULL,
    kind          TEXT     NOT NULL,
    year          INTEGER,
    amount_pence  BIGINT   NOT NULL,
    reference     TEXT     NOT NULL,
    PRIMARY KEY (council, account_id, line_no)
);

-- Properties, with the band in force from the latest schedule.
CREATE TABLE ct_properties (
    council            TEXT    NOT NULL,
    uprn               BIGINT  NOT NULL,
    address_reference  TEXT    NOT NULL,
    parish_area        TEXT,
    band               TEXT    NOT NULL,
    doc                TEXT    NOT NULL,
    last_sequence      BIGINT  NOT NULL,
    PRIMARY KEY (council, uprn)
);
