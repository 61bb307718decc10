//! The clock port: the only way Precept learns the time.
//!
//! Adapters stamp `recorded_at` from it; the domain never sees it. Tests use [`FixedClock`].

use std::sync::Mutex;

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

/// A clock that says what it is told, for tests that control time.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    /// A clock stopped at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(now))
    }

    /// Moves the clock.
    pub fn set(&self, now: DateTime<Utc>) {
        *self
            .0
            .lock()
            .expect("fixed clock mutex is never poisoned: no code panics while holding it") = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .expect("fixed clock mutex is never poisoned: no code panics while holding it")
    }
}
