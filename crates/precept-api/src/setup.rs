//! The `precept.v1.CouncilTaxSetup` service: year settings and properties.

use std::collections::HashSet;
use std::sync::Arc;

use precept_app::council_tax::Stores;
use precept_app::{AccountDirectory, CouncilTaxService};
use precept_domain::council_year::{SetYearSettings, ShortCode};
use precept_domain::property::PropertyCommand;
use precept_domain::{CouncilCode, Uprn};
use tonic::{Request, Response, Status};

use crate::common::{answer, command_meta, id, receipt, required_year};
use crate::convert;
use crate::proto::council_tax_setup_server::CouncilTaxSetup;
use crate::proto::{
    ChangeBandRequest, ChangeBandResponse, CommitReceipt, GetYearSettingsRequest, RegisterPropertyRequest,
    SetYearSettingsRequest, YearSettingsHistory, YearSettingsVersion,
};
use crate::status;
use crate::validate::Violations;

/// The set-up service.
pub struct CouncilTaxSetupApi<S: Stores, D> {
    app: Arc<CouncilTaxService<S>>,
    directory: Arc<D>,
    councils: Arc<HashSet<CouncilCode>>,
}

impl<S: Stores, D> CouncilTaxSetupApi<S, D> {
    /// A service for the partnership's `councils`.
    pub fn new(app: Arc<CouncilTaxService<S>>, directory: Arc<D>, councils: Arc<HashSet<CouncilCode>>) -> Self {
        CouncilTaxSetupApi {
            app,
            directory,
            councils,
        }
    }
}

#[tonic::async_trait]
impl<S: Stores, D: AccountDirectory> CouncilTaxSetup for CouncilTaxSetupApi<S, D> {
    async fn set_year_settings(
        &self,
        request: Request<SetYearSettingsRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "SetYearSettings",
            &body.request_id,
            &body.correlation_id,
        );
        let council = v.council("council", &body.council, &self.councils);
        let year = required_year(&mut v, "year", &body.year);
        let effective_from = v.date("effective_from", &body.effective_from);
        let settings = convert::settings_from(&mut v, body.settings.as_ref());
        v.finish()?;
        let (Some(meta), Some(council), Some(year), Some(effective_from), Some(settings)) =
            (meta, council, year, effective_from, settings)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let outcome = self
            .app
            .set_year(
                &council,
                year,
                SetYearSettings {
                    effective_from,
                    settings,
                },
                &meta,
            )
            .await
            .map_err(status::service)?;
        Ok(answer(receipt(&outcome), &outcome))
    }

    async fn get_year_settings(
        &self,
        request: Request<GetYearSettingsRequest>,
    ) -> Result<Response<YearSettingsHistory>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let year = required_year(&mut v, "year", &body.year);
        v.finish()?;
        let (Some(council), Some(year)) = (council, year) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let history = self.app.year_settings(&council, year).await.map_err(status::service)?;
        Ok(Response::new(YearSettingsHistory {
            year: year.to_string(),
            versions: history
                .versions
                .iter()
                .map(|(from, settings)| YearSettingsVersion {
                    effective_from: from.to_string(),
                    settings: Some(convert::settings_to(settings)),
                })
                .collect(),
        }))
    }

    async fn register_property(
        &self,
        request: Request<RegisterPropertyRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "RegisterProperty",
            &body.request_id,
            &body.correlation_id,
        );
        let council = v.council("council", &body.council, &self.councils);
        let uprn = id(&mut v, "uprn", &body.uprn, Uprn::parse);
        let band = convert::band(&mut v, "band", &body.band);
        let parish_area = if body.parish_area.is_empty() {
            Some(None)
        } else {
            v.check("parish_area", ShortCode::parse(&body.parish_area)).map(Some)
        };
        let effective_from = v.date("effective_from", &body.effective_from);
        v.required("address_reference", &body.address_reference);
        v.finish()?;
        let (Some(meta), Some(council), Some(uprn), Some(band), Some(parish_area), Some(effective_from)) =
            (meta, council, uprn, band, parish_area, effective_from)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let command = PropertyCommand::Register {
            address_reference: body.address_reference.clone(),
            band,
            parish_area,
            effective_from,
        };
        let outcome = self
            .app
            .register_property(&council, uprn, command, &meta)
            .await
            .map_err(status::service)?;
        Ok(answer(receipt(&outcome), &outcome))
    }

    async fn change_band(&self, request: Request<ChangeBandRequest>) -> Result<Response<ChangeBandResponse>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(&mut v, &request, "ChangeBand", &body.request_id, &body.correlation_id);
        let council = v.council("council", &body.council, &self.councils);
        let uprn = id(&mut v, "uprn", &body.uprn, Uprn::parse);
        let band = convert::band(&mut v, "band", &body.band);
        let effective_from = v.date("effective_from", &body.effective_from);
        let notice_date = v.date("notice_date", &body.notice_date);
        v.required("schedule_reference", &body.schedule_reference);
        v.finish()?;
        let (Some(meta), Some(council), Some(uprn), Some(band), Some(effective_from), Some(notice_date)) =
            (meta, council, uprn, band, effective_from, notice_date)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let command = PropertyCommand::ChangeBand {
            band,
            effective_from,
            schedule_reference: body.schedule_reference.clone(),
        };
        let outcome = self
            .app
            .change_band(&council, uprn, command, notice_date, &meta, self.directory.as_ref())
            .await
            .map_err(status::service)?;
        Ok(Response::new(ChangeBandResponse {
            commit: Some(receipt(&outcome.commit)),
            accounts_recalculated: outcome.accounts_recalculated,
        }))
    }
}
