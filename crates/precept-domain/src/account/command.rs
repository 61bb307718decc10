//! Requests to change a Council Tax account, in the imperative.

use chrono::NaiveDate;
use std::fmt;

use crate::ids::{PartyId, PaymentId, Uprn};
use crate::money::Pence;

/// A request to change a Council Tax account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountCommand {
    /// Open a new account.
    OpenAccount(OpenAccount),
    /// Credit a payment to the account.
    PostPayment(PostPayment),
}

/// Open an account for a liability at a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAccount {
    /// The chargeable dwelling.
    pub property: Uprn,
    /// First day of liability.
    pub liability_start: NaiveDate,
    /// Everyone jointly and severally liable from the start, by id; at least one.
    pub liable_parties: Vec<PartyId>,
    /// Balance carried over from a previous system; zero for a new liability.
    pub balance_brought_forward_pence: Pence,
}

/// Credit a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPayment {
    /// Identifies the payment; posting the same payment twice is refused.
    pub payment_id: PaymentId,
    /// Must be positive.
    pub amount_pence: Pence,
    /// How the money came in.
    pub method: PaymentMethod,
    /// The payer's or channel's reference.
    pub reference: PaymentReference,
    /// The business date the money was received.
    pub received_on: NaiveDate,
}

/// How a payment reached the council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    /// Collected by Direct Debit (the usual instalment method).
    DirectDebit,
    /// Debit or credit card, online or by phone.
    Card,
    /// Bank transfer or standing order.
    BankTransfer,
    /// Cash or card at a Post Office or PayPoint outlet.
    PayPoint,
    /// Cheque.
    Cheque,
    /// Cash at a council office.
    Cash,
}

/// The reference a payment arrived with: 1 to 35 printable ASCII characters.
///
/// 35 is the longest reference the UK payment schemes carry; the limit also keeps free text
/// (which could hold personal data) short.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaymentReference(String);

/// Why a payment reference was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("payment reference must be 1-35 printable ASCII characters")]
pub struct MalformedPaymentReference;

impl PaymentReference {
    /// The longest reference accepted.
    pub const LENGTH_MAX: usize = 35;

    /// Parses a reference.
    ///
    /// # Errors
    /// [`MalformedPaymentReference`] when empty, too long, or not printable ASCII.
    pub fn parse(text: &str) -> Result<Self, MalformedPaymentReference> {
        let printable = text.bytes().all(|b| (0x20..0x7f).contains(&b));
        if text.is_empty() || text.len() > Self::LENGTH_MAX || !printable || text.trim().is_empty() {
            return Err(MalformedPaymentReference);
        }
        Ok(PaymentReference(text.to_owned()))
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaymentReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
