//! The tower layer that authenticates, rate-limits and authorises every Precept call, and
//! writes the access log once the call is answered.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use precept_app::access::{AccessLog, AccessRecord, Caller, CredentialStore, Scope};
use tonic::{Code, Status};
use tower::{Layer, Service};

use super::authenticate::Authenticator;
use super::limiter::RateLimit;
use super::policy::{self, Rule};

/// Everything the layer's services share.
struct Shared<C, L> {
    auth: Authenticator<C>,
    log: Arc<L>,
    limit: RateLimit,
}

/// Wraps every service of the server.
pub struct AuthLayer<C, L> {
    shared: Arc<Shared<C, L>>,
}

impl<C, L> Clone for AuthLayer<C, L> {
    fn clone(&self) -> Self {
        AuthLayer {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<C, L> AuthLayer<C, L> {
    /// A layer checking credentials with `auth`, limiting with `limit`, logging to `log`.
    pub fn new(auth: Authenticator<C>, log: Arc<L>, limit: RateLimit) -> Self {
        AuthLayer {
            shared: Arc::new(Shared { auth, log, limit }),
        }
    }
}

impl<S, C, L> Layer<S> for AuthLayer<C, L> {
    type Service = AuthService<S, C, L>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// One service behind the layer.
pub struct AuthService<S, C, L> {
    inner: S,
    shared: Arc<Shared<C, L>>,
}

impl<S: Clone, C, L> Clone for AuthService<S, C, L> {
    fn clone(&self) -> Self {
        AuthService {
            inner: self.inner.clone(),
            shared: Arc::clone(&self.shared),
        }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, C, L, ReqBody, ResBody> Service<http::Request<ReqBody>> for AuthService<S, C, L>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Send,
    ReqBody: Send + 'static,
    ResBody: Default + Send + 'static,
    C: CredentialStore,
    L: AccessLog,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        // The clone took over readiness from `poll_ready`; keep the ready one for this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = Arc::clone(&self.shared);
        Box::pin(async move {
            let path = request.uri().path().to_owned();
            // Health checks and reflection carry no council data; load balancers and tools
            // call them without credentials.
            if path.starts_with("/grpc.health.") || path.starts_with("/grpc.reflection.") {
                return inner.call(request).await;
            }
            let caller = match shared.auth.authenticate(request.headers(), request.extensions()).await {
                Ok(caller) => caller,
                Err(status) => {
                    shared
                        .log
                        .record(record("unauthenticated", &path, ("-", "-", "-"), status.code()));
                    return Ok(status.into_http());
                }
            };
            if let Err(status) = admit(&shared.limit, &caller, &path) {
                shared.record(&caller, &path, status.code());
                return Ok(status.into_http());
            }
            request.extensions_mut().insert(caller.clone());
            let response = inner.call(request).await?;
            shared.record(&caller, &path, outcome(&response));
            Ok(response)
        })
    }
}

/// The rate limit, then the method's rule.
fn admit(limit: &RateLimit, caller: &Caller, path: &str) -> Result<(), Status> {
    if !limit.admit(caller.credential.as_str()) {
        return Err(Status::resource_exhausted(format!(
            "credential {} is over its request rate; slow down and retry",
            caller.credential
        )));
    }
    let rule = policy::rule(path).ok_or_else(|| Status::permission_denied(format!("no access rule for {path}")))?;
    authorise(&rule, caller)
}

/// Whether the caller's roles and scope satisfy `rule`.
///
/// # Errors
/// `PERMISSION_DENIED` saying what is missing.
pub fn authorise(rule: &Rule, caller: &Caller) -> Result<(), Status> {
    let roles_ok = rule.all_of.iter().all(|role| caller.has(*role))
        && (rule.any_of.is_empty() || rule.any_of.iter().any(|role| caller.has(*role)));
    if !roles_ok {
        return Err(Status::permission_denied(format!(
            "credential {} lacks the role this call needs ({})",
            caller.credential,
            rule.describe()
        )));
    }
    if rule.partnership_only && caller.scope != Scope::Partnership {
        return Err(Status::permission_denied(format!(
            "only the partnership's credentials may make this call; {} is scoped to {}",
            caller.credential, caller.scope
        )));
    }
    Ok(())
}

/// The status a response carries in its headers (a trailers-only error), else OK: a
/// successful call's status comes later, in the trailers.
fn outcome<B>(response: &http::Response<B>) -> Code {
    response
        .headers()
        .get("grpc-status")
        .map_or(Code::Ok, |value| Code::from_bytes(value.as_bytes()))
}

impl<C, L: AccessLog> Shared<C, L> {
    /// One record per aggregate the request named; else one per council; else one for the
    /// call itself.
    fn record(&self, caller: &Caller, path: &str, code: Code) {
        let credential = caller.credential.as_str();
        let touched = caller.touched();
        let council = touched.councils.first().map_or("-", |council| council.as_str());
        if !touched.subjects.is_empty() {
            for (kind, id) in &touched.subjects {
                self.log.record(record(credential, path, (council, kind, id), code));
            }
        } else if !touched.councils.is_empty() {
            for council in &touched.councils {
                self.log
                    .record(record(credential, path, (council.as_str(), "-", "-"), code));
            }
        } else {
            self.log.record(record(credential, path, ("-", "-", "-"), code));
        }
    }
}

fn record(credential: &str, path: &str, (council, kind, id): (&str, &str, &str), code: Code) -> AccessRecord {
    AccessRecord {
        at: chrono::Utc::now(),
        credential: credential.to_owned(),
        method: path.to_owned(),
        council: council.to_owned(),
        kind: kind.to_owned(),
        id: id.to_owned(),
        outcome: format!("{code:?}"),
    }
}
