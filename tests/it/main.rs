//! End-to-end tests: every one starts its own nats-server and databases (precept-testkit).

mod atomicity;
mod benefits;
mod billing;
mod business_rates;
mod concurrency;
mod eventstore;
mod helpers;
mod idempotency;
mod partnership;
mod projector_restart;
mod recovery;
mod recovery_api;
mod replay;
mod switch;
mod validation;
