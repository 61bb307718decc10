//! Stored encodings of the benefits aggregates, schema version 1: the year's settings
//! (`benefits-year`: `BenefitSettingsSet`), claims (`benefit-claim`: `ClaimReceived`,
//! `ClaimAwarded`, `ClaimReassessed`, `OverpaymentIdentified`, ...) and UC imports
//! (`uc-import`: `UcFileImported`, `UnmatchedRecordClosed`).
//!
//! The event envelopes are hand-written DTOs like every other encoding. Inside them, the
//! assessment values (`HbParameters`, `CtrScheme`, the circumstances and the figures) are
//! stored in the domain types' own serde form: they are wide tables whose every field is a
//! fact of the decision, and mirroring each by hand would double the code without making
//! history safer. Those types' serde forms are therefore part of this contract: the golden
//! tests below pin them, so renaming a field fails a test instead of history; a change of
//! meaning still needs a new schema version here.

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::benefits::claim::{
    BenefitClaim, ChangeSource, Circumstances, ClaimDetails, ClaimEvent, ClaimState, Figures, FraudBody, Overpayment,
    RecoveryMethod, UcOutcome, WorkReason,
};
use precept_domain::benefits::settings::{BenefitSettings, BenefitSettingsSet, BenefitYear, BenefitYearState};
use precept_domain::benefits::uc_import::{FileDigest, ImportEvent, ImportState, ImportSummary, UcImport};
use precept_domain::council_year::CouncilYearId;
use precept_domain::ids::ClaimId;
use precept_domain::{AggregateKind, Pence};
use serde::{Deserialize, Serialize};

use super::json::invalid;
use super::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

/// Splits a `{"type":..,"data":..}` DTO into an [`EncodedEvent`] of schema 1.
fn encode_tagged<T: Serialize>(dto: &T) -> EncodedEvent {
    #[derive(Deserialize)]
    struct Tagged {
        #[serde(rename = "type")]
        event_type: String,
        data: Box<serde_json::value::RawValue>,
    }
    let text = serde_json::to_string(dto).expect("benefit DTOs are plain data: always serialisable");
    let tagged: Tagged = serde_json::from_str(&text).expect("a tagged DTO has a type and data");
    EncodedEvent {
        event_type: tagged.event_type,
        schema: 1,
        data: tagged.data,
    }
}

/// The inverse of [`encode_tagged`], for schema 1 only.
fn decode_tagged<T: for<'de> Deserialize<'de>>(event: &EncodedEvent, what: &'static str) -> Result<T, DecodeError> {
    if event.schema != 1 {
        return Err(DecodeError::Unknown {
            what,
            name: event.event_type.clone(),
            version: event.schema,
        });
    }
    let text = format!(
        "{{\"type\":{},\"data\":{}}}",
        serde_json::to_string(&event.event_type).expect("a string serialises"),
        event.data.get()
    );
    serde_json::from_str(&text).map_err(|source| DecodeError::Malformed { what, source })
}

#[derive(Debug, Serialize, Deserialize)]
struct SettingsV1 {
    effective_from: NaiveDate,
    settings: BenefitSettings,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum YearEventV1 {
    BenefitSettingsSet(SettingsV1),
}

impl StoredAggregate for BenefitYear {
    fn encode_event(event: &BenefitSettingsSet) -> EncodedEvent {
        encode_tagged(&YearEventV1::BenefitSettingsSet(SettingsV1 {
            effective_from: event.effective_from,
            settings: event.settings.clone(),
        }))
    }

    fn decode_event(event: &EncodedEvent) -> Result<BenefitSettingsSet, DecodeError> {
        let YearEventV1::BenefitSettingsSet(set) = decode_tagged(event, "benefits-year event")?;
        Ok(BenefitSettingsSet {
            effective_from: set.effective_from,
            settings: set.settings,
        })
    }

