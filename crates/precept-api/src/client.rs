//! For Precept's own clients (the `precept report` and `replay --switch` commands, tests): a
//! channel that sends a bearer token with every call.

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

/// A channel that sends a bearer token with every call.
pub type AuthChannel = InterceptedService<Channel, Bearer>;

/// Adds `authorization: Bearer <token>` to every request (or nothing, without a token).
#[derive(Clone)]
pub struct Bearer(Option<MetadataValue<Ascii>>);

impl Bearer {
    /// A token to send; `None` sends no credentials at all.
    ///
    /// # Errors
    /// If the token has characters a header cannot carry.
    pub fn new(token: Option<&str>) -> Result<Self, tonic::metadata::errors::InvalidMetadataValue> {
        Ok(Bearer(
            token.map(|token| format!("Bearer {token}").parse()).transpose()?,
        ))
    }
}

impl Interceptor for Bearer {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.0 {
            request.metadata_mut().insert("authorization", value.clone());
        }
        Ok(request)
    }
}

/// Connects to `server` (`http://host:port`), sending `token` with every call.
///
/// # Errors
/// An invalid address or token, or the server unreachable.
pub async fn connect(
    server: &str,
    token: Option<&str>,
) -> Result<AuthChannel, Box<dyn std::error::Error + Send + Sync>> {
    let channel = Channel::from_shared(server.to_owned())?.connect().await?;
    Ok(InterceptedService::new(channel, Bearer::new(token)?))
}
