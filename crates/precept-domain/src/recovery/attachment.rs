//! The attachment of earnings deduction table (REFERENCE §1.10 Remedy 2; CT only).
//!
//! The employer deducts a percentage of the whole net earnings for the pay period, except in
//! the top band: a percentage of the top threshold plus a share of the excess. The England
//! table in force since April 2007 is [`EarningsTable::england_2007`]; later changes are
//! unconfirmed (REFERENCE §8), so the table is a parameter.

use serde::{Deserialize, Serialize};

use crate::money::Pence;

/// How often the debtor is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PayPeriod {
    /// Weekly pay.
    Weekly,
    /// Monthly pay.
    Monthly,
    /// Daily pay.
    Daily,
}

/// One band: earnings up to `up_to` (inclusive) have `rate_bp` of the whole taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarningsBand {
    /// Upper bound of net earnings in the band, inclusive.
    pub up_to: Pence,
    /// Deduction rate, basis points.
    pub rate_bp: u32,
}

/// A table for one pay period: bands in order, then the top band's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodTable {
    /// Bands, in rising order of `up_to`.
    pub bands: Vec<EarningsBand>,
    /// Above the last band: `top_rate_bp` of the last band's bound plus `excess_rate_bp` of
    /// the earnings above it.
    pub top_rate_bp: u32,
    /// Share of earnings above the last bound.
    pub excess_rate_bp: u32,
}

/// Tables for weekly, monthly and daily pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarningsTable {
    /// Weekly.
    pub weekly: PeriodTable,
    /// Monthly.
    pub monthly: PeriodTable,
    /// Daily.
    pub daily: PeriodTable,
}

fn table(bounds: [i64; 6]) -> PeriodTable {
    let rates = [0, 300, 500, 700, 1_200, 1_700];
    PeriodTable {
        bands: bounds
            .iter()
            .zip(rates)
            .map(|(bound, rate_bp)| EarningsBand {
                up_to: Pence::new(*bound),
                rate_bp,
            })
            .collect(),
        top_rate_bp: 1_700,
        excess_rate_bp: 5_000,
    }
}

impl EarningsTable {
    /// England, amounts in force since 1 April 2007 (REFERENCE §1.10 Remedy 2).
    pub fn england_2007() -> Self {
        EarningsTable {
            weekly: table([7_500, 13_500, 18_500, 22_500, 35_500, 50_500]),
            monthly: table([30_000, 55_000, 74_000, 90_000, 142_000, 202_000]),
            daily: table([1_100, 2_000, 2_700, 3_300, 5_200, 7_200]),
        }
    }

    /// The deduction from `net` earnings for one pay period, rounded down to the penny (an
    /// employer never takes more than the table allows).
    pub fn deduction(&self, period: PayPeriod, net: Pence) -> Pence {
        let table = match period {
            PayPeriod::Weekly => &self.weekly,
            PayPeriod::Monthly => &self.monthly,
            PayPeriod::Daily => &self.daily,
        };
        let net = net.max(Pence::ZERO);
        let share = |amount: Pence, bp: u32| Pence::new(amount.get() * i64::from(bp) / 10_000);
        if let Some(band) = table.bands.iter().find(|band| net <= band.up_to) {
            return share(net, band.rate_bp);
        }
        let top = table.bands.last().map_or(Pence::ZERO, |band| band.up_to);
        share(top, table.top_rate_bp) + share(net - top, table.excess_rate_bp)
    }
}
