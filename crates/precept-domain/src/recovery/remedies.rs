//! Decisions a recovery officer asks for: arrangements, remedies after a liability order, and
//! write-offs. Each checks the stage it needs and the thresholds the rules set.

use chrono::NaiveDate;

use super::attachment::PayPeriod;
use super::event::{
    AgentFeeIncurred, ArrangementMade, BenefitDeductionRequested, EarningsAttached, RecoveryEvent, ReferredToAgent,
    RemedyEnded, RemedyOutcome, RemedyStarted, TrackedRemedy, WriteOffReason, WrittenOff,
};
use super::policy::{AgentStage, RecoveryPolicy};
use super::state::{Remedy, Stage, YearRecovery};
use super::step::DebtView;
use crate::council_year::ShortCode;
use crate::instalments::Instalment;
use crate::money::Pence;

/// The most payments an arrangement may have (five years of weekly payments).
pub const ARRANGEMENT_INSTALMENTS_MAX: usize = 260;

/// A recovery officer's request for one account-year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryAction {
    /// Agree a payment plan.
    MakeArrangement {
        /// Agreed on.
        on: NaiveDate,
        /// Payments, in date order, each on or after `on`.
        instalments: Vec<Instalment>,
    },
    /// Refer the debt to an enforcement agent firm.
    ReferToAgent {
        /// Date.
        on: NaiveDate,
        /// The firm's code.
        firm: ShortCode,
    },
    /// Record the agent reaching the enforcement or sale stage.
    RecordAgentStage {
        /// Date.
        on: NaiveDate,
        /// Enforcement or sale.
        stage: AgentStage,
    },
    /// Serve an attachment of earnings order (CT only).
    AttachEarnings {
        /// Date.
        on: NaiveDate,
        /// Employer reference.
        employer: ShortCode,
        /// Pay period.
        period: PayPeriod,
    },
    /// Apply for deductions from benefit (CT only).
    RequestBenefitDeduction {
        /// Date.
        on: NaiveDate,
        /// The weekly amount.
        weekly_amount: Pence,
    },
    /// Start a charging order, bankruptcy or committal stage.
    StartRemedy {
        /// Date.
        on: NaiveDate,
        /// Which.
        remedy: TrackedRemedy,
    },
    /// End the remedy in force.
    EndRemedy {
        /// Date.
        on: NaiveDate,
        /// Why.
        outcome: RemedyOutcome,
    },
    /// Write debt off.
    WriteOff {
        /// Date.
        on: NaiveDate,
        /// Amount, at most what is owed.
        amount: Pence,
        /// Why.
        reason: WriteOffReason,
    },
}

impl RecoveryAction {
    /// The business date the action takes effect.
    pub fn date(&self) -> NaiveDate {
        match self {
            RecoveryAction::MakeArrangement { on, .. }
            | RecoveryAction::ReferToAgent { on, .. }
            | RecoveryAction::RecordAgentStage { on, .. }
            | RecoveryAction::AttachEarnings { on, .. }
            | RecoveryAction::RequestBenefitDeduction { on, .. }
            | RecoveryAction::StartRemedy { on, .. }
            | RecoveryAction::EndRemedy { on, .. }
            | RecoveryAction::WriteOff { on, .. } => *on,
        }
    }
}

/// Why a recovery action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryError {
    /// The action needs a liability order.
    #[error("a liability order is needed first")]
    NoLiabilityOrder,
    /// An arrangement is possible only once the balance is due (before a summons) or after a
    /// liability order.
    #[error("an arrangement can be made only when the balance is due or after a liability order")]
    ArrangementNotAllowed,
    /// One arrangement at a time.
    #[error("an arrangement is already in force")]
    ArrangementInForce,
    /// The arrangement's payments are not valid.
    #[error("instalments: {0}")]
    ArrangementInvalid(&'static str),
    /// One remedy at a time.
    #[error("a remedy is already in force")]
    RemedyInForce,
    /// Nothing to end or advance.
    #[error("no remedy is in force")]
    NoRemedy,
    /// Agent stages follow a referral, compliance first.
    #[error("stage: the debt is not with an enforcement agent, or the stage is compliance")]
    AgentStage,
    /// A threshold the rules set is not met.
    #[error("the debt is below the threshold for this remedy ({0})")]
    BelowThreshold(Pence),
    /// Amounts must be positive.
    #[error("amount must be positive")]
    AmountNotPositive,
    /// More than is owed.
    #[error("amount exceeds what is owed ({0})")]
    ExceedsOutstanding(Pence),
}

/// REFERENCE §1.10 Remedy 4: a charging order needs LO debt of at least £1,000; a bankruptcy
/// petition debt over £5,000. Statutory thresholds, not local policy.
const CHARGING_ORDER_MIN: Pence = Pence::new(100_000);
const BANKRUPTCY_OVER: Pence = Pence::new(500_000);

