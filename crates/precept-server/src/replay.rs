//! `precept replay`: rebuild read models from the council streams into a fresh database, verify
//! a live read model against a rebuild, and switch a running service onto a rebuilt one.
//!
//! What this is: the operator's side, as library functions the `precept` binary (and the
//! tests) call: connect to NATS and the databases, check the target is fresh, run
//! precept-projections' [`replay_council`] and [`verify`](precept_projections::verify::verify),
//! and call the running service's `precept.v1.Admin/SwitchReadModel`.
//! What this is not: the folding (the projectors' own code, unchanged) or the switch itself
//! (done inside the service, which owns its projector).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use precept_api::proto::admin_client::AdminClient;
use precept_api::proto::{SwitchReadModelRequest, SwitchReadModelResponse};
use precept_app::FeedSource;
use precept_domain::CouncilCode;
use precept_eventstore::JetStreamFeedSource;
use precept_projections::replay::{PROJECTORS, ReplayConfig, ReplayProgress, known_projector, replay_council};
use precept_projections::verify::VerifyPlan;
use precept_projections::{DriftReport, MigrationState, ReadStore};

/// What to rebuild, from where.
#[derive(Debug, Clone)]
pub struct ReplaySource {
    /// The NATS server holding the council streams.
    pub nats_url: String,
    /// The councils to rebuild.
    pub councils: Vec<CouncilCode>,
    /// The projectors to rebuild.
    pub projectors: Vec<&'static str>,
    /// Batch sizes and read-ahead.
    pub config: ReplayConfig,
}

impl ReplaySource {
    /// Every known projector over `councils` (or only `projector`, when given).
    ///
    /// # Errors
    /// An unknown projector name, with the known ones.
    pub fn new(nats_url: String, councils: Vec<CouncilCode>, projector: Option<&str>) -> anyhow::Result<Self> {
        let projectors = match projector {
            Some(name) => vec![known_projector(name)?],
            None => PROJECTORS.to_vec(),
        };
        Ok(ReplaySource {
            nats_url,
            councils,
            projectors,
            config: ReplayConfig::default(),
        })
    }

    async fn feeds(&self) -> anyhow::Result<Arc<JetStreamFeedSource>> {
        let client = async_nats::ConnectOptions::new()
            .name("precept-replay")
            .connect(&self.nats_url)
            .await
            .with_context(|| format!("connecting to NATS at {}", self.nats_url))?;
        Ok(Arc::new(JetStreamFeedSource::from_client(client)))
    }
}

/// Where a replay ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaySummary {
    /// Each projector's checkpoint per council.
    pub checkpoints: Vec<(String, CouncilCode, u64)>,
    /// Commits folded.
    pub commits: u64,
    /// How long it took.
    pub elapsed: Duration,
}

/// Commits folded, counted for the summary and passed on to a progress display.
struct Counted<'a> {
    folded: std::sync::atomic::AtomicU64,
    display: &'a dyn ReplayProgress,
}

impl ReplayProgress for Counted<'_> {
    fn planned(&self, commits: u64) {
        self.display.planned(commits);
    }

    fn applied(&self, commits: u64) {
        self.folded.fetch_add(commits, std::sync::atomic::Ordering::Relaxed);
        self.display.applied(commits);
    }
}

/// Opens `url` as a replay target: created and migrated if need be, and refused unless it
/// holds no read-model rows (a replay into a used database would fold commits twice).
///
/// # Errors
/// The database cannot be opened, or is not fresh.
pub async fn open_fresh(url: &str) -> anyhow::Result<ReadStore> {
    let store = ReadStore::connect(url)
        .await
        .context("opening the target database (--database-url)")?;
    if let Some(table) = store.first_table_with_rows().await? {
        anyhow::bail!(
            "the target database is not fresh: table {table} already holds rows (or checkpoints). \
             Replay builds a read model from nothing; give it a new, empty database"
        );
    }
    Ok(store)
}

/// Rebuilds `source`'s projectors into the fresh database at `database_url`, from sequence 1
/// to each stream's last sequence when the replay starts.
///
/// # Errors
/// NATS or the database cannot be reached, the target is not fresh, or a commit cannot be
/// folded.
pub async fn replay(
    source: &ReplaySource,
    database_url: &str,
    progress: &dyn ReplayProgress,
) -> anyhow::Result<ReplaySummary> {
    let feeds = source.feeds().await?;
    let store = open_fresh(database_url).await?;
    let summary = replay_to_end(source, &feeds, &store, progress).await;
    store.close().await;
    summary
}

