//! The `precept.v1.AccessLog` service: the access log by subject or by credential.

use std::collections::HashSet;
use std::sync::Arc;

use precept_app::access::{AccessLog, AccessQuery, AccessRecord, CredentialId, Scope};
use precept_domain::ids::ClaimId;
use precept_domain::{AccountId, CouncilCode, Uprn};
use tonic::{Request, Response, Status};

use crate::proto::access_log_server;
use crate::proto::{self, AccessRecords};
use crate::validate::{CarriesCaller as _, Violations};

/// Records in one answer when the caller does not say.
const LIMIT_DEFAULT: u32 = 100;
/// Records in one answer at most.
const LIMIT_MAX: u32 = 1_000;

/// The service, over the access log port.
pub struct AccessLogApi<L> {
    log: Arc<L>,
    councils: Arc<HashSet<CouncilCode>>,
}

impl<L> AccessLogApi<L> {
    /// A service for the partnership's `councils`.
    pub fn new(log: Arc<L>, councils: Arc<HashSet<CouncilCode>>) -> Self {
        AccessLogApi { log, councils }
    }
}

fn limit(v: &mut Violations, value: u32) -> usize {
    match value {
        0 => LIMIT_DEFAULT as usize,
        n if n > LIMIT_MAX => {
            v.add("limit", format!("at most {LIMIT_MAX}"));
            0
        }
        n => n as usize,
    }
}

fn to_proto(record: AccessRecord) -> proto::AccessRecord {
    proto::AccessRecord {
        at: record.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        credential_id: record.credential,
        method: record.method,
        council: record.council,
        kind: record.kind,
        id: record.id,
        outcome: record.outcome,
    }
}

fn store_error(error: &precept_app::StoreError) -> Status {
    tracing::error!(%error, "access log unavailable");
    Status::unavailable("access log unavailable; try again")
}

#[tonic::async_trait]
impl<L: AccessLog> access_log_server::AccessLog for AccessLogApi<L> {
    async fn list_access_by_subject(
        &self,
        request: Request<proto::ListAccessBySubjectRequest>,
    ) -> Result<Response<AccessRecords>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let id_ok = match body.kind.as_str() {
            "account" => AccountId::parse(&body.id).is_ok(),
            "claim" => ClaimId::parse(&body.id).is_ok(),
            "property" => Uprn::parse(&body.id).is_ok(),
            _ => {
                v.add("kind", "must be account, claim or property");
                true
            }
        };
        if !id_ok {
            v.add("id", format!("is not a valid {} id", body.kind));
        }
        let limit = limit(&mut v, body.limit);
        v.finish()?;
        let council = council.expect("finish() returned early otherwise");
        let query = AccessQuery::Subject {
            council: council.to_string(),
            kind: body.kind.clone(),
            id: body.id.clone(),
        };
        let records = self
            .log
            .query(&query, limit)
            .await
            .map_err(|error| store_error(&error))?;
        Ok(Response::new(AccessRecords {
            records: records.into_iter().map(to_proto).collect(),
        }))
    }

    async fn list_access_by_credential(
        &self,
        request: Request<proto::ListAccessByCredentialRequest>,
    ) -> Result<Response<AccessRecords>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let credential = v.check("credential_id", CredentialId::parse(&body.credential_id));
        let limit = limit(&mut v, body.limit);
        v.finish()?;
        let credential = credential.expect("finish() returned early otherwise");
        let records = self
            .log
            .query(&AccessQuery::Credential(credential.to_string()), limit)
            .await
            .map_err(|error| store_error(&error))?;
        // A council's auditor sees what any credential did to its own council's data only.
        let own = match request.caller().map(|caller| &caller.scope) {
            Some(Scope::Council(own)) => Some(own.to_string()),
            _ => None,
        };
        Ok(Response::new(AccessRecords {
            records: records
                .into_iter()
                .filter(|record| own.as_ref().is_none_or(|own| &record.council == own))
                .map(to_proto)
                .collect(),
        }))
    }
}
