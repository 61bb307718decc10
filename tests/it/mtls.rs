//! mTLS: a client certificate registered as a credential authenticates without a token; one
//! from the same CA but not registered does not; a client without a certificate cannot
//! connect at all.

use precept_api::proto;
use precept_testkit::{TestDatabase, TestNats, council, spawn_with, test_settings};
use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tonic::Code;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

struct Pki {
    ca: String,
    server: (String, String),
    registered: (String, String),
    stranger: (String, String),
}

fn leaf(issuer: &Issuer<'_, KeyPair>, name: &str, client: bool) -> (String, String) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec![name.to_owned()]).expect("params");
    params.extended_key_usages = vec![if client {
        ExtendedKeyUsagePurpose::ClientAuth
    } else {
        ExtendedKeyUsagePurpose::ServerAuth
    }];
    let certificate = params.signed_by(&key, issuer).expect("signed");
    (certificate.pem(), key.serialize_pem())
}

fn pki() -> Pki {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    let ca = params.self_signed(&key).expect("CA").pem();
    let issuer = Issuer::new(params, key);
    Pki {
        ca,
        server: leaf(&issuer, "localhost", false),
        registered: leaf(&issuer, "swale-crm.example", true),
        stranger: leaf(&issuer, "stranger.example", true),
    }
}

async fn connect(
    address: &str,
    ca: &str,
    identity: Option<&(String, String)>,
) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca))
        .domain_name("localhost");
    if let Some((certificate, key)) = identity {
        tls = tls.identity(Identity::from_pem(certificate, key));
    }
    Channel::from_shared(address.replace("http://", "https://"))
        .expect("uri")
        .tls_config(tls)?
        .connect()
        .await
}

async fn statement(channel: Channel) -> Code {
    let mut client = proto::council_tax_billing_client::CouncilTaxBillingClient::new(channel);
    match client
        .get_statement(proto::GetStatementRequest {
            council: "swale".to_owned(),
            ..Default::default()
        })
        .await
    {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_client_certificate_authenticates_and_others_do_not() {
    let pki = pki();
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path
    };
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let mut settings = test_settings(&nats.url(), database.url(), &[council("swale")]);
    settings.access.tls = Some(precept_server::TlsSettings {
        certificate: write("server.pem", &pki.server.0),
        key: write("server.key", &pki.server.1),
        client_ca: Some(write("ca.pem", &pki.ca)),
    });
    let app = spawn_with(settings).await;

    let store = precept_server::credentials::open(&app.nats_url)
        .await
        .expect("credential store");
    let registered = write("client.pem", &pki.registered.0);
    let issued = precept_server::credentials::issue(
        &store,
        &precept_server::credentials::Issue {
            id: "swale-crm-mtls",
            label: "Swale CRM over mTLS",
            scope: "swale",
            roles: "read",
            certificate: Some(&registered),
        },
    )
    .await
    .expect("registered");
    assert!(issued.is_none(), "a certificate credential has no token");

    let channel = connect(&app.address, &pki.ca, Some(&pki.registered))
        .await
        .expect("mTLS connects");
    assert_eq!(
        statement(channel).await,
        Code::InvalidArgument,
        "authenticated, authorised, then validated"
    );

    let channel = connect(&app.address, &pki.ca, Some(&pki.stranger))
        .await
        .expect("mTLS connects");
    assert_eq!(statement(channel).await, Code::Unauthenticated);

    // Without a client certificate the TLS handshake is refused (with TLS 1.3 the client
    // learns of it on its first call, which fails as unavailable or unknown).
    let outcome = match connect(&app.address, &pki.ca, None).await {
        Err(_) => None,
        Ok(channel) => Some(statement(channel).await),
    };
    assert!(
        matches!(outcome, None | Some(Code::Unavailable | Code::Unknown)),
        "a client without a certificate got {outcome:?}"
    );
}
