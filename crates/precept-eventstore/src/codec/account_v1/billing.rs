//! Demand notices and how the account pays: `BillIssued`, `InstalmentPlanChosen`.

use chrono::NaiveDate;
use precept_domain::Pence;
use precept_domain::account::{BillIssued, NoticeKind};
use precept_domain::instalments::{Instalment, InstalmentPlan, PlanLength};
use serde::{Deserialize, Serialize};

use super::charge::YearChargeV1;
use crate::codec::DecodeError;
use crate::codec::json::Dto;
use crate::codec::values_v1::{parse_year, year_text};

/// `InstalmentPlanChosen`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct InstalmentPlanV1 {
    length: PlanLengthV1,
    day: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PlanLengthV1 {
    Statutory,
    Twelve,
}

impl Dto<InstalmentPlan> for InstalmentPlanV1 {
    fn from_domain(plan: &InstalmentPlan) -> Self {
        InstalmentPlanV1 {
            length: match plan.length {
                PlanLength::Statutory => PlanLengthV1::Statutory,
                PlanLength::Twelve => PlanLengthV1::Twelve,
            },
            day: plan.day,
        }
    }

    fn into_domain(self) -> Result<InstalmentPlan, DecodeError> {
        Ok(InstalmentPlan {
            length: match self.length {
                PlanLengthV1::Statutory => PlanLength::Statutory,
                PlanLengthV1::Twelve => PlanLength::Twelve,
            },
            day: self.day,
        })
    }
}

/// `BillIssued`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BillIssuedV1 {
    year: String,
    notice_number: u32,
    kind: NoticeKindV1,
    issue_date: NaiveDate,
    charge: YearChargeV1,
    instalments: Vec<InstalmentV1>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NoticeKindV1 {
    First,
    Revised,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct InstalmentV1 {
    due: NaiveDate,
    amount_pence: i64,
}

impl Dto<BillIssued> for BillIssuedV1 {
    fn from_domain(bill: &BillIssued) -> Self {
        BillIssuedV1 {
            year: year_text(bill.year),
            notice_number: bill.notice_number,
            kind: bill.kind.into(),
            issue_date: bill.issue_date,
            charge: YearChargeV1::from_domain(&bill.charge),
            instalments: instalments_v1(&bill.instalments),
        }
    }

    fn into_domain(self) -> Result<BillIssued, DecodeError> {
        Ok(BillIssued {
            year: parse_year(&self.year, "year")?,
            notice_number: self.notice_number,
            kind: self.kind.into(),
            issue_date: self.issue_date,
            charge: self.charge.into_domain()?,
            instalments: instalments_from_v1(self.instalments),
        })
    }
}

impl From<NoticeKind> for NoticeKindV1 {
    fn from(kind: NoticeKind) -> Self {
        match kind {
            NoticeKind::First => NoticeKindV1::First,
            NoticeKind::Revised => NoticeKindV1::Revised,
        }
    }
}

impl From<NoticeKindV1> for NoticeKind {
    fn from(kind: NoticeKindV1) -> Self {
        match kind {
            NoticeKindV1::First => NoticeKind::First,
            NoticeKindV1::Revised => NoticeKind::Revised,
        }
    }
}

/// Instalments in their stored form.
pub(crate) fn instalments_v1(instalments: &[Instalment]) -> Vec<InstalmentV1> {
    instalments
        .iter()
        .map(|instalment| InstalmentV1 {
            due: instalment.due,
            amount_pence: instalment.amount.get(),
        })
        .collect()
}

/// Instalments from their stored form.
pub(crate) fn instalments_from_v1(instalments: Vec<InstalmentV1>) -> Vec<Instalment> {
    instalments
        .into_iter()
        .map(|instalment| Instalment {
            due: instalment.due,
            amount: Pence::new(instalment.amount_pence),
        })
        .collect()
}
