//! Cost lines as a partnership configures them for a year: each names its service and the
//! driver it is shared by, and is turned into a [`CostLine`] once the drivers are measured
//! (REFERENCE §5.3). Caseload drivers come from the read models at a date; activity drivers
//! are counted from the events over the period ([`activity`](super::activity)).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::agreement::{AgreementState, Service};
use super::apportion::{Basis, CostLine, Limits};
use crate::ids::CouncilCode;
use crate::money::Pence;

/// What a line is shared by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Driver {
    /// Council Tax accounts live at the date.
    LiveCouncilTaxAccounts,
    /// Hereditaments with a business rates account at the date.
    Hereditaments,
    /// Benefit claims live at the date.
    BenefitClaims,
    /// Rateable value billed (whole pounds).
    RateableValue,
    /// Demand notices issued in the period.
    BillsIssued,
    /// Payments processed in the period.
    PaymentsProcessed,
    /// Recovery steps and actions in the period.
    RecoveryActions,
    /// Universal Credit records handled in the period.
    UcRecordsHandled,
    /// Benefit claims and changes decided in the period.
    ClaimsAssessed,
}

/// How a configured line is shared.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LineBasis {
    /// Agreed basis points per member.
    Fixed(Vec<(CouncilCode, u32)>),
    /// In proportion to a driver.
    Driver(Driver),
    /// A charge per unit of a driver.
    PerUnit {
        /// The charge.
        rate: Pence,
        /// The units counted.
        driver: Driver,
    },
}

/// A configured line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineSpec {
    /// Name.
    pub name: String,
    /// The service it belongs to: only members taking it share it.
    pub service: Service,
    /// The amount budgeted (or the actual, for an outturn view).
    pub amount: Pence,
    /// How it is shared.
    pub basis: LineBasis,
    /// Caps and floors by member.
    pub limits: Vec<(CouncilCode, Limits)>,
}

/// Measured driver values by driver and member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DriverValues(pub BTreeMap<(Driver, CouncilCode), u64>);

impl DriverValues {
    /// A member's value of a driver (zero if not measured).
    pub fn get(&self, driver: Driver, member: &CouncilCode) -> u64 {
        self.0.get(&(driver, member.clone())).copied().unwrap_or(0)
    }
}

/// Which drivers a line was shared by (REFERENCE §5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriversUsed {
    /// As measured (no estimate recorded, or not a driver-shared line).
    Measured,
    /// The budget's estimate: it stands while actual shares stay within the tolerance.
    Estimate(super::true_up::TrueUp),
    /// The actual drivers: a member's share moved beyond the tolerance.
    Actual(super::true_up::TrueUp),
}

impl LineSpec {
    /// The line measured for an outturn (`actual` amounts) or a budget: a driver-shared line
    /// with an estimate uses the estimate for the budget, and for the outturn unless the
    /// actual drivers moved a member's share by more than `tolerance_bp` (REFERENCE §5.3).
    /// Fixed and per-unit lines are always measured as they are.
    pub fn measured_against(
        &self,
        agreement: &AgreementState,
        on: NaiveDate,
        (measured, estimate): (&DriverValues, Option<&DriverValues>),
        (outturn, tolerance_bp): (bool, u32),
    ) -> (CostLine, DriversUsed) {
        let (LineBasis::Driver(driver), Some(estimate)) = (&self.basis, estimate) else {
            return (self.measured(agreement, on, measured), DriversUsed::Measured);
        };
        let members = agreement.taking(self.service, on);
        let values = |drivers: &DriverValues| -> Vec<(CouncilCode, u64)> {
            members.iter().map(|m| (m.clone(), drivers.get(*driver, m))).collect()
        };
        // An estimate that counted none of the line's members (a driver with no activity yet,
        // members who joined since) cannot share anything: the line is measured as it is.
        if values(estimate).iter().all(|(_, value)| *value == 0) {
            return (self.measured(agreement, on, measured), DriversUsed::Measured);
        }
        if !outturn {
            let kept = super::true_up::TrueUp::KeepEstimate { largest: None };
            return (self.measured(agreement, on, estimate), DriversUsed::Estimate(kept));
        }
        match super::true_up::true_up(&values(estimate), &values(measured), tolerance_bp) {
            kept @ super::true_up::TrueUp::KeepEstimate { .. } => {
                (self.measured(agreement, on, estimate), DriversUsed::Estimate(kept))
            }
            moved @ super::true_up::TrueUp::UseActual { .. } => {
                (self.measured(agreement, on, measured), DriversUsed::Actual(moved))
            }
        }
    }

    /// The line for the members taking its service on `on`, with the drivers measured. A
    /// fixed split keeps only those members' shares (they must still sum to 10,000, which
    /// `apportion` checks).
    pub fn measured(&self, agreement: &AgreementState, on: NaiveDate, drivers: &DriverValues) -> CostLine {
        let members = agreement.taking(self.service, on);
        let counted = |driver: Driver| -> Vec<(CouncilCode, u64)> {
            members
                .iter()
                .map(|member| (member.clone(), drivers.get(driver, member)))
                .collect()
        };
        let basis = match &self.basis {
            LineBasis::Fixed(shares) => Basis::Fixed(
                shares
                    .iter()
                    .filter(|(member, _)| members.contains(member))
                    .cloned()
                    .collect(),
            ),
            LineBasis::Driver(driver) => Basis::Drivers(counted(*driver)),
            LineBasis::PerUnit { rate, driver } => Basis::PerUnit {
                rate: *rate,
                units: counted(*driver),
            },
        };
        CostLine {
            name: self.name.clone(),
            amount: self.amount,
            basis,
            limits: self.limits.clone(),
        }
    }
}
