//! The authenticated caller of one request, and what the request touched.

use std::sync::{Arc, Mutex};

use precept_domain::CouncilCode;

use super::credential::{CredentialId, Scope};
use super::role::{Role, Roles};

/// Whose data one request reached: filled in while the request is parsed, read by the
/// access log once it is answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// Councils named by the request.
    pub councils: Vec<CouncilCode>,
    /// Aggregates named by the request: (kind, id), e.g. ("ct-account", uuid).
    pub subjects: Vec<(&'static str, String)>,
}

/// Who is calling, once authenticated.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The credential used.
    pub credential: CredentialId,
    /// Whose data it reaches.
    pub scope: Scope,
    /// What it may do.
    pub roles: Roles,
    touched: Arc<Mutex<Touched>>,
}

impl Caller {
    /// A caller with nothing touched yet.
    pub fn new(credential: CredentialId, scope: Scope, roles: Roles) -> Self {
        Caller {
            credential,
            scope,
            roles,
            touched: Arc::default(),
        }
    }

    /// Whether the caller's scope reaches `council`.
    pub fn reaches(&self, council: &CouncilCode) -> bool {
        self.scope.reaches(council)
    }

    /// Whether the caller holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.has(role)
    }

    /// Records that the request named `council`.
    pub fn touch_council(&self, council: &CouncilCode) {
        let mut touched = self.touched.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !touched.councils.contains(council) {
            touched.councils.push(council.clone());
        }
    }

    /// Records that the request named one aggregate.
    pub fn touch(&self, kind: &'static str, id: &str) {
        let mut touched = self.touched.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        touched.subjects.push((kind, id.to_owned()));
    }

    /// What the request touched so far.
    pub fn touched(&self) -> Touched {
        self.touched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}
