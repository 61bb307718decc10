//! The `precept.v1.BusinessRates` service: settings, agencies, the rating list, accounts,
//! annual billing, money, recovery, and the business rates read model's queries (REFERENCE §2).
//!
//! Every call names the billing authority in `council`; the council asking comes from the
//! `x-precept-council` header (default: the billing authority). Who may do what is the
//! application service's rule; this file only parses, validates and maps errors.

use std::collections::HashSet;
use std::sync::Arc;

use precept_app::council_tax::{RecoveryProgress, RunProgress};
use precept_app::nndr::{
    NewHereditament, NndrReads, NndrRun, NndrService, NndrServiceError, NndrStores, Reorganisation, ValueChange,
};
use precept_app::{AccountDirectory, CommandOutcome, RequestMeta};
use precept_domain::instalments::{InstalmentPlan, PlanLength};
use precept_domain::nndr::account::{NndrChange, NndrCommand, OpenNndr};
use precept_domain::nndr::agency::AgencyCommand;
use precept_domain::nndr::hereditament::HereditamentCommand;
use precept_domain::nndr::settings::{NndrSettings, SetNndrSettings};
use precept_domain::{AccountId, CouncilCode, FinancialYear, PartyId, Uprn};
use tokio::sync::watch;
use tokio_stream::wrappers::ReceiverStream;
use tonic::metadata::MetadataMap;
use tonic::{Request, Response, Status};

use crate::common::{
    COUNCIL_HEADER, command_meta, date_range, id, optional_date, reply, required_year, run_date_and_hearing,
    stream_progress,
};
use crate::money_requests::{self, Target};
use crate::nndr_convert as convert;
use crate::proto::business_rates_server::BusinessRates;
use crate::proto::{self, BillingRunProgress, CommitReceipt, RecoveryRunProgress};
use crate::status;
use crate::validate::{AgencyCouncils, Violations};

const UNREACHABLE: &str = "every None above recorded a violation, so finish() returned early";

/// The business rates service.
pub struct BusinessRatesApi<S: NndrStores, Q> {
    app: Arc<NndrService<S>>,
    queries: Arc<Q>,
    councils: Arc<AgencyCouncils>,
    /// Accounts at once in a run.
    pub run_concurrency: usize,
}

impl<S: NndrStores, Q> BusinessRatesApi<S, Q> {
    /// A service for the partnership's `councils`; `queries` is the business rates read
    /// model (its directory for runs, its views for queries).
    pub fn new(app: Arc<NndrService<S>>, queries: Arc<Q>, councils: Arc<HashSet<CouncilCode>>) -> Self {
        BusinessRatesApi {
            app,
            queries,
            councils: Arc::new(AgencyCouncils((*councils).clone())),
            run_concurrency: 256,
        }
    }

    /// The council asking. A council's credential always asks as its own council (a header
    /// naming another is refused); the partnership's staff name the council they act as in
    /// the header, or else act as the billing authority itself.
    fn acting(&self, v: &mut Violations, metadata: &MetadataMap, council: Option<&CouncilCode>) -> Option<CouncilCode> {
        let own = match v.caller().map(|caller| caller.scope.clone()) {
            Some(precept_app::access::Scope::Council(own)) => Some(own),
            _ => None,
        };
        let header = match metadata.get(COUNCIL_HEADER).map(|value| value.to_str()) {
            None => None,
            Some(Ok(text)) => Some(v.council(COUNCIL_HEADER, text, &self.councils)?),
            Some(Err(_)) => {
                v.add(COUNCIL_HEADER, "must be ASCII");
                return None;
            }
        };
        own.or(header).or_else(|| council.cloned())
    }

    /// Checks the asking council may read the billing authority's business rates: itself, or
    /// its agent.
    async fn may_read<T>(&self, request: &Request<T>, council: &CouncilCode) -> Result<(), Status> {
        let acting = self.acting_for(request, council)?;
        self.app
            .authorise(
                &acting,
                council,
                precept_app::nndr::Work::Collect,
                "read business rates",
            )
            .await
            .map_err(status::nndr)
    }

    fn acting_for<T>(&self, request: &Request<T>, council: &CouncilCode) -> Result<CouncilCode, Status> {
        let mut v = Violations::for_request(request);
        let acting = self.acting(&mut v, request.metadata(), Some(council));
        v.finish()?;
        Ok(acting.expect(UNREACHABLE))
    }
}

