//! The clock port: the only way Precept learns the time.
//!
//! Adapters stamp `recorded_at` from it; the domain never sees it.

use chrono::{DateTime, Utc};

/// A source of UTC instants.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
