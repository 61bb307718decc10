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

/// What a list change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListChangeOutcome {
    /// The last commit made (the caller's read-after-write sequence).
    pub commit: CommandOutcome,
    /// Accounts whose notices were revised.
    pub accounts_rebilled: u32,
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
    #[allow(clippy::too_many_arguments)]
    pub async fn alter_value<D: AccountDirectory>(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        uprn: Uprn,
        command: HereditamentCommand,
        notice_date: NaiveDate,
        meta: &RequestMeta,
        directory: &D,
    ) -> Result<ListChangeOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "keep the rating list")
            .await?;
        let commit = self.hereditaments.execute(council, &uprn, command, meta).await?;
        let accounts_rebilled = self
            .rebill_at(council, uprn, NndrChange::Recalculate, notice_date, meta, directory)
            .await?;
        Ok(ListChangeOutcome {
            commit,
            accounts_rebilled,
        })
    }

    /// Splits a hereditament into new ones from `from`, or merges several into one: the new
    /// hereditaments are listed, the old ones removed, and liability on the old ones ends the
    /// day before (closing notices). Accounts on the new ones are opened by the caller.
    ///
    /// # Errors
    /// [`NndrServiceError`].
    #[allow(clippy::too_many_arguments)]
    pub async fn reorganise<D: AccountDirectory>(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        old: &[Uprn],
        new: &[NewHereditament],
        from: NaiveDate,
        notice_date: NaiveDate,
        meta: &RequestMeta,
        directory: &D,
    ) -> Result<ListChangeOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "keep the rating list")
            .await?;
        let reason = match (old, new) {
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
        let mut accounts_rebilled = 0;
        for uprn in old {
            let command = HereditamentCommand::Remove {
                effective_from: from,
                reason: reason.clone(),
            };
            let step = derived_meta(meta, "nndr-remove", &uprn.to_string());
            commit = Some(self.hereditaments.execute(council, uprn, command, &step).await?);
            accounts_rebilled += self
                .rebill_at(
                    council,
                    *uprn,
                    NndrChange::EndLiability { last_day },
                    notice_date,
                    &step,
                    directory,
                )
                .await?;
        }
        Ok(ListChangeOutcome {
            commit: commit.ok_or(NndrServiceError::Reorganisation)?,
            accounts_rebilled,
        })
    }
}
