//! Verifying a live read model against a rebuild of the same streams (`precept replay --verify`).
//!
//! What this is: the procedure that makes the comparison fair while the live projector keeps
//! writing. The rebuild stops exactly where the live read model stands, judged inside one read
//! snapshot of the live database:
//! 1. read the live checkpoints and replay each council into the scratch database up to them
//!    (the bulk, with no snapshot held open);
//! 2. open a read snapshot of the live database and read its checkpoints again: the live
//!    projector may have moved on, never back;
//! 3. replay the scratch database on to exactly those checkpoints (the few commits since 1);
//! 4. compare every table inside the snapshot with the scratch database.
//!
//! Both sides then hold the same commits, so any difference is drift, not timing. The live
//! projector is never paused: its transactions commit after the snapshot, unseen by it.
//!
//! What this is not: a repair. It reports; rebuilding and switching is `precept replay` and
//! the Admin service's `SwitchReadModel`.

use std::sync::Arc;

use precept_app::FeedSource;
use precept_domain::CouncilCode;

use crate::compare::DriftReport;
use crate::read_store::ReadStore;
use crate::replay::{ReplayConfig, ReplayError, ReplayProgress, replay_council};

/// What to verify.
#[derive(Debug, Clone)]
pub struct VerifyPlan<'a> {
    /// The projectors to rebuild.
    pub projectors: &'a [&'a str],
    /// The councils to rebuild.
    pub councils: &'a [CouncilCode],
    /// Differences kept in the report (the rest are counted).
    pub limit: usize,
    /// How to replay.
    pub replay: ReplayConfig,
}

/// Rebuilds `plan`'s projectors into `scratch` (a fresh database: the caller checks) exactly up
/// to the live checkpoints, and compares `live` with it.
///
/// # Errors
/// [`ReplayError`].
pub async fn verify<F: FeedSource>(
    source: Arc<F>,
    live: &ReadStore,
    scratch: &ReadStore,
    plan: &VerifyPlan<'_>,
    progress: &dyn ReplayProgress,
) -> Result<DriftReport, ReplayError> {
    for projector in plan.projectors {
        for council in plan.councils {
            let through = live.checkpoint(projector, council.as_str()).await?;
            replay_council(
                Arc::clone(&source),
                scratch,
                projector,
                council,
                through,
                &plan.replay,
                progress,
            )
            .await?;
        }
    }
    let mut snapshot = live.snapshot().await?;
    for projector in plan.projectors {
        for council in plan.councils {
            let through = snapshot.checkpoint(projector, council.as_str()).await?;
            replay_council(
                Arc::clone(&source),
                scratch,
                projector,
                council,
                through,
                &plan.replay,
                progress,
            )
            .await?;
        }
    }
    let report = snapshot.compare_with(scratch, plan.limit).await?;
    snapshot.close().await?;
    Ok(report)
}
