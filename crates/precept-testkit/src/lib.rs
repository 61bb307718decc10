//! Test kit: the real services a Precept test needs, private to that test.
//!
//! - [`TestNats`]: a pinned nats-server with JetStream on a random port and a temporary store,
//!   killed when dropped (fetched into `.tools/` on first use if it is missing).
//! - [`TestDatabase`]: a fresh SQLite file or a fresh PostgreSQL database, dropped afterwards.
//! - [`TestApp`]: the whole Precept service started in-process on a random port.
//!
//! If a service cannot be had, the helper panics with a message saying how to get it: a test
//! never skips silently. This crate is a dev-dependency only.

mod app;
mod database;
mod nats;

pub use app::{AuthChannel, Bearer, TestApp, random_bootstrap_token, spawn_app, spawn_with, test_settings};
pub use database::{TestDatabase, pg_base_url};
pub use nats::{TestNats, nats_server_binary};

use precept_domain::CouncilCode;

/// Parses a council code in a test.
pub fn council(code: &str) -> CouncilCode {
    CouncilCode::parse(code).expect("test council codes are valid")
}

/// Request metadata for a command sent straight to a handler: the request id doubles as the
/// fingerprint, so distinct ids are distinct requests.
///
/// # Panics
/// If `request_id` is not a valid request id.
pub fn request_meta(request_id: &str) -> precept_app::RequestMeta {
    precept_app::RequestMeta {
        request_id: precept_app::RequestId::parse(request_id).expect("test request ids are valid"),
        correlation_id: uuid::Uuid::new_v4(),
        causation_id: Some(uuid::Uuid::new_v4()),
        actor: precept_app::Actor::parse("test").expect("a valid actor"),
        fingerprint: precept_app::Fingerprint(request_id.to_owned()),
    }
}

/// Installs a log subscriber when `TEST_LOG` is set, so tests are quiet by default.
pub fn init_test_log() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(std::env::var("TEST_LOG").unwrap_or_default())
            .with_test_writer()
            .try_init();
    }
}
