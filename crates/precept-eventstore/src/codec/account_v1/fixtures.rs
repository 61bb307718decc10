//! Test fixtures: a coherent account history holding every event type, and a few variations
//! the round-trip tests add (open-ended periods, a second-home premium, sundry debt).

use chrono::NaiveDate;
use precept_domain::account::{
    AccountEvent, AccountOpened, Allocation, AllocationReleased, BillIssued, CreditCarriedForward, CreditRefunded,
    Debt, HoldLifted, LiabilityEnded, LiablePartyAdded, NoticeKind, PaymentAllocated, PaymentMethod, PaymentPosted,
    PaymentReference, PaymentReversed, PeriodEnded, PeriodStarted, RecoveryRecorded, ReductionSet, ReversalReason,
};
use precept_domain::charge::{
    ChargeSegment, DiscountKind, ExemptionClass, Period, PreceptorShare, PremiumBasis, Reduction, YearCharge,
};
use precept_domain::council_year::{Band, PreceptorKind, ShortCode};
use precept_domain::ids::ClaimId;
use precept_domain::instalments::{Instalment, InstalmentPlan, PlanLength};
use precept_domain::recovery::{
    AgentFeeIncurred, AgentStage, ArrangementMade, BalanceDemanded, BenefitDeductionRequested, EarningsAttached, Hold,
    HoldReason, LiabilityOrderGranted, PayPeriod, RecoveryEvent, ReferredToAgent, RemedyEnded, RemedyOutcome,
    RemedyStarted, ReminderIssued, SummonsIssued, TrackedRemedy, WriteOffReason, WrittenOff,
};
use precept_domain::{AccountId, FinancialYear, PartyId, PaymentId, Pence, Uprn};
use uuid::Uuid;

pub(crate) fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date")
}

pub(crate) fn year() -> FinancialYear {
    FinancialYear::starting(2025).expect("fixture year")
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("fixture uuid")
}

pub(crate) fn payment_id() -> PaymentId {
    PaymentId::from_uuid(uuid("00000000-0000-4000-9000-000000000007")).expect("id")
}

fn code(text: &str) -> ShortCode {
    ShortCode::parse(text).expect("fixture code")
}

fn long_term_empty() -> PremiumBasis {
    PremiumBasis::LongTermEmpty {
        empty_since: date("2023-09-30"),
    }
}

/// A two-segment charge: Band D with a single person discount, then an exempt spell, then a
/// long-term empty premium.
pub(crate) fn charge() -> YearCharge {
    YearCharge {
        year: year(),
        liable_days: 365,
        segments: vec![
            ChargeSegment {
                from: date("2025-04-01"),
                to: date("2025-06-30"),
                band: Band::D,
                band_d_total: Pence::new(226_415),
                discount: Some((DiscountKind::SinglePerson, 2_500)),
                exemption: None,
                premium: None,
                reduction: None,
            },
            ChargeSegment {
                from: date("2025-07-01"),
                to: date("2025-09-30"),
                band: Band::D,
                band_d_total: Pence::new(226_415),
                discount: None,
                exemption: Some(ExemptionClass::parse("E").expect("class")),
                premium: None,
                reduction: None,
            },
            ChargeSegment {
                from: date("2025-10-01"),
                to: date("2026-03-31"),
                band: Band::D,
                band_d_total: Pence::new(226_415),
                discount: None,
                exemption: None,
                premium: Some((long_term_empty(), 10_000)),
                reduction: None,
            },
        ],
        gross: Pence::new(226_415),
        exemption: Pence::new(57_068),
        discount: Pence::new(14_032),
        premium: Pence::new(113_828),
        reduction: Pence::ZERO,
        net: Pence::new(269_143),
        preceptors: vec![
            PreceptorShare {
                code: code("swale"),
                kind: PreceptorKind::BillingAuthority,
                amount: Pence::new(26_914),
            },
            PreceptorShare {
                code: code("kcc"),
                kind: PreceptorKind::County,
                amount: Pence::new(242_229),
            },
        ],
    }
}

/// The charge after the premium is withdrawn (a revised notice).
fn revised_charge() -> YearCharge {
    let mut charge = charge();
    charge.segments[2].premium = None;
    charge.premium = Pence::ZERO;
    charge.net = Pence::new(155_315);
    charge.preceptors[0].amount = Pence::new(15_531);
    charge.preceptors[1].amount = Pence::new(139_784);
    charge
}

