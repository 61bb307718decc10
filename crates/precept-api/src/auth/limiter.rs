//! The per-credential request rate: a token bucket per credential id (governor's GCRA), so
//! one partner's runaway client cannot starve the others.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Requests per second each credential may make, with a burst allowance.
#[derive(Clone)]
pub struct RateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl RateLimit {
    /// `per_second` sustained, up to `burst` at once.
    pub fn new(per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        let quota = Quota::per_second(per_second).allow_burst(burst);
        RateLimit {
            limiter: Arc::new(RateLimiter::keyed(quota)),
        }
    }

    /// Takes one request from `credential`'s allowance; false when it has none left.
    pub fn admit(&self, credential: &str) -> bool {
        self.limiter.check_key(&credential.to_owned()).is_ok()
    }
}
