//! Assembling a [`BillingContext`]: the property's bands and the council's settings for the
//! years a command touches, read through the command handlers' caches.

use std::collections::BTreeMap;
use std::sync::Arc;

use precept_domain::charge::BillingContext;
use precept_domain::council_year::{CouncilYearId, YearHistory};
use precept_domain::{CouncilCode, FinancialYear, Uprn};

use super::{CouncilTaxService, ServiceError, Stores};

impl<S: Stores> CouncilTaxService<S> {
    /// The settings of one year; [`ServiceError::YearNotSetUp`] if there are none.
    pub(super) async fn year_history(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
    ) -> Result<Arc<YearHistory>, ServiceError> {
        let history = self.years.state(council, &CouncilYearId(year)).await?;
        if history.versions.is_empty() {
            return Err(ServiceError::YearNotSetUp(year));
        }
        Ok(Arc::new(history))
    }

    /// The context for `years` at `property`. Years without settings are left out (a charge
    /// needing one then reports which year is missing).
    pub(super) async fn context(
        &self,
        council: &CouncilCode,
        property: Uprn,
        years: impl IntoIterator<Item = FinancialYear>,
    ) -> Result<Arc<BillingContext>, ServiceError> {
        let property_state = self.properties.state(council, &property).await?;
        if !property_state.is_registered() {
            return Err(ServiceError::PropertyNotRegistered(property));
        }
        let mut histories = BTreeMap::new();
        for year in years {
            match self.year_history(council, year).await {
                Ok(history) => {
                    histories.insert(year, history);
                }
                Err(ServiceError::YearNotSetUp(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(Arc::new(BillingContext {
            property: Arc::new(property_state),
            years: histories,
        }))
    }
}