fn bill(notice_number: u32, kind: NoticeKind, issue_date: &str, charge: YearCharge) -> BillIssued {
    let later = charge.net.get() / 2 / 100 * 100;
    BillIssued {
        year: year(),
        notice_number,
        kind,
        issue_date: date(issue_date),
        instalments: vec![
            Instalment {
                due: date("2025-04-15"),
                amount: charge.net - Pence::new(later),
            },
            Instalment {
                due: date("2025-05-15"),
                amount: Pence::new(later),
            },
        ],
        charge,
    }
}

/// A history the account's fold accepts, holding every event type at least once.
pub(crate) fn history() -> Vec<AccountEvent> {
    let year_debt = Debt::Year(year());
    vec![
        AccountEvent::AccountOpened(AccountOpened {
            account_id: AccountId::from_uuid(uuid("6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11")).expect("id"),
            property: Uprn::parse("100062557744").expect("uprn"),
            liability_start: date("2025-04-01"),
            balance_brought_forward_pence: Pence::new(-1250),
        }),
        AccountEvent::LiablePartyAdded(LiablePartyAdded {
            party_id: PartyId::from_uuid(uuid("00000000-0000-4000-8000-000000000001")).expect("id"),
            liable_from: date("2025-04-01"),
        }),
        AccountEvent::InstalmentPlanChosen(InstalmentPlan {
            length: PlanLength::Twelve,
            day: 15,
        }),
        AccountEvent::BillIssued(bill(1, NoticeKind::First, "2025-03-18", charge())),
        AccountEvent::PaymentPosted(PaymentPosted {
            payment_id: payment_id(),
            amount_pence: Pence::new(12_756),
            method: PaymentMethod::DirectDebit,
            reference: PaymentReference::parse("DD 2025-05").expect("reference"),
            received_on: date("2025-05-01"),
        }),
        AccountEvent::PaymentAllocated(PaymentAllocated {
            payment_id: payment_id(),
            appropriated: false,
            allocations: vec![Allocation {
                debt: year_debt,
                amount: Pence::new(12_000),
            }],
            unallocated: Pence::new(756),
        }),
        AccountEvent::DiscountAwarded(PeriodStarted {
            value: DiscountKind::SinglePerson,
            from: date("2025-04-01"),
            to: None,
        }),
        AccountEvent::DiscountEnded(PeriodEnded {
            from: date("2025-04-01"),
            last_day: date("2025-06-30"),
        }),
        AccountEvent::ExemptionAwarded(PeriodStarted {
            value: ExemptionClass::parse("E").expect("class"),
            from: date("2025-07-01"),
            to: Some(date("2025-12-31")),
        }),
        AccountEvent::ExemptionEnded(PeriodEnded {
            from: date("2025-07-01"),
            last_day: date("2025-09-30"),
        }),
        AccountEvent::PremiumStarted(PeriodStarted {
            value: long_term_empty(),
            from: date("2025-10-01"),
            to: None,
        }),
        AccountEvent::PremiumEnded(PeriodEnded {
            from: date("2025-10-01"),
            last_day: date("2026-01-31"),
        }),
        AccountEvent::BillIssued(bill(2, NoticeKind::Revised, "2025-10-06", revised_charge())),
        AccountEvent::AllocationReleased(AllocationReleased {
            year: year(),
            amount: Pence::new(2_000),
        }),
        AccountEvent::CreditCarriedForward(CreditCarriedForward {
            year: year(),
            amount: Pence::new(500),
            on: date("2025-10-07"),
        }),
        AccountEvent::CreditRefunded(CreditRefunded {
            refund_id: PaymentId::from_uuid(uuid("00000000-0000-4000-9000-000000000008")).expect("id"),
            amount: Pence::new(1_000),
            refunded_on: date("2025-10-08"),
        }),
        AccountEvent::PaymentReversed(PaymentReversed {
            payment_id: payment_id(),
            amount: Pence::new(12_756),
            reason: ReversalReason::DirectDebitReturned,
            reversed_on: date("2025-10-09"),
            from_credit: Pence::new(2_506),
            deallocations: vec![Allocation {
                debt: year_debt,
                amount: Pence::new(10_250),
            }],
            sundry_debit: Pence::ZERO,
        }),
        AccountEvent::LiabilityEnded(LiabilityEnded {
            move_out: date("2026-02-01"),
            last_day: date("2026-01-31"),
        }),
        AccountEvent::HoldPlaced(Hold {
            reason: HoldReason::Dispute,
            from: date("2026-02-02"),
        }),
        AccountEvent::HoldLifted(HoldLifted {
            reason: HoldReason::Dispute,
            on: date("2026-02-09"),
        }),
        recovery(RecoveryEvent::ReminderIssued(ReminderIssued {
            number: 1,
            issued: date("2026-02-10"),
            arrears: Pence::new(13_450),
            covers_due_through: date("2025-05-15"),
            pay_by: date("2026-02-17"),
            balance_due_on: date("2026-02-24"),
        })),
        AccountEvent::ReductionSet(ReductionSet {
            claim: claim_id(),
            periods: vec![Period {
                from: date("2025-04-01"),
                to: Some(date("2026-01-31")),
                value: Reduction {
                    claim: claim_id(),
                    percent_bp: 8_000,
                    weekly_less: Pence::new(500),
                },
            }],
        }),
    ]
}

