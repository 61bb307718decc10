//! The `precept.v1.Admin` service: operating a running instance.
//!
//! What this is: request validation and the mapping of [`ReadModelSwitch`] outcomes to
//! protobuf. What this is not: authorisation (the service requires the `admin` role, checked
//! where every call's bearer token is) or the switch itself (precept-projections'
//! `ReadModelSwitcher`).

use std::sync::Arc;

use precept_app::{ReadModelSwitch, SwitchOutcome};
use tonic::{Request, Response, Status};

use crate::proto::admin_server::Admin;
use crate::proto::{ReadModelCheckpoint, SwitchReadModelRequest, SwitchReadModelResponse};
use crate::status;
use crate::validate::Violations;

/// The service, over the instance's read-model switch.
pub struct AdminApi<S> {
    switch: Arc<S>,
}

impl<S> AdminApi<S> {
    /// A service switching through `switch`.
    pub fn new(switch: Arc<S>) -> Self {
        AdminApi { switch }
    }
}

fn response(outcome: SwitchOutcome) -> SwitchReadModelResponse {
    SwitchReadModelResponse {
        checkpoints: outcome
            .checkpoints
            .into_iter()
            .map(|(council, sequence)| ReadModelCheckpoint {
                council: council.to_string(),
                sequence,
            })
            .collect(),
        caught_up_commits: outcome.caught_up_commits,
    }
}

#[tonic::async_trait]
impl<S: ReadModelSwitch> Admin for AdminApi<S> {
    async fn switch_read_model(
        &self,
        request: Request<SwitchReadModelRequest>,
    ) -> Result<Response<SwitchReadModelResponse>, Status> {
        let request = request.into_inner();
        let mut violations = Violations::default();
        let url = violations.required("database_url", request.database_url.trim());
        if let Some(url) = url
            && !(url.starts_with("sqlite:") || url.starts_with("postgres:") || url.starts_with("postgresql:"))
        {
            violations.add("database_url", "must start with sqlite: or postgres:");
        }
        violations.finish()?;
        let outcome = self
            .switch
            .switch_read_model(request.database_url.trim())
            .await
            .map_err(status::switch_error)?;
        Ok(Response::new(response(outcome)))
    }
}
