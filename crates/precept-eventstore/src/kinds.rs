//! The one dispatch from a [`HistoryKind`] to the code, generic over [`StoredAggregate`], that
//! reads that kind's history back: parsing its ids and folding its states.
//!
//! Reading commits is the same for every kind (they are messages on a subject); only the id
//! parser and the event types differ, so the dispatch hands out two plain functions per kind.
//! It is not the projectors' dispatch (`feed.rs`), which decodes every kind of a council
//! stream into `FeedEvents` for the read models.

use precept_app::history::HistoryKind;
use precept_domain::account::CouncilTaxAccount;
use precept_domain::benefits::claim::BenefitClaim;
use precept_domain::benefits::settings::BenefitYear;
use precept_domain::benefits::uc_import::UcImport;
use precept_domain::council_year::CouncilYear;
use precept_domain::nndr::account::NndrAccount;
use precept_domain::nndr::agency::Agency;
use precept_domain::nndr::hereditament::Hereditament;
use precept_domain::nndr::settings::NndrYearSettings;
use precept_domain::partnership::agreement::Agreement;
use precept_domain::partnership::pool::CostPool;
use precept_domain::property::Property;
use serde::Serialize;

use crate::codec::{DecodeError, DecodedCommit, StoredAggregate};

/// Why commits did not fold into a state.
#[derive(Debug)]
pub(crate) enum FoldError {
    /// An event of the commit at `sequence` does not decode.
    Decode {
        /// The commit.
        sequence: u64,
        /// Why.
        error: DecodeError,
    },
    /// The domain refused an event of the commit at `sequence`.
    Apply {
        /// The commit.
        sequence: u64,
        /// The domain's reason (type names and ids only).
        reason: String,
    },
}

/// What the audit needs of one aggregate kind.
#[derive(Clone, Copy)]
pub(crate) struct KindCodec {
    /// Parses an id with the kind's own parser and writes it in the form its subject uses.
    pub(crate) canonical_id: fn(&str) -> Result<String, DecodeError>,
    /// Decodes (upcasting) and folds commits, in order, from the default state, and
    /// serialises the state as JSON.
    pub(crate) fold: fn(&[DecodedCommit]) -> Result<String, FoldError>,
}

impl KindCodec {
    /// The functions for `kind`.
    pub(crate) fn of(kind: HistoryKind) -> Self {
        match kind {
            HistoryKind::CouncilYear => Self::generic::<CouncilYear>(),
            HistoryKind::Property => Self::generic::<Property>(),
            HistoryKind::CouncilTaxAccount => Self::generic::<CouncilTaxAccount>(),
            HistoryKind::NndrYear => Self::generic::<NndrYearSettings>(),
            HistoryKind::Hereditament => Self::generic::<Hereditament>(),
            HistoryKind::NndrAccount => Self::generic::<NndrAccount>(),
            HistoryKind::Agency => Self::generic::<Agency>(),
            HistoryKind::BenefitYear => Self::generic::<BenefitYear>(),
            HistoryKind::BenefitClaim => Self::generic::<BenefitClaim>(),
            HistoryKind::UcImport => Self::generic::<UcImport>(),
            HistoryKind::Agreement => Self::generic::<Agreement>(),
            HistoryKind::CostPool => Self::generic::<CostPool>(),
        }
    }

    fn generic<A: StoredAggregate>() -> Self
    where
        A::State: Serialize,
    {
        KindCodec {
            canonical_id: canonical_id::<A>,
            fold: fold_to_json::<A>,
        }
    }
}

fn canonical_id<A: StoredAggregate>(text: &str) -> Result<String, DecodeError> {
    A::parse_id(text).map(|id| id.to_string())
}

fn fold_to_json<A: StoredAggregate>(commits: &[DecodedCommit]) -> Result<String, FoldError>
where
    A::State: Serialize,
{
    let mut state = A::State::default();
    for commit in commits {
        let sequence = commit.sequence;
        let events = commit
            .envelope
            .events
            .iter()
            .map(A::decode_event)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| FoldError::Decode { sequence, error })?;
        state = A::fold(state, &events).map_err(|error| FoldError::Apply {
            sequence,
            reason: error.to_string(),
        })?;
    }
    Ok(serde_json::to_string(&state).expect("domain states are plain data with string map keys: always serialisable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_ids_with_its_own_parser() {
        let cases = [
            (HistoryKind::CouncilYear, "2025-26", "2025/26"),
            (HistoryKind::Property, "100062557744", "0100062557744"),
            (
                HistoryKind::CouncilTaxAccount,
                "6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11",
                "6f1c2a4e0d3b4c559a572f1e8b9c0d11",
            ),
            (HistoryKind::NndrYear, "2025-26", "2025"),
            (HistoryKind::Hereditament, "200004512345", "*"),
            (HistoryKind::NndrAccount, "6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11", ">"),
            (HistoryKind::Agency, "maidstone", "Maidstone"),
            (HistoryKind::BenefitYear, "2025-26", "2025-26.x"),
            (HistoryKind::BenefitClaim, "7c9e6679-7425-40de-944b-e07fc1f90ae7", ""),
            (HistoryKind::UcImport, &"ab".repeat(32), "ab"),
            (HistoryKind::Agreement, "agreement", "agreements"),
            (HistoryKind::CostPool, "2025-26", "2025-26 "),
        ];
        for (kind, good, bad) in cases {
            let codec = KindCodec::of(kind);
            assert_eq!(
                (codec.canonical_id)(good).ok().as_deref(),
                Some(good),
                "{kind:?} {good}"
            );
            assert!((codec.canonical_id)(bad).is_err(), "{kind:?} accepted {bad:?}");
        }
    }

    #[test]
    fn no_commits_fold_to_the_default_state() {
        let json = (KindCodec::of(HistoryKind::Agreement).fold)(&[]).expect("folds");
        assert!(json.starts_with('{'), "{json}");
    }
}