fn claim_id() -> ClaimId {
    ClaimId::from_uuid(uuid("7c9e6679-7425-40de-944b-e07fc1f90ae7")).expect("id")
}

fn recovery(event: RecoveryEvent) -> AccountEvent {
    AccountEvent::Recovery(RecoveryRecorded { year: year(), event })
}

/// Every other recovery step, for the round trip.
pub(crate) fn recovery_steps() -> Vec<AccountEvent> {
    let on = date("2026-03-02");
    let demand = BalanceDemanded {
        on,
        balance: Pence::new(120_000),
        summons_from: date("2026-03-09"),
    };
    [
        RecoveryEvent::ReminderComplied { on },
        RecoveryEvent::InstalmentRightLost(demand.clone()),
        RecoveryEvent::FinalNoticeIssued(demand),
        RecoveryEvent::SummonsIssued(SummonsIssued {
            issued: on,
            hearing: date("2026-03-20"),
            costs: Pence::new(7_000),
            amount: Pence::new(127_000),
        }),
        RecoveryEvent::SummonsWithdrawn { on },
        RecoveryEvent::LiabilityOrderGranted(LiabilityOrderGranted {
            on,
            costs: Pence::new(3_000),
            amount: Pence::new(130_000),
        }),
        RecoveryEvent::Cleared { on },
        RecoveryEvent::ArrangementMade(ArrangementMade {
            on,
            instalments: vec![Instalment {
                due: date("2026-04-01"),
                amount: Pence::new(5_000),
            }],
            paid_at_start: Pence::new(12_000),
        }),
        RecoveryEvent::ArrangementKept { on },
        RecoveryEvent::ArrangementBroken {
            on,
            missed: date("2026-02-01"),
        },
        RecoveryEvent::ReferredToAgent(ReferredToAgent {
            on,
            firm: code("bristow-sutor"),
            debt: Pence::new(130_000),
            compliance_fee: Pence::new(7_500),
        }),
        RecoveryEvent::AgentFeeIncurred(AgentFeeIncurred {
            on,
            stage: AgentStage::Sale,
            fee: Pence::new(11_000),
        }),
        RecoveryEvent::RemedyEnded(RemedyEnded {
            on,
            outcome: RemedyOutcome::ReturnedUnpaid,
        }),
        RecoveryEvent::EarningsAttached(EarningsAttached {
            on,
            employer: code("emp-1042"),
            period: PayPeriod::Weekly,
        }),
        RecoveryEvent::BenefitDeductionRequested(BenefitDeductionRequested {
            on,
            weekly_amount: Pence::new(455),
        }),
        RecoveryEvent::RemedyStarted(RemedyStarted {
            on,
            remedy: TrackedRemedy::Committal,
        }),
        RecoveryEvent::WrittenOff(WrittenOff {
            on,
            amount: Pence::new(130_000),
            reason: WriteOffReason::Deceased,
        }),
    ]
    .into_iter()
    .map(recovery)
    .chain([AccountEvent::HoldPlaced(Hold {
        reason: HoldReason::BenefitClaimPending,
        from: on,
    })])
    .collect()
}

