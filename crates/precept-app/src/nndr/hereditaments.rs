//! The rating list side of the service: listing hereditaments, applying the VOA's value
//! schedules (re-billing every account at the hereditament from the change date), splits
//! and merges (REFERENCE §2.1). Each step of a split or merge is its own commit with a
//! request id derived from the caller's, so a repeated request finishes what an interrupted
//! one began and repeats nothing.

use chrono::NaiveDate;
use precept_domain::nndr::account::NndrChange;
use precept_domain::nndr::hereditament::{
    HereditamentCommand, HereditamentError, PropertyClass, RATEABLE_VALUE_MAX, Removal,
};
use precept_domain::{CouncilCode, Uprn};

use super::{NndrService, NndrServiceError, NndrStores, Work};
use crate::council_tax::{AccountDirectory, derived_meta};
use crate::error::CommandError;
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
    /// Everything a reorganisation could be refused for, checked before its first write, so
    /// it never stops half done on a business rule (a repeat would fail the same way): every
    /// old hereditament listed before `from` and still on the list, every new one not yet
    /// listed, no UPRN twice. What this same reorganisation already did (a repeat after an
    /// outage) passes: an old entry removed from `from` for the same reason, a new one listed
    /// from `from`.
    async fn check_reorganisation(
        &self,
        council: &CouncilCode,
        (old, new): (&[Uprn], &[NewHereditament]),
        from: NaiveDate,
        reason: &Removal,
    ) -> Result<(), NndrServiceError> {
        let mut seen = std::collections::HashSet::new();
        let all = old.iter().chain(new.iter().map(|created| &created.uprn));
        if !all.into_iter().all(|uprn| seen.insert(*uprn)) {
            return Err(NndrServiceError::Reorganisation);
        }
        for uprn in old {
            let (listed_from, removed) = self
                .hereditaments
                .inspect(council, uprn, |state| (state.listed_from(), state.removed.clone()))
                .await?;
            let ours = removed.as_ref().is_some_and(|(on, why)| *on == from && why == reason);
            match listed_from {
                None => return Err(NndrServiceError::NotListed(*uprn)),
                Some(_) if removed.is_some() && !ours => {
                    return Err(CommandError::Rejected(HereditamentError::Removed).into());
                }
                Some(listed) if listed >= from => {
                    return Err(CommandError::Rejected(HereditamentError::BeforeListing).into());
                }
                Some(_) => {}
            }
        }
        for created in new {
            if created.rateable_value == 0 || created.rateable_value > RATEABLE_VALUE_MAX {
                return Err(CommandError::Rejected(HereditamentError::ValueTooLarge {
                    max: RATEABLE_VALUE_MAX,
                })
                .into());
            }
            let listed_from = self
                .hereditaments
                .inspect(council, &created.uprn, |state| state.listed_from())
                .await?;
            if listed_from.is_some_and(|listed| listed != from) {
                return Err(CommandError::Rejected(HereditamentError::AlreadyListed).into());
            }
        }
        Ok(())
    }

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
        self.check_reorganisation(council, (old, new), from, &reason).await?;
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
