//! The `precept.v1.Benefits` service: settings, claims, Housing Benefit payments,
//! overpayments, fraud referrals, the UC file import and the caseload views (REFERENCE §3,
//! §4). This file parses, validates and maps; the rules live in the domain.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use precept_app::benefits::{
    Assessed, BenefitReads, BenefitStores, BenefitsService, ClaimDirectory, ImportRequest, NewClaim,
};
use precept_app::{CommandOutcome, RequestMeta};
use precept_domain::CouncilCode;
use precept_domain::benefits::claim::{ClaimCommand, ClaimKind, ClaimStatus};
use precept_domain::benefits::ctr::{BandedScheme, CtrScheme, PensionAgeScheme};
use precept_domain::benefits::hb::HbParameters;
use precept_domain::benefits::nino::Nino;
use precept_domain::benefits::overpayment::RecoveryRates;
use precept_domain::benefits::settings::{BackdatingRules, BenefitSettings, SetBenefitSettings, UcRules};
use precept_domain::benefits::uc_import::{FileDigest, ImportCommand, automation_bp};
use precept_domain::ids::{AccountId, ClaimId, PartyId};
use tonic::{Request, Response, Status, Streaming};

use crate::benefits_convert::{banded, circumstances, claim, class, figures, kind, kind_out, weekly};
use crate::common::{
    actor, answer, average_tenths, command_meta, date_range, fingerprint, id, parse_meta, receipt, reply, required_year,
};
use crate::proto::benefits_server::Benefits;
use crate::proto::{self, CommitReceipt};
use crate::status::{IntoStatus, query_error};
use crate::validate::Violations;

const UNREACHABLE: &str = "every None above recorded a violation, so finish() returned early";
/// The largest UC file accepted: a day's file for the largest partnership is a few MiB.
const FILE_MAX: usize = 64 * 1024 * 1024;
const PAGE_MAX: u32 = 1_000;

/// The benefits service.
pub struct BenefitsApi<S: BenefitStores, R> {
    app: Arc<BenefitsService<S>>,
    reads: Arc<R>,
    councils: Arc<HashSet<CouncilCode>>,
}

impl<S: BenefitStores, R> BenefitsApi<S, R> {
    /// A service for `councils`, reading through `reads`.
    pub fn new(app: Arc<BenefitsService<S>>, reads: Arc<R>, councils: Arc<HashSet<CouncilCode>>) -> Self {
        BenefitsApi { app, reads, councils }
    }
}

/// The fields every claim command carries.
struct Target {
    meta: Option<RequestMeta>,
    council: Option<CouncilCode>,
    claim: Option<ClaimId>,
}

impl<S: BenefitStores, R: BenefitReads + ClaimDirectory> BenefitsApi<S, R> {
    fn target<T: prost::Message>(
        &self,
        v: &mut Violations,
        request: &Request<T>,
        method: &str,
        (request_id, council, claim, correlation): (&str, &str, &str, &str),
    ) -> Target {
        Target {
            meta: command_meta(v, request, method, request_id, correlation),
            council: v.council("council", council, &self.councils),
            claim: id(v, "claim_id", claim, ClaimId::parse),
        }
    }

    /// Runs a claim command once the request has been validated.
    async fn run(
        &self,
        v: Violations,
        target: Target,
        command: Option<ClaimCommand>,
    ) -> Result<Response<CommitReceipt>, Status> {
        v.finish()?;
        let (Some(meta), Some(council), Some(claim), Some(command)) =
            (target.meta, target.council, target.claim, command)
        else {
            unreachable!("{UNREACHABLE}");
        };
        reply(self.app.command(&council, &claim, command, &meta).await)
    }