/// Variations on the history's events, for shapes the history does not show.
pub(crate) fn variations() -> Vec<AccountEvent> {
    let mut segment_free = charge();
    segment_free.segments.clear();
    segment_free.preceptors.clear();
    vec![
        AccountEvent::PaymentAllocated(PaymentAllocated {
            payment_id: payment_id(),
            appropriated: true,
            allocations: vec![
                Allocation {
                    debt: Debt::Sundry,
                    amount: Pence::new(300),
                },
                Allocation {
                    debt: Debt::Year(year()),
                    amount: Pence::new(700),
                },
            ],
            unallocated: Pence::ZERO,
        }),
        AccountEvent::InstalmentPlanChosen(InstalmentPlan {
            length: PlanLength::Statutory,
            day: 1,
        }),
        AccountEvent::DiscountAwarded(PeriodStarted {
            value: DiscountKind::AllDisregarded,
            from: date("2025-04-01"),
            to: Some(date("2025-04-30")),
        }),
        AccountEvent::PremiumStarted(PeriodStarted {
            value: PremiumBasis::SecondHome,
            from: date("2025-04-01"),
            to: Some(date("2026-03-31")),
        }),
        AccountEvent::BillIssued(BillIssued {
            year: year(),
            notice_number: 7,
            kind: NoticeKind::Revised,
            issue_date: date("2026-03-20"),
            charge: segment_free,
            instalments: Vec::new(),
        }),
        AccountEvent::PaymentReversed(PaymentReversed {
            payment_id: payment_id(),
            amount: Pence::new(5_000),
            reason: ReversalReason::Misposted,
            reversed_on: date("2025-10-09"),
            from_credit: Pence::ZERO,
            deallocations: vec![
                Allocation {
                    debt: Debt::Year(year()),
                    amount: Pence::new(1_000),
                },
                Allocation {
                    debt: Debt::Sundry,
                    amount: Pence::new(1_000),
                },
            ],
            sundry_debit: Pence::new(3_000),
        }),
        AccountEvent::PaymentReversed(PaymentReversed {
            payment_id: payment_id(),
            amount: Pence::new(5_000),
            reason: ReversalReason::ChequeReturned,
            reversed_on: date("2025-10-09"),
            from_credit: Pence::new(5_000),
            deallocations: Vec::new(),
            sundry_debit: Pence::ZERO,
        }),
    ]
}

/// The stored type name of each domain variant; exhaustive, so a new variant must be named
/// (and given a fixture) before the tests compile.
pub(crate) fn variant(event: &AccountEvent) -> &'static str {
    match event {
        AccountEvent::AccountOpened(_) => "AccountOpened",
        AccountEvent::LiablePartyAdded(_) => "LiablePartyAdded",
        AccountEvent::PaymentPosted(_) => "PaymentPosted",
        AccountEvent::PaymentAllocated(_) => "PaymentAllocated",
        AccountEvent::InstalmentPlanChosen(_) => "InstalmentPlanChosen",
        AccountEvent::LiabilityEnded(_) => "LiabilityEnded",
        AccountEvent::DiscountAwarded(_) => "DiscountAwarded",
        AccountEvent::DiscountEnded(_) => "DiscountEnded",
        AccountEvent::ExemptionAwarded(_) => "ExemptionAwarded",
        AccountEvent::ExemptionEnded(_) => "ExemptionEnded",
        AccountEvent::PremiumStarted(_) => "PremiumStarted",
        AccountEvent::PremiumEnded(_) => "PremiumEnded",
        AccountEvent::BillIssued(_) => "BillIssued",
        AccountEvent::AllocationReleased(_) => "AllocationReleased",
        AccountEvent::PaymentReversed(_) => "PaymentReversed",
        AccountEvent::CreditRefunded(_) => "CreditRefunded",
        AccountEvent::CreditCarriedForward(_) => "CreditCarriedForward",
        AccountEvent::HoldPlaced(_) => "RecoveryHoldPlaced",
        AccountEvent::HoldLifted(_) => "RecoveryHoldLifted",
        AccountEvent::Recovery(_) => "RecoveryStepRecorded",
        AccountEvent::ReductionSet(_) => "ReductionSet",
    }
}

/// How many variants [`variant`] names.
pub(super) const VARIANT_COUNT: usize = 21;
