-- The benefits read model (issue 6), folded by the ct-billing projector in the same batch
-- transaction as the Council Tax and business rates tables, from the council's one stream.

-- One row per claim: where it stands, the hashed NINO the UC import matches on, and the
-- folded state (doc) so the read model applies the command side's own rules.
CREATE TABLE benefit_claims (
    council          TEXT    NOT NULL,
    claim_id         TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    nino_hash        TEXT    NOT NULL,
    account_id       TEXT,
    received         TEXT    NOT NULL,
    decided          TEXT,
    weekly_hb_pence  BIGINT  NOT NULL,
    ctr_percent_bp   BIGINT,
    doc              TEXT    NOT NULL,
    last_sequence    BIGINT  NOT NULL,
    PRIMARY KEY (council, claim_id)
) WITHOUT ROWID;
CREATE INDEX benefit_claims_by_nino ON benefit_claims (council, nino_hash);

-- Work needing an officer: UC records on a claim (source = the claim id) and records no claim
-- matched (source = the file's digest). Oldest first by raised.
CREATE TABLE benefit_work_items (
    council   TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    item      TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    raised    TEXT    NOT NULL,
    closed    TEXT,
    PRIMARY KEY (council, source, item)
) WITHOUT ROWID;
CREATE INDEX benefit_work_items_open ON benefit_work_items (council, closed, raised);

-- Every decision with the day its request arrived (REFERENCE §3.4): new claims from receipt,
-- changes from the day reported; insert-only, keyed by the commit and the event's place in it.
CREATE TABLE benefit_decisions (
    council     TEXT    NOT NULL,
    sequence    BIGINT  NOT NULL,
    position    BIGINT  NOT NULL,
    claim_id    TEXT    NOT NULL,
    claim_kind  TEXT    NOT NULL,
    measure     TEXT    NOT NULL,
    received    TEXT    NOT NULL,
    decided     TEXT    NOT NULL,
    days        BIGINT  NOT NULL,
    automated   BIGINT  NOT NULL,
    PRIMARY KEY (council, sequence, position)
) WITHOUT ROWID;
CREATE INDEX benefit_decisions_by_day ON benefit_decisions (council, decided);

-- Each imported UC file's outcome counts.
CREATE TABLE uc_imports (
    council           TEXT    NOT NULL,
    digest            TEXT    NOT NULL,
    file_date         TEXT    NOT NULL,
    lines             BIGINT  NOT NULL,
    automated         BIGINT  NOT NULL,
    needing_officer   BIGINT  NOT NULL,
    unmatched         BIGINT  NOT NULL,
    rejected          BIGINT  NOT NULL,
    already_handled   BIGINT  NOT NULL,
    PRIMARY KEY (council, digest)
) WITHOUT ROWID;
CREATE INDEX uc_imports_by_date ON uc_imports (council, file_date);

-- Overpayments as they stand.
CREATE TABLE benefit_overpayments (
    council             TEXT    NOT NULL,
    claim_id            TEXT    NOT NULL,
    number              BIGINT  NOT NULL,
    class               TEXT    NOT NULL,
    identified_from     TEXT    NOT NULL,
    amount_pence        BIGINT  NOT NULL,
    recovered_pence     BIGINT  NOT NULL,
    written_off_pence   BIGINT  NOT NULL,
    outstanding_pence   BIGINT  NOT NULL,
    recoverable         BIGINT  NOT NULL,
    method              TEXT    NOT NULL,
    PRIMARY KEY (council, claim_id, number)
) WITHOUT ROWID;
