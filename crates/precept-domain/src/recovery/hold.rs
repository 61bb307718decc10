//! Holds: reasons that stop the recovery run for a whole account until lifted.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why recovery is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HoldReason {
    /// The liability or the amount is disputed.
    Dispute,
    /// The taxpayer is vulnerable.
    Vulnerability,
    /// A benefit or reduction claim is being decided.
    BenefitClaimPending,
}

/// A hold placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// Why.
    pub reason: HoldReason,
    /// From this business date.
    pub from: NaiveDate,
}
