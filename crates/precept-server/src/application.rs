//! [`Application`]: build every component from [`Settings`], serve, shut down cleanly.

use std::collections::HashSet;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use precept_api::access_log::AccessLogApi;
use precept_api::admin::AdminApi;
use precept_api::audit::AuditApi;
use precept_api::auth::{AuthLayer, Authenticator, RateLimit};
use precept_api::benefits::BenefitsApi;
use precept_api::billing::CouncilTaxBillingApi;
use precept_api::business_rates::BusinessRatesApi;
use precept_api::council_tax::CouncilTaxAccountsApi;
use precept_api::partnership::PartnershipApi;
use precept_api::proto::access_log_server::AccessLogServer;
use precept_api::proto::admin_server::AdminServer;
use precept_api::proto::audit_server::AuditServer;
use precept_api::proto::benefits_server::BenefitsServer;
use precept_api::proto::business_rates_server::BusinessRatesServer;
use precept_api::proto::council_tax_accounts_server::CouncilTaxAccountsServer;
use precept_api::proto::council_tax_billing_server::CouncilTaxBillingServer;
use precept_api::proto::council_tax_recovery_server::CouncilTaxRecoveryServer;
use precept_api::proto::council_tax_setup_server::CouncilTaxSetupServer;
use precept_api::proto::partnership_server::PartnershipServer;
use precept_api::recovery::CouncilTaxRecoveryApi;
use precept_api::setup::CouncilTaxSetupApi;
use precept_app::benefits::{BenefitsService, CtrLink, NinoKey};
use precept_app::nndr::NndrService;
use precept_app::partnership::PartnershipService;
use precept_app::{CouncilTaxService, HandlerConfig, SystemClock};
use precept_eventstore::embedded::{NatsServerOptions, NatsServerProcess};
use precept_eventstore::{
    EventStoreConfig, JetStreamAccessLog, JetStreamCredentials, JetStreamEventStore, JetStreamFeedSource,
};
use precept_projections::benefits::BenefitQueries;
use precept_projections::billing::PROJECTOR;
use precept_projections::billing::queries::BillingQueries;
use precept_projections::drivers::PartnershipDrivers;
use precept_projections::nndr::queries::NndrQueries;
use precept_projections::recovery::queries::RecoveryQueries;
use precept_projections::{AccountBalanceQueries, ProjectorConfig, ReadModelSwitcher, ReadStore};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

use crate::settings::{NatsSettings, Settings};

/// A built service, ready to serve.
pub struct Application {
    listener: TcpListener,
    nats_server: Option<NatsServerProcess>,
    nats_url: String,
    store: JetStreamEventStore,
    read_store: ReadStore,
    /// Owns the projector (when this instance runs it) and switches read models.
    switcher: Arc<Switcher>,
    links: Option<ProcessManagers>,
    services: Services,
    auth: AuthLayer<JetStreamCredentials, JetStreamAccessLog>,
    access: crate::settings::AccessSettings,
    access_log: Arc<JetStreamAccessLog>,
}