    /// Runs an assessed command and answers with the decision.
    async fn decide(
        &self,
        v: Violations,
        target: Target,
        command: Option<Assessed>,
    ) -> Result<Response<proto::Decision>, Status> {
        v.finish()?;
        let (Some(meta), Some(council), Some(claim), Some(command)) =
            (target.meta, target.council, target.claim, command)
        else {
            unreachable!("{UNREACHABLE}");
        };
        let change = matches!(command, Assessed::ReportChange { .. });
        let overpayments_before = self.claim_state(&council, &claim).await?.overpayments.len();
        let outcome = self
            .app
            .assessed(&council, &claim, command, &meta)
            .await
            .map_err(IntoStatus::into_status)?;
        let state = self.claim_state(&council, &claim).await?;
        Ok(answer(
            decision(&state, &outcome, (change, overpayments_before)),
            &outcome,
        ))
    }

    async fn claim_state(
        &self,
        council: &CouncilCode,
        claim: &ClaimId,
    ) -> Result<precept_domain::benefits::claim::ClaimState, Status> {
        self.app.claim(council, claim).await.map_err(IntoStatus::into_status)
    }

    fn claim_kind(state: &precept_domain::benefits::claim::ClaimState) -> ClaimKind {
        state
            .details
            .as_ref()
            .map_or(ClaimKind::CouncilTaxReduction, |details| details.kind)
    }
}

fn decision(
    state: &precept_domain::benefits::claim::ClaimState,
    outcome: &CommandOutcome,
    (change, overpayments_before): (bool, usize),
) -> proto::Decision {
    let outcome_name = match state.status {
        _ if change => "reassessed",
        ClaimStatus::Refused => "refused",
        _ => "awarded",
    };
    let latest = state.awards.last();
    let found = state.overpayments.get(overpayments_before);
    proto::Decision {
        receipt: Some(receipt(outcome)),
        outcome: outcome_name.to_owned(),
        from: latest.map(|a| a.from.to_string()).unwrap_or_default(),
        figures: latest.map(|a| figures(&a.figures)),
        overpayment_number: found.map_or(0, |o| o.number),
        overpayment_pence: found.map_or(0, |o| o.amount.get()),
    }
}

fn national(v: &mut Violations, text: &str) -> Option<(HbParameters, PensionAgeScheme)> {
    match text {
        "2023/24" => Some((HbParameters::england_2023_24(), PensionAgeScheme::england_2024_25())),
        "2024/25" => Some((HbParameters::england_2024_25(), PensionAgeScheme::england_2024_25())),
        "2025/26" => Some((HbParameters::england_2025_26(), PensionAgeScheme::england_2025_26())),
        _ => {
            v.add("national_figures", "must be 2023/24, 2024/25 or 2025/26");
            None
        }
    }
}

fn settings(v: &mut Violations, body: &proto::SetBenefitSettingsRequest) -> Option<BenefitSettings> {
    let national = national(v, &body.national_figures);
    let working_age = match &body.working_age {
        Some(scheme) => banded(v, scheme),
        None => Some(BandedScheme::swale_2023()),
    };
    let standard = weekly(v, "recovery_standard_pence", body.recovery_standard_pence);
    let fraud = weekly(v, "recovery_fraud_pence", body.recovery_fraud_pence);
    let tolerance = weekly(v, "uc_tolerance_weekly_pence", body.uc_tolerance_weekly_pence);
    let (hb, pension_age) = national?;
    Some(BenefitSettings {
        hb,
        ctr: CtrScheme {
            working_age: working_age?,
            pension_age,
        },
        recovery: RecoveryRates {
            standard: standard?,
            fraud: fraud?,
        },
        uc: UcRules {
            tolerance_weekly: tolerance?,
            reassess_band_changes: body.uc_reassess_band_changes,
            max_backdate_days: body.uc_max_backdate_days,
        },
        backdating: BackdatingRules {
            pension_age_months: body.backdating_pension_age_months,
            working_age_months: body.backdating_working_age_months,
        },
    })
}

fn code_text(v: &mut Violations, field: &str, text: &str) -> Option<String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Some(text.to_owned())
    } else {
        v.add(field, "must be a snake_case code of at most 64 characters");
        None
    }
}

