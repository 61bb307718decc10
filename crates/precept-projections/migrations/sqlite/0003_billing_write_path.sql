-- SQLite only: keep the billing rows in primary-key order (WITHOUT ROWID). The annual and
-- recovery runs walk accounts in account-id order, so a batch of notices then rewrites
-- neighbouring pages instead of one random page per account, and each table is one B-tree
-- rather than a table plus its key index (docs/PERFORMANCE.md, annual-billing). New databases
-- also use 8 KiB pages (set at connection), which keep a folded account on its leaf page.
-- The year listing joins ct_account_years on its primary key, so its index by year goes.
CREATE TABLE ct_accounts_clustered (
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
) WITHOUT ROWID;
INSERT INTO ct_accounts_clustered SELECT * FROM ct_accounts;
DROP TABLE ct_accounts;
ALTER TABLE ct_accounts_clustered RENAME TO ct_accounts;
CREATE INDEX ct_accounts_by_property ON ct_accounts (council, uprn);

CREATE TABLE ct_account_years_clustered (
    council           TEXT     NOT NULL,
    account_id        TEXT     NOT NULL,
    year              INTEGER  NOT NULL,
    charge_pence      BIGINT   NOT NULL,
    paid_pence        BIGINT   NOT NULL,
    first_unpaid_due  TEXT,
    PRIMARY KEY (council, account_id, year)
) WITHOUT ROWID;
INSERT INTO ct_account_years_clustered SELECT * FROM ct_account_years;
DROP TABLE ct_account_years;
ALTER TABLE ct_account_years_clustered RENAME TO ct_account_years;

CREATE TABLE ct_statement_lines_clustered (
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
) WITHOUT ROWID;
INSERT INTO ct_statement_lines_clustered SELECT * FROM ct_statement_lines;
DROP TABLE ct_statement_lines;
ALTER TABLE ct_statement_lines_clustered RENAME TO ct_statement_lines;
