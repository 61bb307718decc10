//! Activity drivers counted from the accounts' own events over a period (REFERENCE §5.3):
//! notices issued, payments processed, recovery steps and actions. Counted by business date
//! (the notice's issue date, the day money was received, the step's date), so the count for
//! a period does not change when it is counted.

use chrono::NaiveDate;

use crate::account::AccountEvent;
use crate::nndr::account::NndrEvent;

/// Counts over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActivityCounts {
    /// Demand notices issued (first and revised).
    pub bills_issued: u64,
    /// Payments processed.
    pub payments_processed: u64,
    /// Recovery steps and officers' actions.
    pub recovery_actions: u64,
    /// UC notification records handled.
    pub uc_records_handled: u64,
    /// Benefit claims and changes decided.
    pub claims_assessed: u64,
}

/// A kind of work an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActivityKind {
    /// A demand notice issued.
    BillIssued,
    /// A payment processed.
    PaymentProcessed,
    /// A recovery step or action.
    RecoveryAction,
    /// A UC notification record handled (by rule or as a work item).
    UcRecordHandled,
    /// A benefit claim or change decided.
    ClaimAssessed,
}

impl ActivityKind {
    /// The kind's name in read models.
    pub fn name(self) -> &'static str {
        match self {
            ActivityKind::BillIssued => "bills_issued",
            ActivityKind::PaymentProcessed => "payments_processed",
            ActivityKind::RecoveryAction => "recovery_actions",
            ActivityKind::UcRecordHandled => "uc_records_handled",
            ActivityKind::ClaimAssessed => "claims_assessed",
        }
    }
}

/// The work a Council Tax account event records, and its business date.
pub fn council_tax_activity(event: &AccountEvent) -> Option<(ActivityKind, NaiveDate)> {
    match event {
        AccountEvent::BillIssued(bill) => Some((ActivityKind::BillIssued, bill.issue_date)),
        AccountEvent::PaymentPosted(posted) => Some((ActivityKind::PaymentProcessed, posted.received_on)),
        AccountEvent::Recovery(step) => Some((ActivityKind::RecoveryAction, step.event.date())),
        _ => None,
    }
}

/// The work a business rates account event records, and its business date.
pub fn business_rates_activity(event: &NndrEvent) -> Option<(ActivityKind, NaiveDate)> {
    match event {
        NndrEvent::BillIssued(bill) => Some((ActivityKind::BillIssued, bill.issue_date)),
        NndrEvent::PaymentPosted(posted) => Some((ActivityKind::PaymentProcessed, posted.received_on)),
        NndrEvent::Recovery(step) => Some((ActivityKind::RecoveryAction, step.event.date())),
        _ => None,
    }
}

impl ActivityCounts {
    fn add(&mut self, activity: Option<(ActivityKind, NaiveDate)>, from: NaiveDate, to: NaiveDate) {
        match activity {
            Some((kind, date)) if (from..=to).contains(&date) => match kind {
                ActivityKind::BillIssued => self.bills_issued += 1,
                ActivityKind::PaymentProcessed => self.payments_processed += 1,
                ActivityKind::RecoveryAction => self.recovery_actions += 1,
                ActivityKind::UcRecordHandled => self.uc_records_handled += 1,
                ActivityKind::ClaimAssessed => self.claims_assessed += 1,
            },
            _ => {}
        }
    }

    /// Adds a Council Tax account's events dated `from..=to`.
    pub fn add_council_tax<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a AccountEvent>,
        from: NaiveDate,
        to: NaiveDate,
    ) {
        for event in events {
            self.add(council_tax_activity(event), from, to);
        }
    }

    /// Adds a business rates account's events dated `from..=to`.
    pub fn add_business_rates<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a NndrEvent>,
        from: NaiveDate,
        to: NaiveDate,
    ) {
        for event in events {
            self.add(business_rates_activity(event), from, to);
        }
    }
}