fn uprn(v: &mut Violations, field: &str, value: &str) -> Option<Uprn> {
    id(v, field, value, Uprn::parse)
}

fn receipt_of(outcome: Result<CommandOutcome, NndrServiceError>) -> Result<Response<CommitReceipt>, Status> {
    reply(outcome)
}

fn list_change(
    outcome: Result<precept_app::nndr::ListChangeOutcome, NndrServiceError>,
) -> Result<Response<proto::ListChangeResponse>, Status> {
    let outcome = outcome.map_err(status::nndr)?;
    Ok(Response::new(proto::ListChangeResponse {
        commit: Some(CommitReceipt {
            sequence: outcome.commit.commit.sequence,
            version: outcome.commit.commit.version,
        }),
        accounts_rebilled: outcome.accounts_rebilled,
        last_sequence: outcome.last_sequence,
    }))
}

fn billing_progress(progress: &RunProgress) -> BillingRunProgress {
    BillingRunProgress {
        examined: progress.examined,
        billed: progress.billed,
        unchanged: progress.unchanged,
        failed: progress.failed,
        finished: progress.finished,
        failures: progress
            .failures
            .iter()
            .map(|(account, reason)| proto::BillingFailure {
                account_id: account.to_string(),
                reason: reason.clone(),
            })
            .collect(),
    }
}

impl<S: NndrStores, Q: AccountDirectory + NndrReads> BusinessRatesApi<S, Q> {
    async fn money<T>(
        &self,
        request: &Request<T>,
        target: Target,
        command: NndrCommand,
    ) -> Result<Response<CommitReceipt>, Status> {
        let acting = self.acting_for(request, &target.council)?;
        receipt_of(
            self.app
                .account_command(&acting, &target.council, &target.account, command, &target.meta)
                .await,
        )
    }

    /// The metadata, billing authority and asking council of a command (violations recorded).
    /// A run for the asking council on the billing authority's accounts.
    fn run(
        &self,
        (acting, council, meta): (CouncilCode, CouncilCode, RequestMeta),
        year: FinancialYear,
        date: chrono::NaiveDate,
        hearing: Option<chrono::NaiveDate>,
    ) -> NndrRun {
        NndrRun {
            acting,
            council,
            year,
            date,
            hearing,
            meta,
            concurrency: self.run_concurrency,
            page_size: 2_000,
        }
    }

    fn run_meta<T: prost::Message>(
        &self,
        v: &mut Violations,
        request: &Request<T>,
        method: &str,
        (request_id, council, correlation): (&str, &str, &str),
    ) -> (Option<RequestMeta>, Option<CouncilCode>, Option<CouncilCode>) {
        let meta = command_meta(v, request, method, request_id, correlation);
        let council = v.council("council", council, &self.councils);
        let acting = self.acting(v, request.metadata(), council.as_ref());
        (meta, council, acting)
    }
}

#[tonic::async_trait]
impl<S: NndrStores, Q: AccountDirectory + NndrReads> BusinessRates for BusinessRatesApi<S, Q> {
    type RunNndrBillingStream = ReceiverStream<Result<BillingRunProgress, Status>>;
    type RunNndrRecoveryStream = ReceiverStream<Result<RecoveryRunProgress, Status>>;

    async fn set_nndr_year(
        &self,
        request: Request<proto::SetNndrYearRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(&mut v, &request, "SetNndrYear", &body.request_id, &body.correlation_id);
        let council = v.council("council", &body.council, &self.councils);
        let acting = self.acting(&mut v, request.metadata(), council.as_ref());
        let year = required_year(&mut v, "year", &body.year);
        let effective_from = v.date("effective_from", &body.effective_from);
        let settings: Option<NndrSettings> = year.and_then(|year| {
            if body.england_defaults {
                let settings = NndrSettings::england(year);
                if settings.is_none() {
                    v.add("england_defaults", "no published figures for this year");
                }
                settings
            } else {
                convert::settings_from(&mut v, year, body.settings.as_ref())
            }
        });
        v.finish()?;
        let (Some(meta), Some(council), Some(acting), Some(effective_from), Some(settings)) =
            (meta, council, acting, effective_from, settings)
        else {
            unreachable!("{UNREACHABLE}");
        };
        let command = SetNndrSettings {
            effective_from,
            settings,
        };
        receipt_of(self.app.set_year(&acting, &council, command, &meta).await)
    }

