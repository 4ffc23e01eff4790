//! The flows that move the page or a popup, over the [`Navigation`] port:
//! the redirect logins, the popup login, the callback page (scrub, then hand
//! back to the opener or the silent frame's parent, or handle), and logout's
//! trip to the end-session page.

use super::{CallbackOutcome, Client};
use crate::core::authorize::{ImplicitType, LoginRequest};
use crate::core::callback::scrub;
use crate::core::error::AuthError;
use crate::core::log::Level;
use crate::ports::{Adapters, Navigation, PopupWindow, SilentFrame};

/// How long a popup login may take unless the app says otherwise (5 minutes).
pub const POPUP_TIMEOUT_MS: u32 = 5 * 60 * 1000;

impl<A: Adapters> Client<A> {
    /// Starts a login (code + PKCE, or the implicit `implicit`) and sends the
    /// page to the provider.
    pub async fn login_with_redirect(
        &self,
        request: &LoginRequest,
        implicit: Option<ImplicitType>,
    ) -> Result<(), AuthError> {
        let url = self.start_login(request, implicit).await?;
        self.leave_for_login(&url)
    }

    /// Sends the page to a login's authorization URL ([`Client::start_login`]).
    pub fn leave_for_login(&self, url: &str) -> Result<(), AuthError> {
        self.log(Level::Debug, "leaving for the provider", &[]);
        self.adapters.navigation().navigate(url)
    }

    /// A code + PKCE login in a popup window. The popup is opened before the
    /// first await, so while still inside the click that asked for it (a
    /// browser blocks it otherwise), and closed again when the login cannot
    /// start. Then the popup goes to the provider, and the callback URL it
    /// hands back is handled as `handle_callback` does.
    pub async fn login_with_popup(
        &self,
        request: &LoginRequest,
        timeout_ms: u32,
    ) -> Result<CallbackOutcome, AuthError> {
        let popup = match self.adapters.navigation().open_popup() {
            Ok(popup) => popup,
            Err(e) => {
                self.log_warning("login popup not opened", &e);
                return Err(e);
            }
        };
        self.log(Level::Debug, "login popup opened", &[]);
        let url = match self.start_login(request, None).await {
            Ok(url) => url,
            Err(e) => {
                popup.close();
                return Err(e);
            }
        };
        let callback_url = match popup.wait_for_callback(&url, timeout_ms).await {
            Ok(callback_url) => callback_url,
            Err(e) => {
                self.log_warning("login popup gave no callback", &e);
                return Err(e);
            }
        };
        self.log(Level::Debug, "callback received from the login popup", &[]);
        self.handle_callback(&callback_url).await
    }

    /// The callback page: handles the authorization response in `url`. When
    /// `url` is the page's address, the response is scrubbed from the address
    /// bar and the history first, whatever happens next; and in a login popup
    /// of ours the opener finishes the login: the URL is handed to it, the
    /// popup closes, and this future never completes. Likewise in a silent
    /// sign-in frame of ours: the waiting page finishes (`silent.rs`).
    pub async fn handle_redirect_callback(&self, url: &str) -> Result<CallbackOutcome, AuthError> {
        let navigation = self.adapters.navigation();
        if navigation.current_url().as_deref() == Some(url) {
            navigation.replace_url(&scrub(url));
            self.log(Level::Debug, "callback scrubbed from the address", &[]);
            if navigation.is_own_popup() {
                self.log(Level::Debug, "callback handed back to the opener", &[]);
                navigation.hand_back(url);
                std::future::pending::<()>().await;
            }
            let frame = self.adapters.silent_frame();
            if frame.is_own_frame() {
                self.log(
                    Level::Debug,
                    "callback handed back to the silent sign-in",
                    &[],
                );
                frame.hand_back(url);
                std::future::pending::<()>().await;
            }
        }
        self.handle_callback(url).await
    }

    /// Logs out (see [`Client::logout`]), then sends the page to the
    /// provider's end-session page when one is configured.
    pub async fn logout_and_leave(
        &self,
        revoke: bool,
        return_to: Option<&str>,
    ) -> Result<(), AuthError> {
        match self.logout(revoke, return_to).await? {
            Some(url) => {
                self.log(Level::Debug, "leaving for the end-session page", &[]);
                self.adapters.navigation().navigate(&url)
            }
            None => Ok(()),
        }
    }

    /// The page's address, for the face's URL arguments left out.
    pub fn current_url(&self) -> Option<String> {
        self.adapters.navigation().current_url()
    }
}
