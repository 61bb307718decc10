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
}

/// What an event counts as, if anything, and its business date.
enum Activity {
    Bill(NaiveDate),
    Payment(NaiveDate),
    Recovery(NaiveDate),
}

fn council_tax(event: &AccountEvent) -> Option<Activity> {
    match event {
        AccountEvent::BillIssued(bill) => Some(Activity::Bill(bill.issue_date)),
        AccountEvent::PaymentPosted(posted) => Some(Activity::Payment(posted.received_on)),
        AccountEvent::Recovery(step) => Some(Activity::Recovery(step.event.date())),
        _ => None,
    }
}

fn business_rates(event: &NndrEvent) -> Option<Activity> {
    match event {
        NndrEvent::BillIssued(bill) => Some(Activity::Bill(bill.issue_date)),
        NndrEvent::PaymentPosted(posted) => Some(Activity::Payment(posted.received_on)),
        NndrEvent::Recovery(step) => Some(Activity::Recovery(step.event.date())),
        _ => None,
    }
}

impl ActivityCounts {
    fn add(&mut self, activity: Option<Activity>, from: NaiveDate, to: NaiveDate) {
        let inside = |date: NaiveDate| (from..=to).contains(&date);
        match activity {
            Some(Activity::Bill(date)) if inside(date) => self.bills_issued += 1,
            Some(Activity::Payment(date)) if inside(date) => self.payments_processed += 1,
            Some(Activity::Recovery(date)) if inside(date) => self.recovery_actions += 1,
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
            self.add(council_tax(event), from, to);
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
            self.add(business_rates(event), from, to);
        }
    }
}
