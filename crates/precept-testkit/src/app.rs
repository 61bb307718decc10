//! The whole service, in-process, for end-to-end tests through gRPC.

use std::time::Duration;

use precept_api::proto::council_tax_accounts_client::CouncilTaxAccountsClient;
use precept_domain::CouncilCode;
use precept_server::{Application, NatsSettings, Settings};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// A running Precept service.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
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
    settings
}

/// Starts Precept with explicit settings (the gRPC address should use port 0).
///
/// # Panics
/// If it cannot start.
pub async fn spawn_with(settings: Settings) -> TestApp {
    let app = Application::build(settings)
        .await
        .unwrap_or_else(|error| panic!("starting Precept: {error:#}"));
    let address = format!("http://{}", app.local_addr().expect("bound address"));
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async {
        let _ = signal.await;
    }));
    TestApp {
        address,
        shutdown: Some(shutdown),
        task: Some(task),
    }
}

impl TestApp {
    /// A channel to the service.
    ///
    /// # Panics
    /// If it cannot connect.
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.address.clone())
            .expect("valid uri")
            .connect()
            .await
            .expect("connect to Precept")
    }

    /// A Council Tax accounts client.
    pub async fn council_tax(&self) -> CouncilTaxAccountsClient<Channel> {
        CouncilTaxAccountsClient::new(self.channel().await)
    }

    /// A Council Tax set-up client.
    pub async fn setup(&self) -> precept_api::proto::council_tax_setup_client::CouncilTaxSetupClient<Channel> {
        precept_api::proto::council_tax_setup_client::CouncilTaxSetupClient::new(self.channel().await)
    }

    /// A Council Tax billing client.
    pub async fn billing(&self) -> precept_api::proto::council_tax_billing_client::CouncilTaxBillingClient<Channel> {
        precept_api::proto::council_tax_billing_client::CouncilTaxBillingClient::new(self.channel().await)
    }

    /// A business rates client.
    pub async fn business_rates(&self) -> precept_api::proto::business_rates_client::BusinessRatesClient<Channel> {
        precept_api::proto::business_rates_client::BusinessRatesClient::new(self.channel().await)
    }

    /// A partnership client.
    pub async fn partnership(&self) -> precept_api::proto::partnership_client::PartnershipClient<Channel> {
        precept_api::proto::partnership_client::PartnershipClient::new(self.channel().await)
    }

    /// A benefits client.
    pub async fn benefits(&self) -> precept_api::proto::benefits_client::BenefitsClient<Channel> {
        precept_api::proto::benefits_client::BenefitsClient::new(self.channel().await)
    }

    /// A Council Tax recovery client.
    pub async fn recovery(&self) -> precept_api::proto::council_tax_recovery_client::CouncilTaxRecoveryClient<Channel> {
        precept_api::proto::council_tax_recovery_client::CouncilTaxRecoveryClient::new(self.channel().await)
    }

    /// An Admin client (read-model switches).
    pub async fn admin(&self) -> precept_api::proto::admin_client::AdminClient<Channel> {
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
