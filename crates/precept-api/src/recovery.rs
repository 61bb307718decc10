//! The `precept.v1.CouncilTaxRecovery` service: the daily recovery run, officers' actions,
//! holds, and the recovery read model's queries (REFERENCE §1.10).

use std::collections::HashSet;
use std::sync::Arc;

use precept_app::council_tax::{RecoveryProgress, RecoveryReads, RecoveryRun, StepQuery, StepSelection, Stores};
use precept_app::{AccountDirectory, CouncilTaxService};
use precept_domain::{AccountId, CouncilCode};
use tokio::sync::watch;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::common::{command_meta, date_range, id, reply, required_year, run_date_and_hearing, stream_progress};
use crate::money_requests;
use crate::proto::council_tax_recovery_server::CouncilTaxRecovery;
use crate::proto::{self, CommitReceipt, RecoveryRunProgress};
use crate::recovery_convert::{self as convert, page_after, page_size};
use crate::status;
use crate::validate::Violations;

/// The recovery service.
pub struct CouncilTaxRecoveryApi<S: Stores, D, R> {
    app: Arc<CouncilTaxService<S>>,
    directory: Arc<D>,
    reads: Arc<R>,
    councils: Arc<HashSet<CouncilCode>>,
    /// Accounts examined at once by a run.
    pub run_concurrency: usize,
}

impl<S: Stores, D, R> CouncilTaxRecoveryApi<S, D, R> {
    /// A service for the partnership's `councils`.
    pub fn new(
        app: Arc<CouncilTaxService<S>>,
        directory: Arc<D>,
        reads: Arc<R>,
        councils: Arc<HashSet<CouncilCode>>,
    ) -> Self {
        CouncilTaxRecoveryApi {
            app,
            directory,
            reads,
            councils,
            // As the billing run: most accounts take no step, so a run is mostly reads of
            // cached state, and a deep pipeline keeps the steps that do append flowing.
            run_concurrency: 1_024,
        }
    }
}

const UNREACHABLE: &str = "every None above recorded a violation, so finish() returned early";

impl<S: Stores, D: AccountDirectory, R: RecoveryReads> CouncilTaxRecoveryApi<S, D, R> {
    async fn steps(&self, query: StepQuery) -> Result<Response<proto::RecoveryStepPage>, Status> {
        let size = query.limit;
        let query = StepQuery {
            limit: size + 1,
            ..query
        };
        let steps = self.reads.steps(&query).await.map_err(status::query_error)?;
        Ok(Response::new(convert::step_page(steps, size)))
    }
}

#[tonic::async_trait]
impl<S: Stores, D: AccountDirectory, R: RecoveryReads> CouncilTaxRecovery for CouncilTaxRecoveryApi<S, D, R> {
    type RunRecoveryStream = ReceiverStream<Result<RecoveryRunProgress, Status>>;

