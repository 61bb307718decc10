-- The first read model: one row per Council Tax account with its balance.
-- Written identically for SQLite and PostgreSQL; money is BIGINT pence, dates are ISO text.
CREATE TABLE account_balances (
    council             TEXT   NOT NULL,
    account_id          TEXT   NOT NULL,
    uprn                BIGINT NOT NULL,
    liability_start     TEXT   NOT NULL,
    liable_parties      BIGINT NOT NULL,
    balance_owed_pence  BIGINT NOT NULL,
    payments_count      BIGINT NOT NULL,
    version             BIGINT NOT NULL,
    last_sequence       BIGINT NOT NULL,
    PRIMARY KEY (council, account_id)
);

-- Where each projector is in each council's stream; written in the same transaction as the rows.
CREATE TABLE projector_checkpoints (
    projector      TEXT   NOT NULL,
    council        TEXT   NOT NULL,
    last_sequence  BIGINT NOT NULL,
    PRIMARY KEY (projector, council)
);