/// Like [`replay`], then keeps folding new commits until `stop` completes (`--follow`).
///
/// # Errors
/// As [`replay`].
pub async fn replay_and_follow(
    source: &ReplaySource,
    database_url: &str,
    progress: &dyn ReplayProgress,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<ReplaySummary> {
    let feeds = source.feeds().await?;
    let store = open_fresh(database_url).await?;
    let mut summary = replay_to_end(source, &feeds, &store, progress).await?;
    let followed = tokio::select! {
        result = follow(source, &feeds, &store, progress, &mut summary) => result,
        () = stop => Ok(()),
    };
    store.close().await;
    followed.map(|()| summary)
}

/// Folds new commits in rounds, each up to the streams' ends as they then are, until an error.
async fn follow(
    source: &ReplaySource,
    feeds: &Arc<JetStreamFeedSource>,
    store: &ReadStore,
    progress: &dyn ReplayProgress,
    summary: &mut ReplaySummary,
) -> anyhow::Result<()> {
    loop {
        let round = replay_to_end(source, feeds, store, progress).await?;
        summary.commits += round.commits;
        summary.checkpoints = round.checkpoints;
        if round.commits == 0 {
            // Nothing new: ask again in a second (one stream-info request per council), which
            // is as fresh as an operator's follow needs; the service's own projector is the
            // one that follows commit by commit.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

async fn replay_to_end(
    source: &ReplaySource,
    feeds: &Arc<JetStreamFeedSource>,
    store: &ReadStore,
    display: &dyn ReplayProgress,
) -> anyhow::Result<ReplaySummary> {
    let started = Instant::now();
    let counted = Counted {
        folded: 0.into(),
        display,
    };
    let mut targets = Vec::new();
    for council in &source.councils {
        let last = feeds
            .last_sequence(council)
            .await
            .with_context(|| format!("reading the stream of council {council}"))?;
        targets.push((council, last));
    }
    let mut checkpoints = Vec::new();
    for projector in &source.projectors {
        for (council, last) in &targets {
            let reached = replay_council(
                Arc::clone(feeds),
                store,
                projector,
                council,
                *last,
                &source.config,
                &counted,
            )
            .await
            .with_context(|| format!("replaying council {council} for projector {projector}"))?;
            checkpoints.push(((*projector).to_owned(), (*council).clone(), reached));
        }
    }
    Ok(ReplaySummary {
        checkpoints,
        commits: counted.folded.into_inner(),
        elapsed: started.elapsed(),
    })
}

/// What `--verify` compares.
#[derive(Debug, Clone)]
pub struct VerifyTarget {
    /// The live read model (opened read-only).
    pub live_url: String,
    /// Where to rebuild; `None`: a temporary SQLite file, removed afterwards.
    pub scratch_url: Option<String>,
    /// Differences kept in the report (the rest are counted).
    pub limit: usize,
}

/// Rebuilds into a scratch database exactly up to the live read model's checkpoints and
/// compares the two row by row (see precept-projections' `verify` for why that is fair while
/// the live projector keeps writing).
///
/// # Errors
/// NATS or a database cannot be reached, the live read model is not this build's, or the
/// scratch database is not fresh.
pub async fn verify(
    source: &ReplaySource,
    target: &VerifyTarget,
    progress: &dyn ReplayProgress,
) -> anyhow::Result<DriftReport> {
    let feeds = source.feeds().await?;
    let live = ReadStore::open_read_only(&target.live_url)
        .await
        .context("opening the live read model (--database-url)")?;
    match live.migration_state().await? {
        MigrationState::Current => {}
        other => anyhow::bail!(
            "the live read model's migrations are not this build's ({other:?}): verify with the build that serves it"
        ),
    }
    let temporary = tempfile::tempdir().context("a temporary directory for the scratch database")?;
    let scratch_url = target
        .scratch_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", temporary.path().join("scratch.db").display()));
    let scratch = open_fresh(&scratch_url)
        .await
        .context("the scratch database (--scratch-url)")?;
    let plan = VerifyPlan {
        projectors: &source.projectors,
        councils: &source.councils,
        limit: target.limit,
        replay: source.config.clone(),
    };
    let report = precept_projections::verify::verify(feeds, &live, &scratch, &plan, progress).await;
    scratch.close().await;
    live.close().await;
    Ok(report?)
}

/// Asks the service at `server` to switch to the read model at `database_url`, sending
/// `authorization: Bearer <token>` when a token is given.
///
/// # Errors
/// The service cannot be reached, or refuses (the status says why).
pub async fn switch(server: &str, database_url: &str, token: Option<&str>) -> anyhow::Result<SwitchReadModelResponse> {
    let mut client = AdminClient::connect(server.to_owned())
        .await
        .with_context(|| format!("connecting to the service at {server}"))?;
    let mut request = tonic::Request::new(SwitchReadModelRequest {
        database_url: database_url.to_owned(),
    });
    if let Some(token) = token {
        let value = format!("Bearer {token}")
            .parse()
            .context("PRECEPT_TOKEN is not valid in a header")?;
        request.metadata_mut().insert("authorization", value);
    }
    let response = client
        .switch_read_model(request)
        .await
        .map_err(|status| anyhow::anyhow!("the service refused the switch: {}", status.message()))?;
    Ok(response.into_inner())
}

/// A terminal progress bar: commits folded of those planned, with the rate in commits/s.
pub struct ReplayBar {
    bar: ProgressBar,
}

impl ReplayBar {
    /// A bar on stderr, or a hidden one.
    ///
    /// # Errors
    /// If the template does not parse (a bug).
    pub fn new(visible: bool) -> anyhow::Result<Self> {
        let bar = if visible {
            ProgressBar::new(0)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} {bar:40} {human_pos}/{human_len} events {per_sec} ETA {eta}",
            )
            .context("progress bar template")?,
        );
        Ok(ReplayBar { bar })
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ReplayProgress for ReplayBar {
    fn planned(&self, commits: u64) {
        self.bar.inc_length(commits);
    }

    fn applied(&self, commits: u64) {
        self.bar.inc(commits);
    }
}