/// Decides an officer's action.
///
/// # Errors
/// [`RecoveryError`] naming the rule.
pub fn decide_action(
    recovery: &YearRecovery,
    debt: &DebtView<'_>,
    policy: &RecoveryPolicy,
    action: RecoveryAction,
) -> Result<RecoveryEvent, RecoveryError> {
    match action {
        RecoveryAction::MakeArrangement { on, instalments } => arrangement(recovery, debt, on, instalments),
        RecoveryAction::WriteOff { on, amount, reason } => {
            if !amount.is_positive() {
                return Err(RecoveryError::AmountNotPositive);
            }
            if amount > debt.outstanding {
                return Err(RecoveryError::ExceedsOutstanding(debt.outstanding.max(Pence::ZERO)));
            }
            Ok(RecoveryEvent::WrittenOff(WrittenOff { on, amount, reason }))
        }
        RecoveryAction::EndRemedy { on, outcome } => {
            if recovery.remedy.is_none() {
                return Err(RecoveryError::NoRemedy);
            }
            Ok(RecoveryEvent::RemedyEnded(RemedyEnded { on, outcome }))
        }
        RecoveryAction::RecordAgentStage { on, stage } => {
            let Some(Remedy::Agent { debt: referred, .. }) = &recovery.remedy else {
                return Err(RecoveryError::AgentStage);
            };
            if stage == AgentStage::Compliance {
                return Err(RecoveryError::AgentStage);
            }
            Ok(RecoveryEvent::AgentFeeIncurred(AgentFeeIncurred {
                on,
                stage,
                fee: policy.agent_fees.fee(stage, *referred),
            }))
        }
        RecoveryAction::ReferToAgent { on, firm } => {
            remedy_allowed(recovery)?;
            Ok(RecoveryEvent::ReferredToAgent(ReferredToAgent {
                on,
                firm,
                debt: debt.outstanding,
                compliance_fee: policy.agent_fees.fee(AgentStage::Compliance, debt.outstanding),
            }))
        }
        RecoveryAction::AttachEarnings { on, employer, period } => {
            remedy_allowed(recovery)?;
            Ok(RecoveryEvent::EarningsAttached(EarningsAttached {
                on,
                employer,
                period,
            }))
        }
        RecoveryAction::RequestBenefitDeduction { on, weekly_amount } => {
            remedy_allowed(recovery)?;
            if !weekly_amount.is_positive() {
                return Err(RecoveryError::AmountNotPositive);
            }
            Ok(RecoveryEvent::BenefitDeductionRequested(BenefitDeductionRequested {
                on,
                weekly_amount,
            }))
        }
        RecoveryAction::StartRemedy { on, remedy } => {
            remedy_allowed(recovery)?;
            match remedy {
                TrackedRemedy::ChargingOrder if debt.outstanding < CHARGING_ORDER_MIN => {
                    Err(RecoveryError::BelowThreshold(CHARGING_ORDER_MIN))
                }
                TrackedRemedy::Bankruptcy if debt.outstanding <= BANKRUPTCY_OVER => {
                    Err(RecoveryError::BelowThreshold(BANKRUPTCY_OVER))
                }
                _ => Ok(RecoveryEvent::RemedyStarted(RemedyStarted { on, remedy })),
            }
        }
    }
}

fn arrangement(
    recovery: &YearRecovery,
    debt: &DebtView<'_>,
    on: NaiveDate,
    instalments: Vec<Instalment>,
) -> Result<RecoveryEvent, RecoveryError> {
    if !matches!(recovery.stage, Stage::BalanceDue { .. } | Stage::LiabilityOrder { .. }) {
        return Err(RecoveryError::ArrangementNotAllowed);
    }
    if recovery.arrangement.is_some() {
        return Err(RecoveryError::ArrangementInForce);
    }
    if instalments.is_empty() || instalments.len() > ARRANGEMENT_INSTALMENTS_MAX {
        return Err(RecoveryError::ArrangementInvalid("between 1 and 260 payments"));
    }
    if instalments.iter().any(|instalment| !instalment.amount.is_positive()) {
        return Err(RecoveryError::ArrangementInvalid("every amount positive"));
    }
    let dated = instalments.first().is_some_and(|first| first.due >= on)
        && instalments.windows(2).all(|pair| pair[0].due < pair[1].due);
    if !dated {
        return Err(RecoveryError::ArrangementInvalid(
            "due dates rising, none before the agreement",
        ));
    }
    let total: Pence = instalments.iter().map(|instalment| instalment.amount).sum();
    if total > debt.outstanding {
        return Err(RecoveryError::ExceedsOutstanding(debt.outstanding.max(Pence::ZERO)));
    }
    Ok(RecoveryEvent::ArrangementMade(ArrangementMade {
        on,
        instalments,
        paid_at_start: debt.paid,
    }))
}

/// Remedies follow a liability order, one at a time, and not while an arrangement runs.
fn remedy_allowed(recovery: &YearRecovery) -> Result<(), RecoveryError> {
    if !matches!(recovery.stage, Stage::LiabilityOrder { .. }) {
        return Err(RecoveryError::NoLiabilityOrder);
    }
    if recovery.remedy.is_some() {
        return Err(RecoveryError::RemedyInForce);
    }
    if recovery.arrangement.is_some() {
        return Err(RecoveryError::ArrangementInForce);
    }
    Ok(())
}
