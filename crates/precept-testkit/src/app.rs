//! The whole service, in-process, for end-to-end tests through gRPC.

use std::time::Duration;

pub use precept_api::client::{AuthChannel, Bearer};
use precept_api::proto::council_tax_accounts_client::CouncilTaxAccountsClient;
use precept_domain::CouncilCode;
use precept_server::{Application, NatsSettings, Settings};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

/// A random bootstrap token for one test service (partnership scope, every role).
pub fn random_bootstrap_token() -> String {
    // A distinct id per service, so two services on one NATS keep both their tokens.
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let id = precept_app::access::CredentialId::parse(&format!("test-{}", &suffix[..12])).expect("a valid id");
    precept_app::access::BearerToken::generate(&id).0
}

/// A running Precept service.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// The token every client helper sends: partnership scope, every role.
    pub token: String,
    /// The NATS server the service uses.
    pub nats_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Starts Precept on a random port against `nats_url` and `database_url`.
///
/// # Panics
/// If it cannot start.
pub async fn spawn_app(nats_url: &str, database_url: &str, councils: &[CouncilCode]) -> TestApp {
    spawn_with(test_settings(nats_url, database_url, councils)).await
}

/// Settings for a test instance: random gRPC port, generous read-your-writes wait.
pub fn test_settings(nats_url: &str, database_url: &str, councils: &[CouncilCode]) -> Settings {
    let mut settings = Settings::new(
        NatsSettings::External {
            url: nats_url.to_owned(),
        },
        database_url.to_owned(),
        councils.to_vec(),
    );
    settings.grpc_addr = "127.0.0.1:0".parse().expect("a valid address");
    settings.read_wait_max = Duration::from_secs(30);
    settings.access.bootstrap_token = Some(random_bootstrap_token());
    settings
}

/// Starts Precept with explicit settings (the gRPC address should use port 0).
///
/// # Panics
/// If it cannot start.
pub async fn spawn_with(mut settings: Settings) -> TestApp {
    let token = settings
        .access
        .bootstrap_token
        .get_or_insert_with(random_bootstrap_token)
        .clone();
    let app = Application::build(settings)
        .await
        .unwrap_or_else(|error| panic!("starting Precept: {error:#}"));
    let address = format!("http://{}", app.local_addr().expect("bound address"));
    let (shutdown, signal) = oneshot::channel::<()>();
    let nats_url = app.nats_url().to_owned();
    let task = tokio::spawn(app.run_until(async {
        let _ = signal.await;
    }));
    TestApp {
        address,
        token,
        nats_url,
        shutdown: Some(shutdown),
        task: Some(task),
    }
}

impl TestApp {
    /// A channel to the service without credentials.
    ///
    /// # Panics
    /// If it cannot connect.
    pub async fn raw_channel(&self) -> Channel {
        Channel::from_shared(self.address.clone())
            .expect("valid uri")
            .connect()
            .await
            .expect("connect to Precept")
    }

    /// A channel sending the test's all-powerful token.
    ///
    /// # Panics
    /// If it cannot connect.
    pub async fn channel(&self) -> AuthChannel {
        self.channel_as(Some(&self.token)).await
    }

    /// A channel sending `token` (or no credentials).
    ///
    /// # Panics
    /// If it cannot connect.
    pub async fn channel_as(&self, token: Option<&str>) -> AuthChannel {
        InterceptedService::new(self.raw_channel().await, Bearer::new(token).expect("an ASCII token"))
    }

    /// Issues a bearer token straight into the service's credential store.
    ///
    /// # Panics
    /// If the credential cannot be issued.
    pub async fn issue_token(&self, id: &str, scope: &str, roles: &str) -> String {
        let store = precept_server::credentials::open(&self.nats_url)
            .await
            .expect("credential store");
        let issue = precept_server::credentials::Issue {
            id,
            label: "test credential",
            scope,
            roles,
            certificate: None,
        };
        precept_server::credentials::issue(&store, &issue)
            .await
            .expect("issue a credential")
            .expect("a token")
    }

    /// An access log client.
    pub async fn access_log(&self) -> precept_api::proto::access_log_client::AccessLogClient<AuthChannel> {
        precept_api::proto::access_log_client::AccessLogClient::new(self.channel().await)
    }

    /// A Council Tax accounts client.
    pub async fn council_tax(&self) -> CouncilTaxAccountsClient<AuthChannel> {
        CouncilTaxAccountsClient::new(self.channel().await)
    }

    /// A Council Tax set-up client.
    pub async fn setup(&self) -> precept_api::proto::council_tax_setup_client::CouncilTaxSetupClient<AuthChannel> {
        precept_api::proto::council_tax_setup_client::CouncilTaxSetupClient::new(self.channel().await)
    }

    /// A Council Tax billing client.
    pub async fn billing(
        &self,
    ) -> precept_api::proto::council_tax_billing_client::CouncilTaxBillingClient<AuthChannel> {
        precept_api::proto::council_tax_billing_client::CouncilTaxBillingClient::new(self.channel().await)
    }

    /// A business rates client.
    pub async fn business_rates(&self) -> precept_api::proto::business_rates_client::BusinessRatesClient<AuthChannel> {
        precept_api::proto::business_rates_client::BusinessRatesClient::new(self.channel().await)
    }

    /// A partnership client.
    pub async fn partnership(&self) -> precept_api::proto::partnership_client::PartnershipClient<AuthChannel> {
        precept_api::proto::partnership_client::PartnershipClient::new(self.channel().await)
    }

    /// A benefits client.
    pub async fn benefits(&self) -> precept_api::proto::benefits_client::BenefitsClient<AuthChannel> {
        precept_api::proto::benefits_client::BenefitsClient::new(self.channel().await)
    }

    /// A Council Tax recovery client.
    pub async fn recovery(
        &self,
    ) -> precept_api::proto::council_tax_recovery_client::CouncilTaxRecoveryClient<AuthChannel> {
        precept_api::proto::council_tax_recovery_client::CouncilTaxRecoveryClient::new(self.channel().await)
    }

    /// An audit client.
    pub async fn audit(&self) -> precept_api::proto::audit_client::AuditClient<AuthChannel> {
        precept_api::proto::audit_client::AuditClient::new(self.channel().await)
    }

    /// An Admin client (read-model switches).
    pub async fn admin(&self) -> precept_api::proto::admin_client::AdminClient<AuthChannel> {
        precept_api::proto::admin_client::AdminClient::new(self.channel().await)
    }

    /// Shuts down cleanly and waits.
    ///
    /// # Panics
    /// If the service failed.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("service task").expect("service stopped cleanly");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