fn page_token(v: &mut Violations, token: &str) -> Option<Option<(NaiveDate, String, String)>> {
    if token.is_empty() {
        return Some(None);
    }
    let mut parts = token.splitn(3, '~');
    let parsed = match (parts.next(), parts.next(), parts.next()) {
        (Some(day), Some(source), Some(item)) => day
            .parse::<NaiveDate>()
            .ok()
            .map(|day| (day, source.to_owned(), item.to_owned())),
        _ => None,
    };
    if parsed.is_none() {
        v.add("page_token", "is not a token this service issued");
    }
    parsed.map(Some)
}

#[tonic::async_trait]
impl<S: BenefitStores, R: BenefitReads + ClaimDirectory> Benefits for BenefitsApi<S, R> {
    async fn set_benefit_settings(
        &self,
        request: Request<proto::SetBenefitSettingsRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "SetBenefitSettings",
            &body.request_id,
            &body.correlation_id,
        );
        let council = v.council("council", &body.council, &self.councils);
        let year = required_year(&mut v, "year", &body.year);
        let from = v.date("effective_from", &body.effective_from);
        let settings = settings(&mut v, body);
        v.finish()?;
        let (Some(meta), Some(council), Some(year), Some(effective_from), Some(settings)) =
            (meta, council, year, from, settings)
        else {
            unreachable!("{UNREACHABLE}");
        };
        let command = SetBenefitSettings {
            effective_from,
            settings,
        };
        reply(self.app.set_settings(&council, year, command, &meta).await)
    }

    async fn receive_claim(
        &self,
        request: Request<proto::ReceiveClaimRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        // The NINO is checked without echoing it back: it is personal data.
        let nino = v
            .required("nino", &body.nino)
            .and_then(|text| v.check("nino", Nino::parse(text)));
        // The request's fingerprint is stored with the commit, so it is taken over the request
        // with the NINO replaced by its keyed hash: a plain digest of the request could be
        // reversed by trying every NINO against the other fields, which the commit also holds.
        let hashed = proto::ReceiveClaimRequest {
            nino: nino
                .as_ref()
                .map(|n| self.app.key().hash(n).as_str().to_owned())
                .unwrap_or_default(),
            ..body.clone()
        };
        let actor = actor(&request, &mut v);
        let target = Target {
            meta: parse_meta(
                &mut v,
                &body.request_id,
                &body.correlation_id,
                actor,
                fingerprint("ReceiveClaim", &hashed),
            ),
            council: v.council("council", &body.council, &self.councils),
            claim: id(&mut v, "claim_id", &body.claim_id, ClaimId::parse),
        };
        let claim_kind = kind(&mut v, body.kind);
        let claimant = id(&mut v, "claimant_id", &body.claimant_id, PartyId::parse);
        let received = v.date("received", &body.received);
        let claimed_from = v.date("claimed_from", &body.claimed_from);
        let account = if body.account_id.is_empty() {
            Some(None)
        } else {
            id(&mut v, "account_id", &body.account_id, AccountId::parse).map(Some)
        };
        v.finish()?;
        let (
            Some(meta),
            Some(council),
            Some(claim),
            Some(kind),
            Some(claimant),
            Some(nino),
            Some(received),
            Some(claimed_from),
            Some(account),
        ) = (
            target.meta,
            target.council,
            target.claim,
            claim_kind,
            claimant,
            nino,
            received,
            claimed_from,
            account,
        )
        else {
            unreachable!("{UNREACHABLE}");
        };
        let new = NewClaim {
            kind,
            claimant,
            nino,
            received,
            claimed_from,
            pension_age: body.pension_age,
            account,
        };
        reply(self.app.receive(&council, &claim, new, &meta).await)
    }

    async fn request_evidence(
        &self,
        request: Request<proto::RequestEvidenceRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "RequestEvidence",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let command = on.map(|on| ClaimCommand::RequestEvidence {
            on,
            items: body.items.clone(),
        });
        self.run(v, target, command).await
    }

    async fn receive_evidence(
        &self,
        request: Request<proto::ClaimDateRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "ReceiveEvidence",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let command = v.date("on", &body.on).map(|on| ClaimCommand::ReceiveEvidence { on });
        self.run(v, target, command).await
    }

    async fn decide_claim(
        &self,
        request: Request<proto::DecideClaimRequest>,
    ) -> Result<Response<proto::Decision>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "DecideClaim",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let kind = match (&target.council, &target.claim) {
            (Some(council), Some(claim)) => Self::claim_kind(&self.claim_state(council, claim).await?),
            _ => ClaimKind::CouncilTaxReduction,
        };
        let circumstances = circumstances(&mut v, kind, body.circumstances.as_ref());
        let command = match (on, circumstances) {
            (Some(on), Some(circumstances)) => Some(Assessed::Decide { on, circumstances }),
            _ => None,
        };
        self.decide(v, target, command).await
    }

    async fn refuse_claim(
        &self,
        request: Request<proto::RefuseClaimRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "RefuseClaim",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let reasons: Option<Vec<String>> = body.reasons.iter().map(|r| code_text(&mut v, "reasons", r)).collect();
        if body.reasons.is_empty() {
            v.add("reasons", "at least one reason code is required");
        }
        let command = match (on, reasons) {
            (Some(on), Some(reasons)) => Some(ClaimCommand::Refuse { on, reasons }),
            _ => None,
        };
        self.run(v, target, command).await
    }

    async fn report_change(
        &self,
        request: Request<proto::ReportChangeRequest>,
    ) -> Result<Response<proto::Decision>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "ReportChange",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let reported = v.date("reported", &body.reported);
        let effective = v.date("effective", &body.effective);
        let on = v.date("on", &body.on);
        let class = class(&mut v, "overpayment_class", &body.overpayment_class);
        let kind = match (&target.council, &target.claim) {
            (Some(council), Some(claim)) => Self::claim_kind(&self.claim_state(council, claim).await?),
            _ => ClaimKind::CouncilTaxReduction,
        };
        let circumstances = circumstances(&mut v, kind, body.circumstances.as_ref());
        let command = match (reported, effective, on, class, circumstances) {
            (Some(reported), Some(effective), Some(on), Some(class), Some(circumstances)) => {
                Some(Assessed::ReportChange {
                    reported,
                    effective,
                    on,
                    circumstances,
                    class,
                    could_have_realised: body.could_have_realised,
                })
            }
            _ => None,
        };
        self.decide(v, target, command).await
    }

    async fn suspend_claim(
        &self,
        request: Request<proto::ClaimReasonRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "SuspendClaim",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let reason = code_text(&mut v, "reason", &body.reason);
        let command = on.zip(reason).map(|(on, reason)| ClaimCommand::Suspend { on, reason });
        self.run(v, target, command).await
    }

    async fn resume_claim(&self, request: Request<proto::ClaimDateRequest>) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "ResumeClaim",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let command = v.date("on", &body.on).map(|on| ClaimCommand::Resume { on });
        self.run(v, target, command).await
    }

    async fn end_claim(&self, request: Request<proto::EndClaimRequest>) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "EndClaim",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let from = v.date("from", &body.from);
        let reason = code_text(&mut v, "reason", &body.reason);
        let class = class(&mut v, "overpayment_class", &body.overpayment_class);
        let command = match (on, from, reason, class) {
            (Some(on), Some(from), Some(reason), Some(class)) => Some(ClaimCommand::End {
                on,
                from,
                reason,
                class,
                could_have_realised: body.could_have_realised,
            }),
            _ => None,
        };
        self.run(v, target, command).await
    }

    async fn pay_housing_benefit(
        &self,
        request: Request<proto::PayHousingBenefitRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "PayHousingBenefit",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let from = v.date("from", &body.from);
        v.finish()?;
        let (Some(meta), Some(council), Some(claim), Some(from)) = (target.meta, target.council, target.claim, from)
        else {
            unreachable!("{UNREACHABLE}");
        };
        reply(
            self.app
                .assessed(&council, &claim, Assessed::PayHbWeek { from }, &meta)
                .await,
        )
    }

    async fn invoice_overpayment(
        &self,
        request: Request<proto::OverpaymentRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "InvoiceOverpayment",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let command = v.date("on", &body.on).map(|on| ClaimCommand::InvoiceOverpayment {
            number: body.number,
            on,
        });
        self.run(v, target, command).await
    }

    async fn record_overpayment_receipt(
        &self,
        request: Request<proto::OverpaymentReceiptRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "RecordOverpaymentReceipt",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let amount = crate::benefits_convert::money(&mut v, "amount_pence", body.amount_pence, 10_000_000_000);
        let command = on
            .zip(amount)
            .map(|(on, amount)| ClaimCommand::RecordOverpaymentReceipt {
                number: body.number,
                amount,
                on,
            });
        self.run(v, target, command).await
    }

    async fn write_off_overpayment(
        &self,
        request: Request<proto::OverpaymentWriteOffRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "WriteOffOverpayment",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let reason = code_text(&mut v, "reason", &body.reason);
        let command = on.zip(reason).map(|(on, reason)| ClaimCommand::WriteOffOverpayment {
            number: body.number,
            on,
            reason,
        });
        self.run(v, target, command).await
    }

    async fn refer_fraud(
        &self,
        request: Request<proto::ClaimReasonRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let target = self.target(
            &mut v,
            &request,
            "ReferFraud",
            (&body.request_id, &body.council, &body.claim_id, &body.correlation_id),
        );
        let on = v.date("on", &body.on);
        let reason = code_text(&mut v, "reason", &body.reason);
        let command = on
            .zip(reason)
            .map(|(on, reason)| ClaimCommand::ReferFraud { on, reason });
        self.run(v, target, command).await
    }

    async fn close_work_item(
        &self,
        request: Request<proto::CloseWorkItemRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "CloseWorkItem",
            &body.request_id,
            &body.correlation_id,
        );
        let council = v.council("council", &body.council, &self.councils);
        let on = v.date("on", &body.on);
        let item = v.required("item", &body.item).map(str::to_owned);
        let source = v.required("source", &body.source).map(str::to_owned);
        v.finish()?;
        let (Some(meta), Some(council), Some(on), Some(item), Some(source)) = (meta, council, on, item, source) else {
            unreachable!("{UNREACHABLE}");
        };
        if let Ok(claim) = ClaimId::parse(&source) {
            return reply(
                self.app
                    .command(&council, &claim, ClaimCommand::CloseWorkItem { item, on }, &meta)
                    .await,
            );
        }
        let Some(digest) = FileDigest::parse(&source) else {
            let mut v = Violations::for_request(&request);
            v.add("source", "must be a claim id or a file digest");
            return Err(v.finish().expect_err("a violation was recorded"));
        };
        reply(
            self.app
                .close_unmatched(
                    &council,
                    &digest,
                    ImportCommand::CloseUnmatched { record_id: item, on },
                    &meta,
                )
                .await,
        )
    }

    async fn import_uc_file(
        &self,
        request: Request<Streaming<proto::UcFileChunk>>,
    ) -> Result<Response<proto::UcImportReport>, Status> {
        let mut v = Violations::for_request(&request);
        let actor = actor(&request, &mut v);
        let mut stream = request.into_inner();
        let mut header: Option<proto::UcFileChunk> = None;
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.message().await? {
            if bytes.len() + chunk.data.len() > FILE_MAX {
                v.add("data", format!("the file must be at most {FILE_MAX} bytes"));
                return Err(v.finish().expect_err("a violation was recorded"));
            }
            bytes.extend_from_slice(&chunk.data);
            if header.is_none() {
                header = Some(proto::UcFileChunk {
                    data: Vec::new(),
                    ..chunk
                });
            }
        }
        let header = header.unwrap_or_default();
        let digest_message = proto::UcFileChunk {
            data: sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&bytes)).to_vec(),
            ..header.clone()
        };
        let meta = parse_meta(
            &mut v,
            &header.request_id,
            &header.correlation_id,
            actor,
            fingerprint("ImportUcFile", &digest_message),
        );
        let council = v.council("council", &header.council, &self.councils);
        let file_date = v.date("file_date", &header.file_date);
        if bytes.is_empty() {
            v.add("data", "the file is empty");
        }
        v.finish()?;
        let (Some(meta), Some(council), Some(file_date)) = (meta, council, file_date) else {
            unreachable!("{UNREACHABLE}");
        };
        let request = ImportRequest {
            council: &council,
            bytes: &bytes,
            file_date,
            min_sequence: header.min_sequence,
        };
        let report = self
            .app
            .import_uc(request, self.reads.as_ref(), &meta)
            .await
            .map_err(IntoStatus::into_status)?;
        let s = &report.summary;
        Ok(Response::new(proto::UcImportReport {
            digest: report.digest.to_string(),
            already_imported: report.already_imported,
            lines: s.lines,
            same_band: s.same_band,
            within_tolerance: s.within_tolerance,
            reassessed: s.reassessed,
            automated: s.automated(),
            needing_officer: s.needing_officer(),
            work_items: s
                .work_items
                .iter()
                .map(|(reason, records)| proto::WorkReasonCount {
                    reason: reason.code().to_owned(),
                    records: *records,
                })
                .collect(),
            unmatched: u32::try_from(s.unmatched.len()).unwrap_or(u32::MAX),
            already_handled: s.already_handled,
            rejected: s
                .rejected
                .iter()
                .map(|r| proto::RejectedLine {
                    line: r.line,
                    field: r.field.clone(),
                    reason: r.reason.clone(),
                })
                .collect(),
            automation_bp: s.automation_bp(),
            last_sequence: report.last_sequence,
        }))
    }

    async fn get_claim(&self, request: Request<proto::GetClaimRequest>) -> Result<Response<proto::Claim>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let claim = id(&mut v, "claim_id", &body.claim_id, ClaimId::parse);
        v.finish()?;
        let (Some(council), Some(claim)) = (council, claim) else {
            unreachable!("{UNREACHABLE}");
        };
        let view = self
            .reads
            .claim(&council, &claim, body.min_sequence)
            .await
            .map_err(query_error)?
            .ok_or_else(|| Status::not_found("no such claim"))?;
        Ok(Response::new(claim_message(&claim, &view)))
    }

    async fn get_caseload(
        &self,
        request: Request<proto::GetClaimCaseloadRequest>,
    ) -> Result<Response<proto::ClaimCaseload>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let on = v.date("on", &body.on);
        v.finish()?;
        let (Some(council), Some(on)) = (council, on) else {
            unreachable!("{UNREACHABLE}");
        };
        let counts = self
            .reads
            .caseload(&council, on, body.min_sequence)
            .await
            .map_err(query_error)?;
        Ok(Response::new(proto::ClaimCaseload {
            counts: counts
                .into_iter()
                .map(|c| proto::ClaimCaseloadCount {
                    kind: kind_out(c.kind),
                    status: c.status.code().to_owned(),
                    age_weeks_from: c.age_weeks_from,
                    claims: c.claims,
                })
                .collect(),
        }))
    }

    async fn list_work_queue(
        &self,
        request: Request<proto::ListWorkQueueRequest>,
    ) -> Result<Response<proto::WorkQueue>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let after = page_token(&mut v, &body.page_token);
        if body.page_size > PAGE_MAX {
            v.add("page_size", format!("must be at most {PAGE_MAX}"));
        }
        v.finish()?;
        let (Some(council), Some(after)) = (council, after) else {
            unreachable!("{UNREACHABLE}");
        };
        let size = if body.page_size == 0 { 100 } else { body.page_size };
        let items = self
            .reads
            .work_queue(&council, after, size, body.min_sequence)
            .await
            .map_err(query_error)?;
        let next_page_token = if items.len() == usize::try_from(size).unwrap_or(usize::MAX) {
            items
                .last()
                .map(|last| format!("{}~{}~{}", last.raised, last.source, last.item))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(proto::WorkQueue {
            items: items
                .into_iter()
                .map(|item| proto::WorkItem {
                    source: item.source,
                    item: item.item,
                    reason: item.reason.code().to_owned(),
                    raised: item.raised.to_string(),
                })
                .collect(),
            next_page_token,
        }))
    }

    async fn get_speed_of_processing(
        &self,
        request: Request<proto::PeriodRequest>,
    ) -> Result<Response<proto::SpeedOfProcessing>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let (from, to) = date_range(&mut v, &body.from, &body.to);
        v.finish()?;
        let (Some(council), Some(from), Some(to)) = (council, from, to) else {
            unreachable!("{UNREACHABLE}");
        };
        let rows = self
            .reads
            .speed_of_processing(&council, (from, to), body.min_sequence)
            .await
            .map_err(query_error)?;
        Ok(Response::new(proto::SpeedOfProcessing {
            measures: rows
                .into_iter()
                .map(|row| proto::SpeedMeasure {
                    measure: row.measure,
                    kind: kind_out(row.kind),
                    decisions: row.decisions,
                    total_days: row.total_days,
                    average_days_tenths: average_tenths(row.total_days, row.decisions),
                    automated: row.automated,
                })
                .collect(),
        }))
    }

    async fn get_automation_rate(
        &self,
        request: Request<proto::PeriodRequest>,
    ) -> Result<Response<proto::AutomationRate>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let (from, to) = date_range(&mut v, &body.from, &body.to);
        v.finish()?;
        let (Some(council), Some(from), Some(to)) = (council, from, to) else {
            unreachable!("{UNREACHABLE}");
        };
        let files = self
            .reads
            .imports(&council, (from, to), body.min_sequence)
            .await
            .map_err(query_error)?;
        let automated: u64 = files.iter().map(|f| f.automated).sum();
        let needing: u64 = files.iter().map(|f| f.needing_officer).sum();
        Ok(Response::new(proto::AutomationRate {
            files: files
                .into_iter()
                .map(|f| proto::ImportedFile {
                    automation_bp: automation_bp(f.automated, f.needing_officer),
                    digest: f.digest,
                    file_date: f.file_date.to_string(),
                    lines: f.lines,
                    automated: f.automated,
                    needing_officer: f.needing_officer,
                    unmatched: f.unmatched,
                    rejected: f.rejected,
                    already_handled: f.already_handled,
                })
                .collect(),
            automated,
            needing_officer: needing,
            automation_bp: automation_bp(automated, needing),
        }))
    }

    async fn get_overpayments(
        &self,
        request: Request<proto::GetOverpaymentsRequest>,
    ) -> Result<Response<proto::Overpayments>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        v.finish()?;
        let Some(council) = council else {
            unreachable!("{UNREACHABLE}");
        };
        let rows = self
            .reads
            .overpayments(&council, body.min_sequence)
            .await
            .map_err(query_error)?;
        Ok(Response::new(proto::Overpayments {
            classes: rows
                .into_iter()
                .map(|row| proto::OverpaymentClassTotals {
                    class: row.class,
                    count: row.count,
                    amount_pence: row.amount_pence,
                    recovered_pence: row.recovered_pence,
                    written_off_pence: row.written_off_pence,
                    outstanding_pence: row.outstanding_pence,
                })
                .collect(),
        }))
    }
}

fn claim_message(id: &ClaimId, view: &precept_app::benefits::ClaimView) -> proto::Claim {
    claim(&id.to_string(), &view.state, view.as_of_sequence)
}
