//! End-to-end tests: every one starts its own nats-server and databases (precept-testkit).

mod access;
mod atomicity;
mod audit;
mod benefits;
mod billing;
mod business_rates;
mod concurrency;
mod eventstore;
mod helpers;
mod idempotency;
mod mtls;
mod partnership;
mod projector_restart;
mod recovery;
mod recovery_api;
mod replay;
mod switch;
mod upcasting;
mod validation;
