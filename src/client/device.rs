//! Device sign-in (RFC 8628): start, then poll until approved, denied,
//! expired or aborted. Decisions come from `core::device::DevicePoller`.

use super::{form_request, Client};
use crate::core::device::{
    device_authorization, DeviceAuthorization, DeviceAuthorizationResponse, DevicePoller, Step,
    GRANT_TYPE,
};
use crate::core::error::{AuthError, ErrorCode};
use crate::core::log::{Field, Level};
use crate::core::tokens::{TokenResponse, TokenSet};
use crate::ports::{Abort, Adapters, Runtime};

fn aborted() -> AuthError {
    AuthError::new(ErrorCode::Aborted, "device sign-in was aborted")
}

impl<A: Adapters> Client<A> {
    /// RFC 8628 §3.1: asks for a device code and a user code.
    pub async fn start_device_authorization(
        &self,
        scope: Option<&str>,
    ) -> Result<DeviceAuthorization, AuthError> {
        let endpoints = self.endpoints().await?;
        let scope = scope.unwrap_or(&self.config.scope);
        let mut pairs = vec![
            ("client_id", self.config.client_id.as_str()),
            ("scope", scope),
        ];
        if let Some(secret) = &self.config.client_secret {
            pairs.push(("client_secret", secret.secret()));
        }
        let r = self
            .post_form(&endpoints.device_authorization, &pairs)
            .await?;
        device_authorization(
            self.read_answer::<DeviceAuthorizationResponse>(&r)?,
            self.adapters.urls(),
        )
    }

    /// RFC 8628 §3.4: polls the token endpoint no faster than the interval
    /// (and slower after `slow_down`) until the user decides or the code
    /// expires. `started_at_ms` is when the device authorization arrived.
    ///
    /// Each round either sends a poll or waits, and the poller reads the
    /// clock again after every wait: a wait that let no time pass (a timer
    /// that fires at once) is counted, and a few in a row end the polling
    /// with `timeout` rather than let the loop spin.
    pub async fn poll_device_token(
        &self,
        device: &DeviceAuthorization,
        started_at_ms: u64,
        abort: &A::Abort,
    ) -> Result<TokenSet, AuthError> {
        self.storage_ready().await;
        let endpoints = self.endpoints().await?;
        let mut poller = DevicePoller::new(device, started_at_ms).expecting(self.token_type());
        loop {
            if abort.aborted() {
                return Err(aborted());
            }
            match poller.next(self.now())? {
                Step::Wait(ms) => {
                    self.log(Level::Debug, "device poll waiting", &[Field::WaitMs(ms)]);
                    abort.sleep(ms).await
                }
                Step::Poll => {
                    let mut pairs = vec![
                        ("grant_type", GRANT_TYPE),
                        ("device_code", device.device_code.secret()),
                        ("client_id", self.config.client_id.as_str()),
                    ];
                    if let Some(secret) = &self.config.client_secret {
                        pairs.push(("client_secret", secret.secret()));
                    }
                    // The app's abort also cancels a poll in flight.
                    let request = form_request(&endpoints.token, &pairs);
                    let r = self
                        .send_to_token_endpoint(request, Some(abort), None)
                        .await?;
                    if abort.aborted() {
                        return Err(aborted());
                    }
                    let now = self.now();
                    self.track_date(&r, now);
                    let answer = self.read_answer::<TokenResponse>(&r);
                    if let Some(tokens) = poller.on_answer(answer, now)? {
                        self.check_id_token(&tokens, None, None, false, None)
                            .await?;
                        if self.adapters.runtime().is_browser()
                            || self.config.client_secret.is_none()
                        {
                            // A new session: no per-API token of the one before.
                            self.take_api_tokens();
                            self.store_tokens(&tokens);
                        }
                        return Ok(tokens);
                    }
                }
            }
        }
    }
}
