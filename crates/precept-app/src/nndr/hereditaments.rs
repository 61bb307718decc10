//! The rating list side of the service: listing hereditaments, applying the VOA's value
//! schedules (re-billing every account at the hereditament from the change date), splits
//! and merges (REFERENCE §2.1). Each step of a split or merge is its own commit with a
//! request id derived from the caller's, so a repeated request finishes what an interrupted
//! one began and repeats nothing.

use chrono::NaiveDate;
use precept_domain::nndr::account::NndrChange;
use precept_domain::nndr::hereditament::{HereditamentCommand, PropertyClass, Removal};
use precept_domain::{CouncilCode, Uprn};

use super::{NndrService, NndrServiceError, NndrStores, Work};
use crate::council_tax::{AccountDirectory, derived_meta};
use crate::handler::CommandOutcome;
use crate::meta::RequestMeta;

/// A new hereditament a split or merge creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewHereditament {
    /// Its UPRN.
    pub uprn: Uprn,
    /// Rateable value.
    pub rateable_value: u32,
    /// Class.
    pub class: PropertyClass,
}

/// A schedule's new value for a hereditament, and the date of the revised notices it causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChange {
    /// The hereditament.
    pub uprn: Uprn,
    /// The alteration (`HereditamentCommand::AlterValue`).
    pub command: HereditamentCommand,
    /// Date of the revised notices.
    pub notice_date: NaiveDate,
}

/// A split (one old, several new) or merge (several old, one new) from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reorganisation {
    /// The hereditaments leaving the list.
    pub old: Vec<Uprn>,
    /// The hereditaments entering it.
    pub new: Vec<NewHereditament>,
    /// The first day of the new list entries.
    pub from: NaiveDate,
    /// Date of the closing notices.
    pub notice_date: NaiveDate,
}

/// What a list change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListChangeOutcome {
    /// The rating list's last commit.
    pub commit: CommandOutcome,
    /// Accounts whose notices were revised.
    pub accounts_rebilled: u32,
    /// The highest sequence written, list and accounts (the caller's read-after-write
    /// sequence).
    pub last_sequence: u64,
}

impl<S: NndrStores> NndrService<S> {
    /// Lists a hereditament.
    ///
    /// # Errors
    /// [`NndrServiceError`].
    pub async fn list(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        uprn: Uprn,
        command: HereditamentCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "keep the rating list")
            .await?;
        Ok(self.hereditaments.execute(council, &uprn, command, meta).await?)
    }

    /// Applies a new rateable value from a date, then re-bills every account at the
    /// hereditament with revised notices dated `notice_date`.
    ///
    /// # Errors
    /// [`NndrServiceError`]; the value stands even if an account fails, and repeating the
    /// request finishes the accounts.
    pub async fn alter_value<D: AccountDirectory>(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        change: ValueChange,
        meta: &RequestMeta,
        directory: &D,
    ) -> Result<ListChangeOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "keep the rating list")
            .await?;
        let ValueChange {
            uprn,
            command,
            notice_date,
        } = change;
        let commit = self.hereditaments.execute(council, &uprn, command, meta).await?;
        let (accounts_rebilled, rebilled_to) = self
            .rebill_at(council, uprn, NndrChange::Recalculate, notice_date, meta, directory)
            .await?;
        Ok(ListChangeOutcome {
            commit,
            accounts_rebilled,
            last_sequence: commit.commit.sequence.max(rebilled_to),
        })
    }

    /// Splits a hereditament into new ones from `from`, or merges several into one: the new
    /// hereditaments are listed, the old ones removed, and liability on the old ones ends the
    /// day before (closing notices). Accounts on the new ones are opened by the caller.
    ///
    /// # Errors
    /// [`NndrServiceError`].
    pub async fn reorganise<D: AccountDirectory>(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        reorganisation: &Reorganisation,
        meta: &RequestMeta,
        directory: &D,
    ) -> Result<ListChangeOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "keep the rating list")
            .await?;
        let Reorganisation {
            old,
            new,
            from,
            notice_date,
        } = reorganisation;
        let (from, notice_date) = (*from, *notice_date);
        let reason = match (old.as_slice(), new.as_slice()) {
            ([_], [_, _, ..]) => Removal::Split(new.iter().map(|created| created.uprn).collect()),
            ([_, _, ..], [into]) => Removal::Merged(into.uprn),
            _ => return Err(NndrServiceError::Reorganisation),
        };
        for uprn in old {
            let listed = self
                .hereditaments
                .inspect(council, uprn, |state| state.is_listed())
                .await?;
            if !listed {
                return Err(NndrServiceError::NotListed(*uprn));
            }
        }
        let mut commit = None;
        for created in new {
            let command = HereditamentCommand::List {
                rateable_value: created.rateable_value,
                class: created.class,
                effective_from: from,
            };
            let step = derived_meta(meta, "nndr-list", &created.uprn.to_string());
            commit = Some(
                self.hereditaments
                    .execute(council, &created.uprn, command, &step)
                    .await?,
            );
        }
        let last_day = from.pred_opt().ok_or(NndrServiceError::Reorganisation)?;
        let (mut accounts_rebilled, mut last_sequence) = (0, 0);
        for uprn in old {
            let command = HereditamentCommand::Remove {
                effective_from: from,
                reason: reason.clone(),
            };
            let step = derived_meta(meta, "nndr-remove", &uprn.to_string());
            let removed = self.hereditaments.execute(council, uprn, command, &step).await?;
            let end = NndrChange::EndLiability { last_day };
            let (rebilled, rebilled_to) = self
                .rebill_at(council, *uprn, end, notice_date, &step, directory)
                .await?;
            accounts_rebilled += rebilled;
            last_sequence = last_sequence.max(removed.commit.sequence).max(rebilled_to);
            commit = Some(removed);
        }
        Ok(ListChangeOutcome {
            commit: commit.ok_or(NndrServiceError::Reorganisation)?,
            accounts_rebilled,
            last_sequence,
        })
    }
}