    async fn get_nndr_year(
        &self,
        request: Request<proto::GetNndrYearRequest>,
    ) -> Result<Response<proto::NndrSettings>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let year = required_year(&mut v, "year", &body.year);
        let on = optional_date(&mut v, "on", &body.on);
        if let (Some(year), Some(Some(on))) = (year, on)
            && !year.contains(on)
        {
            v.add("on", "must be a day of the year");
        }
        v.finish()?;
        let (Some(council), Some(year), Some(on)) = (council, year, on) else {
            unreachable!("{UNREACHABLE}");
        };
        let on = on.unwrap_or_else(|| year.last_day());
        let settings = self.app.settings(&council, on).await.map_err(status::nndr)?;
        Ok(Response::new(convert::settings_to(&settings)))
    }

    async fn appoint_agent(
        &self,
        request: Request<proto::AppointAgentRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "AppointAgent",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let agent = v.council("agent", &body.agent, &self.councils);
        let from = v.date("from", &body.from);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(agent), Some(from)) = (agent, from) else {
            unreachable!("{UNREACHABLE}");
        };
        receipt_of(
            self.app
                .agency(&acting, &council, &agent, AgencyCommand::Appoint { from }, &meta)
                .await,
        )
    }

    async fn end_agency(&self, request: Request<proto::EndAgencyRequest>) -> Result<Response<CommitReceipt>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "EndAgency",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let agent = v.council("agent", &body.agent, &self.councils);
        let last_day = v.date("last_day", &body.last_day);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(agent), Some(last_day)) = (agent, last_day) else {
            unreachable!("{UNREACHABLE}");
        };
        receipt_of(
            self.app
                .agency(&acting, &council, &agent, AgencyCommand::End { last_day }, &meta)
                .await,
        )
    }

    async fn list_hereditament(
        &self,
        request: Request<proto::ListHereditamentRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "ListHereditament",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let uprn = uprn(&mut v, "uprn", &body.uprn);
        let effective_from = v.date("effective_from", &body.effective_from);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(uprn), Some(effective_from)) = (uprn, effective_from) else {
            unreachable!("{UNREACHABLE}");
        };
        let command = HereditamentCommand::List {
            rateable_value: body.rateable_value,
            class: convert::class(body.industrial, body.rhl_use, body.listed_building),
            effective_from,
        };
        receipt_of(self.app.list(&acting, &council, uprn, command, &meta).await)
    }

    async fn alter_rateable_value(
        &self,
        request: Request<proto::AlterRateableValueRequest>,
    ) -> Result<Response<proto::ListChangeResponse>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "AlterRateableValue",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let uprn = uprn(&mut v, "uprn", &body.uprn);
        let effective_from = v.date("effective_from", &body.effective_from);
        let notice_date = v.date("notice_date", &body.notice_date);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(uprn), Some(effective_from), Some(notice_date)) = (uprn, effective_from, notice_date) else {
            unreachable!("{UNREACHABLE}");
        };
        let command = HereditamentCommand::AlterValue {
            rateable_value: body.rateable_value,
            effective_from,
            schedule_reference: body.schedule_reference.clone(),
        };
        list_change(
            self.app
                .alter_value(
                    &acting,
                    &council,
                    ValueChange {
                        uprn,
                        command,
                        notice_date,
                    },
                    &meta,
                    self.queries.as_ref(),
                )
                .await,
        )
    }

    async fn reorganise_hereditaments(
        &self,
        request: Request<proto::ReorganiseHereditamentsRequest>,
    ) -> Result<Response<proto::ListChangeResponse>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "ReorganiseHereditaments",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let old: Vec<Option<Uprn>> = body
            .old_uprns
            .iter()
            .map(|value| uprn(&mut v, "old_uprns", value))
            .collect();
        let new: Vec<Option<NewHereditament>> = body
            .new_hereditaments
            .iter()
            .map(|created| {
                uprn(&mut v, "new_hereditaments.uprn", &created.uprn).map(|uprn| NewHereditament {
                    uprn,
                    rateable_value: created.rateable_value,
                    class: convert::class(created.industrial, created.rhl_use, created.listed_building),
                })
            })
            .collect();
        if body.old_uprns.len() + body.new_hereditaments.len() > 1_000 {
            v.add("new_hereditaments", "at most 1000 hereditaments in one reorganisation");
        }
        let from = v.date("effective_from", &body.effective_from);
        let notice_date = v.date("notice_date", &body.notice_date);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(old), Some(new), Some(from), Some(notice_date)) = (
            old.into_iter().collect::<Option<Vec<_>>>(),
            new.into_iter().collect::<Option<Vec<_>>>(),
            from,
            notice_date,
        ) else {
            unreachable!("{UNREACHABLE}");
        };
        list_change(
            self.app
                .reorganise(
                    &acting,
                    &council,
                    &Reorganisation {
                        old,
                        new,
                        from,
                        notice_date,
                    },
                    &meta,
                    self.queries.as_ref(),
                )
                .await,
        )
    }

    async fn open_nndr_account(
        &self,
        request: Request<proto::OpenNndrAccountRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "OpenNndrAccount",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        let hereditament = uprn(&mut v, "uprn", &body.uprn);
        let ratepayer = id(&mut v, "ratepayer_id", &body.ratepayer_id, PartyId::parse);
        let liability_start = v.date("liability_start", &body.liability_start);
        let empty_since = optional_date(&mut v, "empty_since", &body.empty_since);
        let reliefs = convert::reliefs_from(&mut v, "reliefs", body.reliefs.as_ref());
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(account), Some(hereditament), Some(ratepayer), Some(liability_start), Some(empty_since)) =
            (account, hereditament, ratepayer, liability_start, empty_since)
        else {
            unreachable!("{UNREACHABLE}");
        };
        let command = OpenNndr {
            hereditament,
            ratepayer,
            liability_start,
            empty_since,
            reliefs,
            plan: plan(body.twelve_instalments),
        };
        receipt_of(self.app.open_account(&acting, &council, &account, command, &meta).await)
    }

    async fn change_nndr_account(
        &self,
        request: Request<proto::ChangeNndrAccountRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        use proto::change_nndr_account_request::Change;
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "ChangeNndrAccount",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        let notice_date = v.date("notice_date", &body.notice_date);
        let change = match &body.change {
            Some(Change::Occupation(occupation)) => {
                v.date("change.occupation.from", &occupation.from)
                    .map(|from| NndrChange::Occupation {
                        from,
                        occupied: occupation.occupied,
                    })
            }
            Some(Change::Reliefs(reliefs)) => {
                let claims = convert::reliefs_from(&mut v, "change.reliefs.reliefs", reliefs.reliefs.as_ref());
                v.date("change.reliefs.from", &reliefs.from)
                    .map(|from| NndrChange::Reliefs { from, claims })
            }
            Some(Change::EndLiability(last_day)) => v
                .date("change.end_liability", last_day)
                .map(|last_day| NndrChange::EndLiability { last_day }),
            None => {
                v.add("change", "one change is required");
                None
            }
        };
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(account), Some(notice_date), Some(change)) = (account, notice_date, change) else {
            unreachable!("{UNREACHABLE}");
        };
        receipt_of(
            self.app
                .change(&acting, &council, &account, change, notice_date, &meta)
                .await,
        )
    }

    async fn change_nndr_instalment_plan(
        &self,
        request: Request<proto::ChangeNndrInstalmentPlanRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "ChangeNndrInstalmentPlan",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        let notice_date = v.date("notice_date", &body.notice_date);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(account), Some(notice_date)) = (account, notice_date) else {
            unreachable!("{UNREACHABLE}");
        };
        receipt_of(
            self.app
                .change_plan(
                    &acting,
                    &council,
                    &account,
                    plan(body.twelve_instalments),
                    notice_date,
                    &meta,
                )
                .await,
        )
    }

    async fn run_nndr_billing(
        &self,
        request: Request<proto::RunAnnualBillingRequest>,
    ) -> Result<Response<Self::RunNndrBillingStream>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "RunNndrBilling",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let year = required_year(&mut v, "year", &body.year);
        let issue_date = v.date("issue_date", &body.issue_date);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(year), Some(date)) = (year, issue_date) else {
            unreachable!("{UNREACHABLE}");
        };
        let run = self.run((acting, council, meta), year, date, None);
        // Checked before the stream starts, so a refusal is a status, not a stream error.
        self.app.check_billing_run(&run).await.map_err(status::nndr)?;
        let (app, queries) = (Arc::clone(&self.app), Arc::clone(&self.queries));
        let (progress, updates) = watch::channel(RunProgress::default());
        let running = async move { app.run_billing(&run, queries.as_ref(), &progress).await };
        Ok(Response::new(stream_progress(
            updates,
            running,
            billing_progress,
            |progress| progress.finished,
        )))
    }

    async fn post_nndr_payment(
        &self,
        request: Request<proto::PostPaymentRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, payment) = money_requests::payment(&request, &self.councils)?;
        self.money(&request, target, NndrCommand::PostPayment(payment)).await
    }

    async fn reverse_nndr_payment(
        &self,
        request: Request<proto::ReversePaymentRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, reversal) = money_requests::reversal(&request, &self.councils)?;
        self.money(&request, target, NndrCommand::ReversePayment(reversal))
            .await
    }

    async fn refund_nndr_credit(
        &self,
        request: Request<proto::RefundCreditRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, refund) = money_requests::refund(&request, &self.councils)?;
        self.money(&request, target, NndrCommand::RefundCredit(refund)).await
    }

    async fn carry_forward_nndr_credit(
        &self,
        request: Request<proto::CarryForwardCreditRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, carry) = money_requests::carry_forward(&request, &self.councils)?;
        self.money(&request, target, NndrCommand::CarryForwardCredit(carry))
            .await
    }

    async fn run_nndr_recovery(
        &self,
        request: Request<proto::RunRecoveryRequest>,
    ) -> Result<Response<Self::RunNndrRecoveryStream>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let (meta, council, acting) = self.run_meta(
            &mut v,
            &request,
            "RunNndrRecovery",
            (&body.request_id, &body.council, &body.correlation_id),
        );
        let (date, hearing) = run_date_and_hearing(&mut v, &body.run_date, &body.hearing);
        v.finish()?;
        let (Some(meta), Some(council), Some(acting)) = (meta, council, acting) else {
            unreachable!("{UNREACHABLE}");
        };
        let (Some(date), Some(hearing)) = (date, hearing) else {
            unreachable!("{UNREACHABLE}");
        };
        let run = self.run((acting, council, meta), FinancialYear::containing(date), date, hearing);
        // Checked before the stream starts, so a bad hearing is a field error at once.
        self.app.recovery_run_policy(&run).await.map_err(status::nndr)?;
        let (app, queries) = (Arc::clone(&self.app), Arc::clone(&self.queries));
        let (progress, updates) = watch::channel(RecoveryProgress::default());
        let running = async move { app.run_recovery(&run, queries.as_ref(), &progress).await };
        Ok(Response::new(stream_progress(
            updates,
            running,
            crate::recovery_convert::progress_to,
            |progress| progress.finished,
        )))
    }

    async fn take_nndr_recovery_action(
        &self,
        request: Request<proto::RecoveryActionRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, year, action) = money_requests::recovery_action(&request, &self.councils)?;
        let acting = self.acting_for(&request, &target.council)?;
        receipt_of(
            self.app
                .recovery_action(&acting, &target.council, &target.account, year, action, &target.meta)
                .await,
        )
    }

    async fn place_nndr_hold(
        &self,
        request: Request<proto::PlaceHoldRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, hold) = money_requests::place_hold(&request, &self.councils)?;
        self.money(&request, target, NndrCommand::PlaceHold(hold)).await
    }

    async fn lift_nndr_hold(
        &self,
        request: Request<proto::LiftHoldRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, lifted) = money_requests::lift_hold(&request, &self.councils)?;
        self.money(&request, target, NndrCommand::LiftHold(lifted)).await
    }

    async fn get_nndr_account(
        &self,
        request: Request<proto::GetNndrAccountRequest>,
    ) -> Result<Response<proto::NndrAccount>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        let as_of = optional_date(&mut v, "as_of", &body.as_of);
        v.finish()?;
        let (Some(council), Some(account), Some(as_of)) = (council, account, as_of) else {
            unreachable!("{UNREACHABLE}");
        };
        // The date only grades instalments as overdue; the read itself needs no clock.
        self.may_read(&request, &council).await?;
        let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
        let view = self
            .queries
            .account(&council, &account, body.min_sequence)
            .await
            .map_err(status::query_error)?;
        view.as_ref()
            .and_then(|view| convert::account_to(&council, view, as_of))
            .map(Response::new)
            .ok_or_else(|| Status::not_found(format!("no business rates account {account} for {council}")))
    }

    async fn get_nndr_statement(
        &self,
        request: Request<proto::GetNndrAccountRequest>,
    ) -> Result<Response<proto::NndrStatement>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        v.finish()?;
        let (Some(council), Some(account)) = (council, account) else {
            unreachable!("{UNREACHABLE}");
        };
        self.may_read(&request, &council).await?;
        let lines = self
            .queries
            .statement(&council, &account, body.min_sequence)
            .await
            .map_err(status::query_error)?;
        let balance_pence = lines.iter().map(|line| line.amount_pence).sum();
        Ok(Response::new(proto::NndrStatement {
            lines: lines.into_iter().map(convert::line_to).collect(),
            balance_pence,
        }))
    }

    async fn get_collectable_debit(
        &self,
        request: Request<proto::GetCollectableDebitRequest>,
    ) -> Result<Response<proto::CollectableDebit>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let year = required_year(&mut v, "year", &body.year);
        v.finish()?;
        let (Some(council), Some(year)) = (council, year) else {
            unreachable!("{UNREACHABLE}");
        };
        self.may_read(&request, &council).await?;
        let debit = self
            .queries
            .collectable_debit(&council, year, body.min_sequence)
            .await
            .map_err(status::query_error)?;
        Ok(Response::new(convert::debit_to(&debit)))
    }

    async fn get_collection_by_month(
        &self,
        request: Request<proto::GetCollectionByMonthRequest>,
    ) -> Result<Response<proto::CollectionByMonth>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let (from, to) = date_range(&mut v, &body.from, &body.to);
        let agent = if body.agent.is_empty() {
            Some(None)
        } else {
            v.council("agent", &body.agent, &self.councils).map(Some)
        };
        v.finish()?;
        let (Some(council), Some(from), Some(to), Some(agent)) = (council, from, to, agent) else {
            unreachable!("{UNREACHABLE}");
        };
        self.may_read(&request, &council).await?;
        let months = self
            .queries
            .collection_by_month(&council, from, to, agent.as_ref(), body.min_sequence)
            .await
            .map_err(status::query_error)?;
        Ok(Response::new(proto::CollectionByMonth {
            months: months
                .into_iter()
                .map(|month| proto::MonthCollection {
                    month: month.month,
                    collected_pence: month.collected_pence,
                    payments: month.payments,
                })
                .collect(),
        }))
    }

    async fn get_serviced_councils(
        &self,
        request: Request<proto::GetServicedCouncilsRequest>,
    ) -> Result<Response<proto::ServicedCouncils>, Status> {
        let mut v = Violations::for_request(&request);
        let agent = v.council("agent", &request.get_ref().agent, &self.councils);
        v.finish()?;
        let agent = agent.expect(UNREACHABLE);
        // An agent's own view: only the agent asks for it.
        if self.acting_for(&request, &agent)? != agent {
            return Err(Status::permission_denied(format!(
                "only council {agent} may read its serviced councils"
            )));
        }
        let serviced = self.queries.serviced_by(&agent).await.map_err(status::query_error)?;
        Ok(Response::new(proto::ServicedCouncils {
            councils: serviced
                .into_iter()
                .map(|serviced| proto::ServicedCouncil {
                    council: serviced.council.to_string(),
                    accounts: serviced.accounts,
                    balance_pence: serviced.balance_pence,
                    collected_pence: serviced.collected_pence,
                    lines: serviced.lines,
                })
                .collect(),
        }))
    }
}

/// 10 instalments, or 12 on request (REFERENCE §2.9); business rates instalments fall on the 1st.
fn plan(twelve: bool) -> InstalmentPlan {
    InstalmentPlan {
        length: if twelve {
            PlanLength::Twelve
        } else {
            PlanLength::Statutory
        },
        day: 1,
    }
}
