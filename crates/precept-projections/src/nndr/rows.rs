//! The columns written for business rates rows, derived from folded state.

use super::fold::NndrAccountRow;

/// An account row's filter columns.
pub(crate) struct AccountColumns {
    pub hereditament: i64,
    pub liability_start: String,
    pub liability_end: Option<String>,
    pub balance: i64,
    pub credit: i64,
}

/// The columns of an open account (`None` for a row never opened, which history forbids).
pub(crate) fn account_columns(row: &NndrAccountRow) -> Option<AccountColumns> {
    let account = row.state.as_open()?;
    Some(AccountColumns {
        hereditament: i64::try_from(account.hereditament.get()).expect("a 12-digit UPRN fits in i64"),
        liability_start: account.liability_start.to_string(),
        liability_end: account.liability_last_day.map(|day| day.to_string()),
        balance: account.balance.get(),
        credit: account.credit.get(),
    })
}

/// One billed year's row.
pub(crate) struct YearRow {
    pub account_id: String,
    pub year: i32,
    pub rateable_value: i64,
    pub multiplier_kind: &'static str,
    pub gross: i64,
    pub supplement: i64,
    pub transitional: i64,
    pub empty_relief: i64,
    pub charity_relief: i64,
    pub sbrr: i64,
    pub charity_top_up: i64,
    pub rhl_relief: i64,
    pub net: i64,
    pub costs: i64,
    pub paid: i64,
    pub stage: &'static str,
}

/// A row per billed year; the value and multiplier are the year's last period's.
pub(crate) fn year_rows(row: &NndrAccountRow) -> Vec<YearRow> {
    let Some(account) = row.state.as_open() else {
        return Vec::new();
    };
    account
        .years
        .iter()
        .map(|(year, billed)| {
            let charge = &billed.charge;
            let last = charge.periods.last();
            YearRow {
                account_id: row.account_id.clone(),
                year: year.start_year(),
                rateable_value: last.map_or(0, |period| i64::from(period.rateable_value)),
                multiplier_kind: last.map_or("none", |period| period.charge.multiplier_kind.name()),
                gross: charge.gross.get(),
                supplement: charge.supplement.get(),
                transitional: charge.transitional.get(),
                empty_relief: charge.empty_relief.get(),
                charity_relief: charge.charity_relief.get(),
                sbrr: charge.sbrr.get(),
                charity_top_up: charge.charity_top_up.get(),
                rhl_relief: charge.rhl_relief.get(),
                net: charge.net.get(),
                costs: billed.recovery.net_costs().get(),
                paid: billed.paid.get(),
                stage: billed.recovery.stage_name(),
            }
        })
        .collect()
}

/// One account-year's charges on one multiplier.
pub(crate) struct MultiplierRow {
    pub account_id: String,
    pub year: i32,
    pub multiplier_kind: &'static str,
    pub rateable_value: i64,
    pub days: i64,
    pub amounts: [i64; 9],
}

/// Each billed year's periods summed by multiplier; the value is the last period's.
pub(crate) fn multiplier_rows(row: &NndrAccountRow) -> Vec<MultiplierRow> {
    let Some(account) = row.state.as_open() else {
        return Vec::new();
    };
    let mut rows: Vec<MultiplierRow> = Vec::new();
    for (year, billed) in &account.years {
        for period in &billed.charge.periods {
            let c = &period.charge;
            let amounts = [
                c.gross,
                c.supplement,
                c.transitional,
                c.empty_relief,
                c.charity_relief,
                c.sbrr,
                c.charity_top_up,
                c.rhl_relief,
                c.net,
            ]
            .map(|amount| amount.get());
            let kind = c.multiplier_kind.name();
            match rows
                .iter_mut()
                .find(|r| r.year == year.start_year() && r.multiplier_kind == kind)
            {
                Some(existing) => {
                    existing.rateable_value = i64::from(period.rateable_value);
                    existing.days += c.days;
                    for (total, amount) in existing.amounts.iter_mut().zip(amounts) {
                        *total += amount;
                    }
                }
                None => rows.push(MultiplierRow {
                    account_id: row.account_id.clone(),
                    year: year.start_year(),
                    multiplier_kind: kind,
                    rateable_value: i64::from(period.rateable_value),
                    days: c.days,
                    amounts,
                }),
            }
        }
    }
    rows
}
