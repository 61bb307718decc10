//! Housing Benefit and Council Tax Reduction (REFERENCE §3) and the DWP's Universal Credit
//! notifications (REFERENCE §4).
//!
//! What this is: the pure rules — the HB weekly assessment, CTR schemes (the national
//! pension-age scheme and local banded working-age schemes), overpayments and their recovery,
//! the UC notification file format — and the aggregates that keep them as events.
//! What this is not: matching notifications to claims (the application layer does that with
//! hashed NINOs) or any storage.

pub mod claim;
pub mod ctr;
pub mod hb;
pub mod nino;
pub mod overpayment;
pub mod settings;
pub mod uc_file;
pub mod uc_import;

/// Whether `text` is a SHA-256 digest as Precept writes one: 64 lowercase hex digits.
pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod calc_tests;
#[cfg(test)]
mod uc_file_tests;