/// The process managers' tasks (one CTR link per council) and their stop signal.
struct ProcessManagers {
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl ProcessManagers {
    async fn shutdown(self) {
        self.stop.send_replace(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

type Store = JetStreamEventStore;
type Reads = BillingQueries<JetStreamFeedSource>;
type RatesReads = NndrQueries<JetStreamFeedSource>;
type Drivers = PartnershipDrivers<JetStreamFeedSource>;
type Switcher = ReadModelSwitcher<JetStreamFeedSource>;

/// The gRPC services, built once.
struct Services {
    accounts: CouncilTaxAccountsApi<Store, AccountBalanceQueries>,
    setup: CouncilTaxSetupApi<Store, Reads>,
    billing: CouncilTaxBillingApi<Store, Reads, Reads>,
    recovery: CouncilTaxRecoveryApi<Store, Reads, RecoveryQueries>,
    rates: BusinessRatesApi<Store, RatesReads>,
    partnership: PartnershipApi<Store, Drivers>,
    benefits: BenefitsApi<Store, BenefitQueries>,
    audit: AuditApi<Store>,
    access_log: AccessLogApi<JetStreamAccessLog>,
    admin: AdminApi<Switcher>,
}

impl Application {
    /// Starts (or connects to) NATS, ensures the streams, migrates the read model, starts the
    /// projector and binds the gRPC listener.
    ///
    /// # Errors
    /// Any component that cannot start; the message says which and how to fix it.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let (nats_server, nats_url) = match &settings.nats {
            NatsSettings::External { url } => (None, url.clone()),
            NatsSettings::Embedded {
                binary,
                store_dir,
                port,
            } => {
                let options = NatsServerOptions {
                    port: *port,
                    ..NatsServerOptions::new(binary.clone(), store_dir.clone())
                };
                let server = NatsServerProcess::start(options)
                    .await
                    .context("starting the local nats-server")?;
                let url = server.url();
                (Some(server), url)
            }
        };
        let client = async_nats::ConnectOptions::new()
            .name("precept")
            .connect(&nats_url)
            .await
            .with_context(|| format!("connecting to NATS at {nats_url}"))?;
        let config = EventStoreConfig {
            duplicate_window: settings.duplicate_window,
            replicas: settings.replicas,
            ..EventStoreConfig::default()
        };
        let request_retention = config.request_retention;
        let store = JetStreamEventStore::connect(client, config.clone(), Arc::new(SystemClock)).await?;
        let credentials = Arc::new(
            JetStreamCredentials::open_watched(store.context(), &config)
                .await
                .context("opening the credential bucket")?,
        );
        if let Some(token) = &settings.access.bootstrap_token {
            crate::credentials::register_bootstrap(&credentials, token).await?;
        }
        let access_log = Arc::new(
            JetStreamAccessLog::open(store.context(), &config)
                .await
                .context("opening the access log stream")?,
        );
        let auth = AuthLayer::new(
            Authenticator::new(credentials),
            Arc::clone(&access_log),
            RateLimit::new(settings.access.requests_per_second, settings.access.burst),
        );
        store
            .ensure_streams(&settings.councils)
            .await
            .context("creating the council streams")?;
        let read_store = ReadStore::connect(&settings.database_url)
            .await
            .with_context(|| "opening the read-model database (PRECEPT_DATABASE_URL)".to_owned())?;
        let feeds = Arc::new(JetStreamFeedSource::new(store.clone()));
        let link_feeds = Arc::clone(&feeds);
        let switcher = Arc::new(if settings.run_projectors {
            ReadModelSwitcher::start(
                Arc::clone(&feeds),
                read_store.clone(),
                &settings.councils,
                ProjectorConfig::new(PROJECTOR),
            )
            .await?
        } else {
            ReadModelSwitcher::without_projector(
                Arc::clone(&feeds),
                read_store.clone(),
                ProjectorConfig::new(PROJECTOR),
            )
        });
        let progress = switcher.progress();
        let benefit_reads = Arc::new(BenefitQueries::new(
            read_store.clone(),
            progress.clone(),
            settings.read_wait_max * 60,
        ));
        let queries = AccountBalanceQueries::new(read_store.clone(), progress.clone(), settings.read_wait_max);
        let recovery_reads = Arc::new(RecoveryQueries::new(
            read_store.clone(),
            progress.clone(),
            settings.read_wait_max,
        ));
        // A billing run waits for the read model to include every account opened before it;
        // that can take longer than a read-your-write query is allowed to wait.
        let drivers = Arc::new(PartnershipDrivers::new(
            read_store.clone(),
            progress.clone(),
            Arc::clone(&feeds),
            settings.read_wait_max * 60,
        ));
        let rates_reads = Arc::new(NndrQueries::new(
            read_store.clone(),
            progress.clone(),
            Arc::clone(&feeds),
            settings.read_wait_max * 60,
        ));
        let reads = Arc::new(BillingQueries::new(
            read_store.clone(),
            progress,
            feeds,
            settings.read_wait_max * 60,
        ));
        let handler_config = HandlerConfig {
            cache_capacity: settings.cache_capacity,
            idempotency_retention: request_retention,
            ..HandlerConfig::default()
        };
        let rates = Arc::new(NndrService::new(Arc::new(store.clone()), handler_config.clone()));
        let partnership = Arc::new(PartnershipService::new(Arc::new(store.clone()), handler_config.clone()));
        let nino_key = NinoKey::new(&settings.nino_key).context("the NINO key (PRECEPT_NINO_KEY)")?;
        let benefits = Arc::new(BenefitsService::new(
            Arc::new(store.clone()),
            handler_config.clone(),
            nino_key,
        ));
        let app = Arc::new(CouncilTaxService::new(Arc::new(store.clone()), handler_config));
        // The CTR link issues commands, so like the projectors it runs in one instance only.
        let links = settings.run_projectors.then(|| {
            let link = Arc::new(CtrLink::new(Arc::clone(&benefits), Arc::clone(&app)));
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let tasks = settings
                .councils
                .iter()
                .map(|council| {
                    tokio::spawn(Arc::clone(&link).run(Arc::clone(&link_feeds), council.clone(), stopped.clone()))
                })
                .collect();
            ProcessManagers { stop, tasks }
        });
        let councils: Arc<HashSet<_>> = Arc::new(settings.councils.iter().cloned().collect());
        let services = Services {
            accounts: CouncilTaxAccountsApi::new(Arc::clone(&app), Arc::new(queries), Arc::clone(&councils)),
            setup: CouncilTaxSetupApi::new(Arc::clone(&app), Arc::clone(&reads), Arc::clone(&councils)),
            billing: CouncilTaxBillingApi::new(
                Arc::clone(&app),
                Arc::clone(&reads),
                Arc::clone(&reads),
                Arc::clone(&councils),
            ),
            recovery: CouncilTaxRecoveryApi::new(app, reads, recovery_reads, Arc::clone(&councils)),
            rates: BusinessRatesApi::new(rates, rates_reads, Arc::clone(&councils)),
            partnership: PartnershipApi::new(partnership, drivers, Arc::clone(&councils)),
            audit: AuditApi::new(Arc::new(store.clone()), Arc::clone(&councils)),
            benefits: BenefitsApi::new(benefits, benefit_reads, Arc::clone(&councils)),
            access_log: AccessLogApi::new(Arc::clone(&access_log), councils),
            admin: AdminApi::new(Arc::clone(&switcher)),
        };
        let listener = TcpListener::bind(settings.grpc_addr)
            .await
            .with_context(|| format!("binding gRPC to {} (is another precept running?)", settings.grpc_addr))?;
        Ok(Application {
            listener,
            nats_server,
            nats_url,
            store,
            read_store,
            switcher,
            links,
            services,
            auth,
            access: settings.access.clone(),
            access_log,
        })
    }

    /// The address gRPC is served on.
    ///
    /// # Errors
    /// If the socket cannot report its address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The NATS URL in use (the embedded server's, when Precept started one).
    pub fn nats_url(&self) -> &str {
        &self.nats_url
    }

    /// The event store, for tests that inspect streams.
    pub fn event_store(&self) -> &JetStreamEventStore {
        &self.store
    }

    /// Serves until `shutdown` completes, then stops taking requests, lets the projector
    /// finish its batch (checkpoint written with its rows), closes the database and stops the
    /// embedded nats-server.
    ///
    /// # Errors
    /// If the gRPC server fails.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let (health_reporter, health_service) = tonic_health::server::health_reporter();
        health_reporter
            .set_serving::<CouncilTaxAccountsServer<CouncilTaxAccountsApi<Store, AccountBalanceQueries>>>()
            .await;
        health_reporter
            .set_serving::<CouncilTaxSetupServer<CouncilTaxSetupApi<Store, Reads>>>()
            .await;
        health_reporter
            .set_serving::<CouncilTaxBillingServer<CouncilTaxBillingApi<Store, Reads, Reads>>>()
            .await;
        health_reporter
            .set_serving::<CouncilTaxRecoveryServer<CouncilTaxRecoveryApi<Store, Reads, RecoveryQueries>>>()
            .await;
        health_reporter
            .set_serving::<BusinessRatesServer<BusinessRatesApi<Store, RatesReads>>>()
            .await;
        health_reporter
            .set_serving::<PartnershipServer<PartnershipApi<Store, Drivers>>>()
            .await;
        health_reporter
            .set_serving::<BenefitsServer<BenefitsApi<Store, BenefitQueries>>>()
            .await;
        health_reporter.set_serving::<AuditServer<AuditApi<Store>>>().await;
        health_reporter.set_serving::<AdminServer<AdminApi<Switcher>>>().await;
        let reflection = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(precept_api::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1()
            .context("building the reflection service")?;
        let reflection_alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(precept_api::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1alpha()
            .context("building the reflection service")?;
        health_reporter
            .set_serving::<AccessLogServer<AccessLogApi<JetStreamAccessLog>>>()
            .await;
        let limit = self.access.message_bytes_max;
        let mut builder = tonic::transport::Server::builder();
        if let Some(tls) = &self.access.tls {
            builder = builder
                .tls_config(tls_config(tls)?)
                .context("configuring TLS (PRECEPT_TLS_*)")?;
        }
        let services = self.services;
        let served = builder
            .layer(self.auth)
            .add_service(health_service)
            .add_service(reflection)
            .add_service(reflection_alpha)
            .add_service(CouncilTaxAccountsServer::new(services.accounts).max_decoding_message_size(limit))
            .add_service(CouncilTaxSetupServer::new(services.setup).max_decoding_message_size(limit))
            .add_service(CouncilTaxBillingServer::new(services.billing).max_decoding_message_size(limit))
            .add_service(CouncilTaxRecoveryServer::new(services.recovery).max_decoding_message_size(limit))
            .add_service(BusinessRatesServer::new(services.rates).max_decoding_message_size(limit))
            .add_service(PartnershipServer::new(services.partnership).max_decoding_message_size(limit))
            .add_service(BenefitsServer::new(services.benefits).max_decoding_message_size(limit))
            .add_service(AccessLogServer::new(services.access_log).max_decoding_message_size(limit))
            .add_service(AuditServer::new(services.audit).max_decoding_message_size(limit))
            .add_service(AdminServer::new(services.admin).max_decoding_message_size(limit))
            .serve_with_incoming_shutdown(TcpListenerStream::new(self.listener), shutdown)
            .await;
        tracing::info!("shutting down: flushing projector checkpoints");
        if let Some(links) = self.links {
            links.shutdown().await;
        }
        self.switcher.shutdown().await;
        self.access_log.flush().await;
        self.read_store.close().await;
        // Flush and close our NATS connection before the server goes, so nothing is lost in
        // flight and the logs do not fill with reconnect attempts.
        if let Err(error) = self.store.context().client().drain().await {
            tracing::warn!(%error, "NATS connection did not drain cleanly");
        }
        if let Some(server) = self.nats_server {
            server.stop().await.context("stopping the local nats-server")?;
        }
        served.context("gRPC server failed")
    }
}

/// tonic's TLS settings from PEM files: the server's identity, and with a client CA, mTLS
/// (a client without a certificate from that CA cannot connect).
fn tls_config(tls: &crate::settings::TlsSettings) -> anyhow::Result<tonic::transport::ServerTlsConfig> {
    let read = |path: &std::path::Path| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
    let identity = tonic::transport::Identity::from_pem(read(&tls.certificate)?, read(&tls.key)?);
    let mut config = tonic::transport::ServerTlsConfig::new().identity(identity);
    if let Some(ca) = &tls.client_ca {
        config = config.client_ca_root(tonic::transport::Certificate::from_pem(read(ca)?));
    }
    Ok(config)
}
