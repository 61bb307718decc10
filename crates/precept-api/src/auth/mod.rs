//! Authentication and authorisation for every gRPC call (docs/ACCESS.md).
//!
//! What this is: a tower layer in front of every service. It authenticates the caller (a
//! bearer token, or a client certificate under mTLS), applies the per-credential request rate,
//! checks the method's rule (`policy`: which roles, and whether only the partnership's staff
//! may call it), hands the handler a [`precept_app::access::Caller`], and writes the access
//! log once the call is answered. Council scope is checked where the request's councils are
//! parsed (`validate::Violations::council`), because only the handler has read the body.
//! What this is not: where credentials are stored (precept-app's `CredentialStore` port).

mod authenticate;
mod layer;
mod limiter;
pub mod policy;

pub use authenticate::Authenticator;
pub use layer::{AuthLayer, AuthService};
pub use limiter::RateLimit;