    async fn run_recovery(
        &self,
        request: Request<proto::RunRecoveryRequest>,
    ) -> Result<Response<Self::RunRecoveryStream>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(&mut v, &request, "RunRecovery", &body.request_id, &body.correlation_id);
        let council = v.council("council", &body.council, &self.councils);
        let (date, hearing) = run_date_and_hearing(&mut v, &body.run_date, &body.hearing);
        v.finish()?;
        let (Some(meta), Some(council), Some(date), Some(hearing)) = (meta, council, date, hearing) else {
            unreachable!("{UNREACHABLE}");
        };
        // Checked before the stream starts, so a bad hearing is a field error at once.
        self.app
            .recovery_run_policy(&council, date, hearing)
            .await
            .map_err(status::service)?;
        let run = RecoveryRun {
            council,
            date,
            hearing,
            meta,
            concurrency: self.run_concurrency,
            page_size: 2_000,
        };
        let (app, directory) = (Arc::clone(&self.app), Arc::clone(&self.directory));
        let (progress, updates) = watch::channel(RecoveryProgress::default());
        let running = async move { app.run_recovery(&run, directory.as_ref(), &progress).await };
        Ok(Response::new(stream_progress(
            updates,
            running,
            convert::progress_to,
            |progress| progress.finished,
        )))
    }

    async fn take_recovery_action(
        &self,
        request: Request<proto::RecoveryActionRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, year, action) = money_requests::recovery_action(&request, &self.councils)?;
        reply(
            self.app
                .recovery_action(&target.council, &target.account, year, action, &target.meta)
                .await,
        )
    }

    async fn place_hold(&self, request: Request<proto::PlaceHoldRequest>) -> Result<Response<CommitReceipt>, Status> {
        let (target, hold) = money_requests::place_hold(&request, &self.councils)?;
        reply(
            self.app
                .place_hold(&target.council, &target.account, hold, &target.meta)
                .await,
        )
    }

    async fn lift_hold(&self, request: Request<proto::LiftHoldRequest>) -> Result<Response<CommitReceipt>, Status> {
        let (target, lifted) = money_requests::lift_hold(&request, &self.councils)?;
        reply(
            self.app
                .lift_hold(&target.council, &target.account, lifted, &target.meta)
                .await,
        )
    }

    async fn get_caseload(
        &self,
        request: Request<proto::GetCaseloadRequest>,
    ) -> Result<Response<proto::Caseload>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let year = required_year(&mut v, "year", &body.year);
        v.finish()?;
        let (Some(council), Some(year)) = (council, year) else {
            unreachable!("{UNREACHABLE}");
        };
        let caseload = self
            .reads
            .caseload(&council, year, body.min_sequence)
            .await
            .map_err(status::query_error)?;
        Ok(Response::new(proto::Caseload {
            council: council.to_string(),
            year: year.to_string(),
            stages: caseload.stages.into_iter().map(convert::totals_to).collect(),
            remedies: caseload.remedies.into_iter().map(convert::totals_to).collect(),
            on_hold: caseload.on_hold,
            arrangements: caseload.arrangements,
        }))
    }

    async fn list_notices(
        &self,
        request: Request<proto::ListNoticesRequest>,
    ) -> Result<Response<proto::RecoveryStepPage>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let on = v.date("on", &body.on);
        let limit = page_size(&mut v, body.page_size);
        let after = page_after(&mut v, &body.page_token);
        v.finish()?;
        let (Some(council), Some(on), Some(after)) = (council, on, after) else {
            unreachable!("{UNREACHABLE}");
        };
        self.steps(StepQuery {
            council,
            selection: StepSelection::Notices { on },
            after,
            limit,
            min_sequence: body.min_sequence,
        })
        .await
    }

    async fn get_summons_list(
        &self,
        request: Request<proto::GetSummonsListRequest>,
    ) -> Result<Response<proto::RecoveryStepPage>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let hearing = v.date("hearing", &body.hearing);
        let limit = page_size(&mut v, body.page_size);
        let after = page_after(&mut v, &body.page_token);
        v.finish()?;
        let (Some(council), Some(hearing), Some(after)) = (council, hearing, after) else {
            unreachable!("{UNREACHABLE}");
        };
        self.steps(StepQuery {
            council,
            selection: StepSelection::Summonses { hearing },
            after,
            limit,
            min_sequence: body.min_sequence,
        })
        .await
    }

    async fn get_agent_referrals(
        &self,
        request: Request<proto::GetAgentReferralsRequest>,
    ) -> Result<Response<proto::RecoveryStepPage>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let (from, to) = date_range(&mut v, &body.from, &body.to);
        let firm = if body.firm.is_empty() {
            Some(None)
        } else {
            v.check("firm", precept_domain::council_year::ShortCode::parse(&body.firm))
                .map(|firm| Some(firm.as_str().to_owned()))
        };
        let limit = page_size(&mut v, body.page_size);
        let after = page_after(&mut v, &body.page_token);
        v.finish()?;
        let (Some(council), Some(from), Some(to), Some(firm), Some(after)) = (council, from, to, firm, after) else {
            unreachable!("{UNREACHABLE}");
        };
        self.steps(StepQuery {
            council,
            selection: StepSelection::Referrals { from, to, firm },
            after,
            limit,
            min_sequence: body.min_sequence,
        })
        .await
    }

    async fn get_account_recovery(
        &self,
        request: Request<proto::GetAccountRecoveryRequest>,
    ) -> Result<Response<proto::AccountRecovery>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        v.finish()?;
        let (Some(council), Some(account)) = (council, account) else {
            unreachable!("{UNREACHABLE}");
        };
        let (years, steps) = self
            .reads
            .account_recovery(&council, &account, body.min_sequence)
            .await
            .map_err(status::query_error)?;
        Ok(Response::new(proto::AccountRecovery {
            years: years.into_iter().map(convert::year_to).collect(),
            steps: steps.into_iter().map(convert::step_to).collect(),
        }))
    }
}
