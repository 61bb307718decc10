//! Shared test fixtures: REFERENCE.md's worked figures as settings and contexts.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::calendar::FinancialYear;
use crate::charge::BillingContext;
use crate::council_year::{Band, LocalPolicy, Preceptor, PreceptorKind, ShortCode, YearHistory, YearSettings};
use crate::money::gbp;
use crate::property::PropertyState;

pub(crate) fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date is valid")
}

pub(crate) fn year(start: i32) -> FinancialYear {
    FinancialYear::starting(start).expect("valid year")
}

pub(crate) fn preceptor(code: &str, kind: PreceptorKind, band_d: &str) -> Preceptor {
    Preceptor {
        code: ShortCode::parse(code).expect("valid code"),
        kind,
        parish_area: None,
        band_d: gbp(band_d),
    }
}

/// REFERENCE §1.3: Tonbridge & Malling 2025/26, £2,278.52 at Band D before parish precepts.
pub(crate) fn tonbridge_2025() -> YearSettings {
    YearSettings {
        bands: YearSettings::england_bands(),
        preceptors: vec![
            preceptor("tmbc", PreceptorKind::BillingAuthority, "222.32"),
            preceptor("kcc", PreceptorKind::County, "1691.19"),
            preceptor("kent-pcc", PreceptorKind::Police, "270.15"),
            preceptor("kent-fire", PreceptorKind::Fire, "94.86"),
        ],
        policy: LocalPolicy::england_default(),
    }
}

/// One preceptor at `band_d`, otherwise as [`tonbridge_2025`].
pub(crate) fn single(band_d: &str) -> YearSettings {
    YearSettings {
        preceptors: vec![preceptor("council", PreceptorKind::BillingAuthority, band_d)],
        ..tonbridge_2025()
    }
}

/// A property in `band` since 1993, and the given settings for each year from 1 April.
pub(crate) fn context(years: &[(i32, YearSettings)], band: Band) -> BillingContext {
    let mut property = PropertyState {
        address_reference: Some("BLPU-1".into()),
        ..PropertyState::default()
    };
    property.bands.insert(date("1993-04-01"), band);
    let years = years
        .iter()
        .map(|(start, settings)| {
            let year = year(*start);
            let versions = BTreeMap::from([(year.first_day(), Arc::new(settings.clone()))]);
            (year, Arc::new(YearHistory { versions }))
        })
        .collect();
    BillingContext {
        property: Arc::new(property),
        years,
    }
}