    fn parse_id(text: &str) -> Result<CouncilYearId, DecodeError> {
        text.parse().map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &BenefitYearState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(BenefitYearState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SourceV1 {
    Reported,
    UcNotification,
}

#[derive(Debug, Serialize, Deserialize)]
struct DecisionV1 {
    on: NaiveDate,
    from: NaiveDate,
    circumstances: Circumstances,
    figures: Figures,
}

#[derive(Debug, Serialize, Deserialize)]
struct OverpaymentV1 {
    number: u32,
    class: String,
    from: NaiveDate,
    through: NaiveDate,
    amount_pence: i64,
    recoverable: bool,
    method: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum ClaimEventV1 {
    ClaimReceived(ClaimDetails),
    EvidenceRequested {
        on: NaiveDate,
        items: Vec<String>,
    },
    EvidenceReceived {
        on: NaiveDate,
    },
    ClaimAwarded(DecisionV1),
    ClaimRefused {
        on: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        figures: Option<Figures>,
        reasons: Vec<String>,
    },
    ChangeReported {
        reported: NaiveDate,
        effective: NaiveDate,
        source: SourceV1,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record_id: Option<String>,
    },
    ClaimReassessed(DecisionV1),
    ClaimSuspended {
        on: NaiveDate,
        reason: String,
    },
    ClaimResumed {
        on: NaiveDate,
    },
    ClaimEnded {
        on: NaiveDate,
        from: NaiveDate,
        reason: String,
    },
    HousingBenefitPaid {
        from: NaiveDate,
        through: NaiveDate,
        gross_pence: i64,
        deducted_pence: i64,
    },
    OverpaymentIdentified(OverpaymentV1),
    OverpaymentRecovered {
        number: u32,
        amount_pence: i64,
        method: String,
        on: NaiveDate,
    },
    OverpaymentReduced {
        number: u32,
        by_pence: i64,
        on: NaiveDate,
    },
    OverpaymentInvoiced {
        number: u32,
        on: NaiveDate,
    },
    OverpaymentWrittenOff {
        number: u32,
        amount_pence: i64,
        on: NaiveDate,
        reason: String,
    },
    FraudReferred {
        on: NaiveDate,
        to: String,
        reason: String,
    },
    UcNotificationHandled {
        record_id: String,
        file_date: NaiveDate,
        outcome: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        work_reason: Option<String>,
    },
    WorkItemRaised {
        item: String,
        on: NaiveDate,
        reason: String,
    },
    WorkItemClosed {
        item: String,
        on: NaiveDate,
    },
}

fn method_from(code: &str) -> Result<RecoveryMethod, DecodeError> {
    match code {
        "deduction" => Ok(RecoveryMethod::Deduction),
        "invoice" => Ok(RecoveryMethod::Invoice),
        _ => Err(DecodeError::InvalidField { field: "method" }),
    }
}

fn reason_from(code: &str) -> Result<WorkReason, DecodeError> {
    WorkReason::parse(code).ok_or(DecodeError::InvalidField { field: "reason" })
}

fn outcome_v1(outcome: UcOutcome) -> (String, Option<String>) {
    let reason = match outcome {
        UcOutcome::WorkItem(reason) => Some(reason.code().to_owned()),
        _ => None,
    };
    (outcome.code().to_owned(), reason)
}

fn outcome_from(code: &str, reason: Option<&str>) -> Result<UcOutcome, DecodeError> {
    match (code, reason) {
        ("same_band", None) => Ok(UcOutcome::SameBand),
        ("within_tolerance", None) => Ok(UcOutcome::WithinTolerance),
        ("reassessed", None) => Ok(UcOutcome::Reassessed),
        ("work_item", Some(reason)) => Ok(UcOutcome::WorkItem(reason_from(reason)?)),
        _ => Err(DecodeError::InvalidField { field: "outcome" }),
    }
}

fn decision(on: NaiveDate, from: NaiveDate, circumstances: &Circumstances, figures: &Figures) -> DecisionV1 {
    DecisionV1 {
        on,
        from,
        circumstances: circumstances.clone(),
        figures: figures.clone(),
    }
}

fn claim_v1(event: &ClaimEvent) -> ClaimEventV1 {
    match event.clone() {
        ClaimEvent::Received(details) => ClaimEventV1::ClaimReceived(details),
        ClaimEvent::EvidenceRequested { on, items } => ClaimEventV1::EvidenceRequested { on, items },
        ClaimEvent::EvidenceReceived { on } => ClaimEventV1::EvidenceReceived { on },
        ClaimEvent::Awarded {
            on,
            from,
            circumstances,
            figures,
        } => ClaimEventV1::ClaimAwarded(decision(on, from, &circumstances, &figures)),
        ClaimEvent::Refused { on, figures, reasons } => ClaimEventV1::ClaimRefused { on, figures, reasons },
        ClaimEvent::ChangeReported {
            reported,
            effective,
            source,
        } => {
            let (source, record_id) = match source {
                ChangeSource::Reported => (SourceV1::Reported, None),
                ChangeSource::UcNotification(record) => (SourceV1::UcNotification, Some(record)),
            };
            ClaimEventV1::ChangeReported {
                reported,
                effective,
                source,
                record_id,
            }
        }
        ClaimEvent::Reassessed {
            on,
            from,
            circumstances,
            figures,
        } => ClaimEventV1::ClaimReassessed(decision(on, from, &circumstances, &figures)),
        ClaimEvent::Suspended { on, reason } => ClaimEventV1::ClaimSuspended { on, reason },
        ClaimEvent::Resumed { on } => ClaimEventV1::ClaimResumed { on },
        ClaimEvent::Ended { on, from, reason } => ClaimEventV1::ClaimEnded { on, from, reason },
        ClaimEvent::HbPaid {
            from,
            through,
            gross,
            deducted,
        } => ClaimEventV1::HousingBenefitPaid {
            from,
            through,
            gross_pence: gross.get(),
            deducted_pence: deducted.get(),
        },
        ClaimEvent::OverpaymentIdentified(o) => ClaimEventV1::OverpaymentIdentified(OverpaymentV1 {
            number: o.number,
            class: o.class.code().to_owned(),
            from: o.from,
            through: o.through,
            amount_pence: o.amount.get(),
            recoverable: o.recoverable,
            method: o.method.code().to_owned(),
        }),
        ClaimEvent::OverpaymentRecovered {
            number,
            amount,
            method,
            on,
        } => ClaimEventV1::OverpaymentRecovered {
            number,
            amount_pence: amount.get(),
            method: method.code().to_owned(),
            on,
        },
        ClaimEvent::OverpaymentReduced { number, by, on } => ClaimEventV1::OverpaymentReduced {
            number,
            by_pence: by.get(),
            on,
        },
        ClaimEvent::OverpaymentInvoiced { number, on } => ClaimEventV1::OverpaymentInvoiced { number, on },
        ClaimEvent::OverpaymentWrittenOff {
            number,
            amount,
            on,
            reason,
        } => ClaimEventV1::OverpaymentWrittenOff {
            number,
            amount_pence: amount.get(),
            on,
            reason,
        },
        ClaimEvent::FraudReferred { on, to, reason } => ClaimEventV1::FraudReferred {
            on,
            to: match to {
                FraudBody::Dwp => "dwp",
                FraudBody::Council => "council",
            }
            .to_owned(),
            reason,
        },
        ClaimEvent::UcNotificationHandled {
            record_id,
            file_date,
            outcome,
        } => {
            let (outcome, work_reason) = outcome_v1(outcome);
            ClaimEventV1::UcNotificationHandled {
                record_id,
                file_date,
                outcome,
                work_reason,
            }
        }
        ClaimEvent::WorkItemRaised { item, on, reason } => ClaimEventV1::WorkItemRaised {
            item,
            on,
            reason: reason.code().to_owned(),
        },
        ClaimEvent::WorkItemClosed { item, on } => ClaimEventV1::WorkItemClosed { item, on },
    }
}

fn claim_from_v1(dto: ClaimEventV1) -> Result<ClaimEvent, DecodeError> {
    Ok(match dto {
        ClaimEventV1::ClaimReceived(details) => ClaimEvent::Received(details),
        ClaimEventV1::EvidenceRequested { on, items } => ClaimEvent::EvidenceRequested { on, items },
        ClaimEventV1::EvidenceReceived { on } => ClaimEvent::EvidenceReceived { on },
        ClaimEventV1::ClaimAwarded(d) => ClaimEvent::Awarded {
            on: d.on,
            from: d.from,
            circumstances: d.circumstances,
            figures: d.figures,
        },
        ClaimEventV1::ClaimRefused { on, figures, reasons } => ClaimEvent::Refused { on, figures, reasons },
        ClaimEventV1::ChangeReported {
            reported,
            effective,
            source,
            record_id,
        } => ClaimEvent::ChangeReported {
            reported,
            effective,
            source: match (source, record_id) {
                (SourceV1::Reported, None) => ChangeSource::Reported,
                (SourceV1::UcNotification, Some(record)) => ChangeSource::UcNotification(record),
                _ => return Err(DecodeError::InvalidField { field: "record_id" }),
            },
        },
        ClaimEventV1::ClaimReassessed(d) => ClaimEvent::Reassessed {
            on: d.on,
            from: d.from,
            circumstances: d.circumstances,
            figures: d.figures,
        },
        ClaimEventV1::ClaimSuspended { on, reason } => ClaimEvent::Suspended { on, reason },
        ClaimEventV1::ClaimResumed { on } => ClaimEvent::Resumed { on },
        ClaimEventV1::ClaimEnded { on, from, reason } => ClaimEvent::Ended { on, from, reason },
        ClaimEventV1::HousingBenefitPaid {
            from,
            through,
            gross_pence,
            deducted_pence,
        } => ClaimEvent::HbPaid {
            from,
            through,
            gross: Pence::new(gross_pence),
            deducted: Pence::new(deducted_pence),
        },
        ClaimEventV1::OverpaymentIdentified(o) => ClaimEvent::OverpaymentIdentified(Overpayment {
            number: o.number,
            class: precept_domain::benefits::overpayment::OverpaymentClass::parse(&o.class)
                .ok_or(DecodeError::InvalidField { field: "class" })?,
            from: o.from,
            through: o.through,
            amount: Pence::new(o.amount_pence),
            recoverable: o.recoverable,
            method: method_from(&o.method)?,
            recovered: Pence::ZERO,
            written_off: Pence::ZERO,
        }),
        ClaimEventV1::OverpaymentRecovered {
            number,
            amount_pence,
            method,
            on,
        } => ClaimEvent::OverpaymentRecovered {
            number,
            amount: Pence::new(amount_pence),
            method: method_from(&method)?,
            on,
        },
        ClaimEventV1::OverpaymentReduced { number, by_pence, on } => ClaimEvent::OverpaymentReduced {
            number,
            by: Pence::new(by_pence),
            on,
        },
        ClaimEventV1::OverpaymentInvoiced { number, on } => ClaimEvent::OverpaymentInvoiced { number, on },
        ClaimEventV1::OverpaymentWrittenOff {
            number,
            amount_pence,
            on,
            reason,
        } => ClaimEvent::OverpaymentWrittenOff {
            number,
            amount: Pence::new(amount_pence),
            on,
            reason,
        },
        ClaimEventV1::FraudReferred { on, to, reason } => ClaimEvent::FraudReferred {
            on,
            to: match to.as_str() {
                "dwp" => FraudBody::Dwp,
                "council" => FraudBody::Council,
                _ => return Err(DecodeError::InvalidField { field: "to" }),
            },
            reason,
        },
        ClaimEventV1::UcNotificationHandled {
            record_id,
            file_date,
            outcome,
            work_reason,
        } => ClaimEvent::UcNotificationHandled {
            record_id,
            file_date,
            outcome: outcome_from(&outcome, work_reason.as_deref())?,
        },
        ClaimEventV1::WorkItemRaised { item, on, reason } => ClaimEvent::WorkItemRaised {
            item,
            on,
            reason: reason_from(&reason)?,
        },
        ClaimEventV1::WorkItemClosed { item, on } => ClaimEvent::WorkItemClosed { item, on },
    })
}

impl StoredAggregate for BenefitClaim {
    fn encode_event(event: &ClaimEvent) -> EncodedEvent {
        encode_tagged(&claim_v1(event))
    }

    fn decode_event(event: &EncodedEvent) -> Result<ClaimEvent, DecodeError> {
        claim_from_v1(decode_tagged(event, "benefit-claim event")?)
    }

    fn parse_id(text: &str) -> Result<ClaimId, DecodeError> {
        ClaimId::parse(text).map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &ClaimState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(ClaimState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum ImportEventV1 {
    UcFileImported(ImportSummary),
    UnmatchedRecordClosed { record_id: String, on: NaiveDate },
}

impl StoredAggregate for UcImport {
    fn encode_event(event: &ImportEvent) -> EncodedEvent {
        encode_tagged(&match event.clone() {
            ImportEvent::FileImported(summary) => ImportEventV1::UcFileImported(summary),
            ImportEvent::UnmatchedClosed { record_id, on } => ImportEventV1::UnmatchedRecordClosed { record_id, on },
        })
    }

    fn decode_event(event: &EncodedEvent) -> Result<ImportEvent, DecodeError> {
        Ok(match decode_tagged(event, "uc-import event")? {
            ImportEventV1::UcFileImported(summary) => ImportEvent::FileImported(summary),
            ImportEventV1::UnmatchedRecordClosed { record_id, on } => ImportEvent::UnmatchedClosed { record_id, on },
        })
    }

    fn parse_id(text: &str) -> Result<FileDigest, DecodeError> {
        FileDigest::parse(text).ok_or(DecodeError::InvalidField { field: "aggregate_id" })
    }

    fn encode_snapshot(state: &ImportState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(ImportState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}

#[cfg(test)]
mod tests;
