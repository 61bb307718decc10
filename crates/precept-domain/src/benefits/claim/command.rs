//! What may be asked of a claim. Commands that assess carry the year's settings, read by the
//! application service, so the decision is pure.

use chrono::NaiveDate;

use super::types::{Circumstances, ClaimDetails, UcFacts};
use crate::benefits::overpayment::OverpaymentClass;
use crate::benefits::settings::SettingsTimeline;
use crate::money::Pence;

/// A request to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimCommand {
    /// Record a new claim.
    Receive(ClaimDetails),
    /// Ask for evidence.
    RequestEvidence {
        /// When.
        on: NaiveDate,
        /// What.
        items: Vec<String>,
    },
    /// The evidence arrived.
    ReceiveEvidence {
        /// When.
        on: NaiveDate,
    },
    /// Assess and decide a new claim: award or refuse.
    Decide {
        /// Decision date.
        on: NaiveDate,
        /// The circumstances found.
        circumstances: Circumstances,
        /// The settings versions the decision spans.
        settings: std::sync::Arc<SettingsTimeline>,
    },
    /// Refuse without an assessment (e.g. not eligible to claim HB, REFERENCE §3.1).
    Refuse {
        /// Decision date.
        on: NaiveDate,
        /// Reason codes.
        reasons: Vec<String>,
    },
    /// A change of circumstances: reassess from its effective date.
    ReportChange {
        /// When the council learned of it.
        reported: NaiveDate,
        /// When it takes effect.
        effective: NaiveDate,
        /// Decision date.
        on: NaiveDate,
        /// The new circumstances.
        circumstances: Circumstances,
        /// The class any overpayment it causes falls in.
        class: OverpaymentClass,
        /// Whether the claimant could reasonably have realised they were overpaid.
        could_have_realised: bool,
        /// The settings versions the decision spans.
        settings: std::sync::Arc<SettingsTimeline>,
    },
    /// Suspend payment.
    Suspend {
        /// When.
        on: NaiveDate,
        /// Reason code.
        reason: String,
    },
    /// Lift a suspension.
    Resume {
        /// When.
        on: NaiveDate,
    },
    /// End the claim from a date.
    End {
        /// Decision date.
        on: NaiveDate,
        /// First day without benefit.
        from: NaiveDate,
        /// Reason code.
        reason: String,
        /// The class of any overpayment a backdated end causes.
        class: OverpaymentClass,
        /// Whether the claimant could reasonably have realised.
        could_have_realised: bool,
    },
    /// Pay the next week of Housing Benefit, deducting towards overpayments.
    PayHbWeek {
        /// The week's first day (the day after the last paid, or the award's start).
        from: NaiveDate,
        /// The year's settings (recovery rates).
        settings: std::sync::Arc<SettingsTimeline>,
    },
    /// Recover an overpayment by invoice instead of deduction.
    InvoiceOverpayment {
        /// Which.
        number: u32,
        /// When.
        on: NaiveDate,
    },
    /// Money received against an invoiced overpayment.
    RecordOverpaymentReceipt {
        /// Which.
        number: u32,
        /// How much.
        amount: Pence,
        /// When.
        on: NaiveDate,
    },
    /// Write off what is left of an overpayment.
    WriteOffOverpayment {
        /// Which.
        number: u32,
        /// When.
        on: NaiveDate,
        /// Reason code.
        reason: String,
    },
    /// Refer suspected fraud.
    ReferFraud {
        /// When.
        on: NaiveDate,
        /// Reason code.
        reason: String,
    },
    /// Apply a UC notification by the council's rules, or raise a work item.
    ApplyUc {
        /// The file's date (the decision date for automatic changes).
        file_date: NaiveDate,
        /// The notification.
        facts: UcFacts,
        /// The settings versions the decision spans.
        settings: std::sync::Arc<SettingsTimeline>,
    },
    /// An officer dealt with a work item.
    CloseWorkItem {
        /// The item.
        item: String,
        /// When.
        on: NaiveDate,
    },
}
