//! The `precept.v1.CouncilTaxAccounts` service.

use std::collections::HashSet;
use std::sync::Arc;

use precept_app::council_tax::Stores;
use precept_app::{BalanceQueries, RequestMeta};
use precept_domain::account::{AccountCommand, OpenAccount};
use precept_domain::instalments::{InstalmentPlan, PlanLength};
use precept_domain::{AccountId, CouncilCode, FinancialYear, PartyId, Pence, Uprn};
use tonic::{Request, Response, Status};
use uuid::Uuid;

pub use crate::common::{ACTOR_HEADER, REPLAYED_HEADER};
use crate::common::{actor, answer, fingerprint, parse_meta, receipt};
use crate::money_requests;
use crate::proto::council_tax_accounts_server::CouncilTaxAccounts;
use crate::proto::{
    AccountBalance, GetAccountBalanceRequest, OpenAccountRequest, OpenAccountResponse, PostPaymentRequest,
    PostPaymentResponse,
};
use crate::status;
use crate::validate::Violations;

/// Namespace for account ids derived from request ids (a fixed, random UUID).
const ACCOUNT_ID_NAMESPACE: Uuid = Uuid::from_u128(0x5d0c_8f3e_2b7a_4c1d_9e6f_0a1b_2c3d_4e5f);

/// The service, over the Council Tax application service and the balance queries.
pub struct CouncilTaxAccountsApi<S: Stores, Q> {
    app: Arc<precept_app::CouncilTaxService<S>>,
    queries: Arc<Q>,
    councils: Arc<HashSet<CouncilCode>>,
}

impl<S: Stores, Q> CouncilTaxAccountsApi<S, Q> {
    /// A service for the partnership's `councils`.
    pub fn new(
        app: Arc<precept_app::CouncilTaxService<S>>,
        queries: Arc<Q>,
        councils: Arc<HashSet<CouncilCode>>,
    ) -> Self {
        CouncilTaxAccountsApi { app, queries, councils }
    }
}

/// The instalment plan fields of a request (§1.9): 12 instalments on request, a day of the month.
pub(crate) fn plan(v: &mut Violations, twelve: bool, day: u32) -> Option<InstalmentPlan> {
    let day = if day == 0 { 1 } else { day };
    if !(1..=28).contains(&day) {
        v.add("instalment_day", "must be a day of the month from 1 to 28");
        return None;
    }
    let length = if twelve {
        PlanLength::Twelve
    } else {
        PlanLength::Statutory
    };
    Some(InstalmentPlan { length, day })
}

/// An optional financial year field ("2025/26"); empty means none.
pub(crate) fn optional_year(v: &mut Violations, field: &str, text: &str) -> Option<Option<FinancialYear>> {
    if text.is_empty() {
        return Some(None);
    }
    v.check(field, text.parse::<FinancialYear>()).map(Some)
}

/// A parsed, valid request: where it goes, what it asks, and who asked.
struct Parsed<C> {
    council: CouncilCode,
    account_id: AccountId,
    command: C,
    meta: RequestMeta,
}

