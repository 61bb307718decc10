//! Business rejections of account commands, each naming the rule that refused it.

use crate::calendar::FinancialYear;
use crate::charge::ChargeError;
use crate::ids::{PartyId, PaymentId};
use crate::recovery::{HoldReason, RecoveryError};

/// Why an account command was refused, or why stored history does not fit the state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The account already exists; opening it again is refused.
    #[error("account is already open")]
    AccountAlreadyOpen,
    /// The command needs an open account.
    #[error("account is not open")]
    AccountNotOpen,
    /// An account needs at least one liable party.
    #[error("an account needs at least one liable party")]
    NoLiableParty,
    /// More liable parties than the account holds.
    #[error("an account holds at most {max} liable parties")]
    TooManyLiableParties {
        /// The limit.
        max: usize,
    },
    /// The same party was named twice.
    #[error("party {0} is named more than once")]
    DuplicateLiableParty(PartyId),
    /// Payments are positive; reversals are separate events.
    #[error("payment amount must be positive")]
    PaymentAmountNotPositive,
    /// A payment with this id is already on the account.
    #[error("payment {0} is already posted")]
    PaymentAlreadyPosted(PaymentId),
    /// The balance would leave the range Precept stores.
    #[error("balance would be out of range")]
    BalanceOutOfRange,
    /// The year has no notice on this account.
    #[error("year {0} has not been billed on this account")]
    YearNotBilled(FinancialYear),
    /// The charge could not be computed.
    #[error(transparent)]
    Charge(#[from] ChargeError),
    /// The liability has already ended.
    #[error("liability on this account has already ended")]
    LiabilityAlreadyEnded,
    /// A date is before the liability started, or a period ends before it begins.
    #[error("{0}")]
    BadDate(&'static str),
    /// A period would overlap another of the same kind.
    #[error("{0} periods may not overlap")]
    Overlap(&'static str),
    /// There is no open period to end.
    #[error("there is no open {0} period to end")]
    NoOpenPeriod(&'static str),
    /// No payment with this id.
    #[error("payment {0} is not on this account")]
    PaymentNotFound(PaymentId),
    /// Reversed already.
    #[error("payment {0} is already reversed")]
    PaymentAlreadyReversed(PaymentId),
    /// Not enough unallocated credit.
    #[error("the account's credit is smaller than the amount")]
    CreditInsufficient,
    /// More than the year still owes.
    #[error("the amount is more than the year's outstanding charge")]
    ExceedsOutstanding,
    /// A refund with this id exists, or the id is a payment's.
    #[error("refund id {0} is already used")]
    RefundIdUsed(PaymentId),
    /// The council does not offer this instalment day.
    #[error("instalment day {0} is not one the council offers")]
    InstalmentDayNotOffered(u32),
    /// A recovery action was refused.
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
    /// A hold for this reason is already in force.
    #[error("a {0:?} hold is already in force")]
    HoldAlreadyPlaced(HoldReason),
    /// No hold for this reason is in force.
    #[error("no {0:?} hold is in force")]
    HoldNotPlaced(HoldReason),
}
