//! Business rejections of account commands, each naming the rule that refused it.

use crate::ids::{PartyId, PaymentId};

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
}