impl<S: Stores, Q> CouncilTaxAccountsApi<S, Q> {
    fn parse_open(&self, request: &Request<OpenAccountRequest>) -> Result<Parsed<OpenAccount>, Status> {
        let mut v = Violations::for_request(&request);
        let actor = actor(request, &mut v);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let meta = parse_meta(
            &mut v,
            &body.request_id,
            &body.correlation_id,
            actor,
            fingerprint("OpenAccount", body),
        );
        let account_id = if body.account_id.is_empty() {
            council.as_ref().zip(meta.as_ref()).map(|(council, meta)| {
                let name = format!("{council}:{}", meta.request_id);
                AccountId::from_uuid(Uuid::new_v5(&ACCOUNT_ID_NAMESPACE, name.as_bytes()))
                    .expect("v5 UUIDs are never nil")
            })
        } else {
            v.check("account_id", AccountId::parse(&body.account_id))
        };
        if let Some(account_id) = &account_id {
            v.touch("account", &account_id.to_string());
        }
        let property = crate::common::id(&mut v, "uprn", &body.uprn, Uprn::parse);
        let liability_start = v.date("liability_start", &body.liability_start);
        let instalment_plan = plan(&mut v, body.twelve_instalments, body.instalment_day);
        let mut parties = Vec::with_capacity(body.liable_party_ids.len());
        if body.liable_party_ids.is_empty() {
            v.add("liable_party_ids", "at least one liable party is required");
        }
        for (index, party) in body.liable_party_ids.iter().enumerate() {
            if let Some(party) = v.check(&format!("liable_party_ids[{index}]"), PartyId::parse(party)) {
                parties.push(party);
            }
        }
        v.finish()?;
        let (Some(council), Some(account_id), Some(meta), Some(property), Some(liability_start), Some(instalment_plan)) =
            (council, account_id, meta, property, liability_start, instalment_plan)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let command = OpenAccount {
            property,
            liability_start,
            liable_parties: parties,
            balance_brought_forward_pence: Pence::new(body.balance_brought_forward_pence),
            instalment_plan,
        };
        Ok(Parsed {
            council,
            account_id,
            command,
            meta,
        })
    }
}

#[tonic::async_trait]
impl<S, Q> CouncilTaxAccounts for CouncilTaxAccountsApi<S, Q>
where
    S: Stores,
    Q: BalanceQueries,
{
    #[tracing::instrument(skip_all, fields(council = %request.get_ref().council, request_id = %request.get_ref().request_id))]
    async fn open_account(
        &self,
        request: Request<OpenAccountRequest>,
    ) -> Result<Response<OpenAccountResponse>, Status> {
        let parsed = self.parse_open(&request)?;
        // Through the service, which refuses a property the council has not registered.
        let outcome = self
            .app
            .open_account(&parsed.council, &parsed.account_id, parsed.command, &parsed.meta)
            .await
            .map_err(status::service)?;
        let response = OpenAccountResponse {
            account_id: parsed.account_id.to_string(),
            commit: Some(receipt(&outcome)),
        };
        Ok(answer(response, &outcome))
    }

    #[tracing::instrument(skip_all, fields(council = %request.get_ref().council, account_id = %request.get_ref().account_id, request_id = %request.get_ref().request_id))]
    async fn post_payment(
        &self,
        request: Request<PostPaymentRequest>,
    ) -> Result<Response<PostPaymentResponse>, Status> {
        let (target, payment) = money_requests::payment(&request, &self.councils)?;
        let outcome = self
            .app
            .accounts()
            .execute(
                &target.council,
                &target.account,
                AccountCommand::PostPayment(payment),
                &target.meta,
            )
            .await
            .map_err(status::account_command)?;
        Ok(answer(
            PostPaymentResponse {
                commit: Some(receipt(&outcome)),
            },
            &outcome,
        ))
    }

    async fn get_account_balance(
        &self,
        request: Request<GetAccountBalanceRequest>,
    ) -> Result<Response<AccountBalance>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let account_id = crate::common::id(&mut v, "account_id", &body.account_id, AccountId::parse);
        v.finish()?;
        let (Some(council), Some(account_id)) = (council, account_id) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let view = self
            .queries
            .account_balance(&council, &account_id, body.min_sequence)
            .await
            .map_err(status::query_error)?
            .ok_or_else(|| Status::not_found(format!("no account {account_id} in council {council}")))?;
        Ok(Response::new(AccountBalance {
            council: view.council,
            account_id: view.account_id,
            uprn: view.uprn.to_string(),
            liability_start: view.liability_start,
            liable_party_count: view.liable_parties,
            balance_owed_pence: view.balance_owed_pence,
            payments_count: view.payments_count,
            version: view.version,
            as_of_sequence: view.as_of_sequence,
        }))
    }
}
