//! DPoP (RFC 9449) in the flows: a proof on every token request, the
//! server's nonces remembered per origin, one retry on `use_dpop_nonce`, and
//! the key's thumbprint (`dpop_jkt`) on the authorization request.
//! The proof is built by `core::dpop` and signed by the [`DpopKeys`] port.

use super::Client;
use crate::core::dpop::DpopJwk;
use crate::core::dpop::{compact, jti, jwk_thumbprint, signing_input, ProofClaims, ProofHeader};
use crate::core::error::{fail, AuthError, ErrorCode, OAuthErrorCode};
use crate::core::keys;
use crate::core::log::{Field, Level};
use crate::core::secret::AccessToken;
use crate::core::tokens::{error_from_answer, TokenType};
use crate::core::url::origin_of;
use crate::ports::{Adapters, DpopKeys, HttpRequest, HttpResponse, Random, Storage};

/// A DPoP key pair as a flow holds it ([`DpopKeys::Key`]).
pub(crate) type DpopKey<A> = <<A as Adapters>::DpopKeys as DpopKeys>::Key;

fn unwritable() -> AuthError {
    AuthError::new(
        ErrorCode::InvalidOptions,
        "the DPoP proof could not be written",
    )
}

impl<A: Adapters> Client<A> {
    /// The `token_type` token requests ask for.
    pub(crate) fn token_type(&self) -> TokenType {
        if self.config.dpop {
            TokenType::Dpop
        } else {
            TokenType::Bearer
        }
    }

    /// The thumbprint of the client's DPoP key (RFC 7638), for `dpop_jkt`.
    pub(crate) async fn dpop_jkt(&self) -> Result<String, AuthError> {
        let keys = self.adapters.dpop_keys();
        let key = keys.key().await?;
        self.thumbprint(keys.public_key(&key))
    }

    /// With `dpop`, the key pair in use, for a flow that proves it and may
    /// have to prove it again for what it obtained (revoking a refresh's
    /// answer after a logout); `None` without.
    pub(crate) async fn dpop_key(&self) -> Result<Option<DpopKey<A>>, AuthError> {
        Ok(match self.config.dpop {
            true => Some(self.key_in_use().await?),
            false => None,
        })
    }

    /// The key pair in use, its thumbprint noted for the session it binds.
    async fn key_in_use(&self) -> Result<DpopKey<A>, AuthError> {
        let keys = self.adapters.dpop_keys();
        let key = keys.key().await?;
        self.thumbprint(keys.public_key(&key))?;
        Ok(key)
    }

    fn thumbprint(&self, jwk: &DpopJwk) -> Result<String, AuthError> {
        let jkt = jwk_thumbprint(&self.write_json(jwk).ok_or_else(unwritable)?);
        *self.dpop_jkt.borrow_mut() = Some(jkt.clone());
        Ok(jkt)
    }

    /// Notes, beside a token set being stored, the key its tokens are bound
    /// to: the one that signed the request's proof. When the storage
    /// refuses it, the binding is held in this page's memory with the
    /// session (a session without it would be dropped as unbound), and the
    /// refusal is the caller's to report.
    pub(crate) fn note_dpop_binding(&self) -> Result<(), AuthError> {
        let jkt = self.dpop_jkt.borrow().clone();
        if let (true, Some(jkt)) = (self.config.dpop, jkt) {
            let refused = self.storage().set(&self.key(keys::DPOP_JKT), &jkt).err();
            *self.unsaved_binding.borrow_mut() = refused.is_some().then_some(jkt);
            return refused.map_or(Ok(()), Err);
        }
        Ok(())
    }

    /// A stored session that does not fit how this client sends tokens can
    /// never be used as it is, so it is ended (`login_required`, and a `warn`
    /// line): with `dpop`, a `Bearer` session (stored before `dpop` was
    /// switched on), one without the thumbprint of the key it is bound to,
    /// or one bound to another key than the one held now (IndexedDB
    /// cleared, or its entry unreadable and replaced); without `dpop`, a
    /// `DPoP` session (a bound token sent as Bearer is refused, and its key
    /// is kept for no one). Nothing is sent with such a token.
    pub(crate) async fn check_dpop_binding(&self) -> Result<(), AuthError> {
        let Some(tokens) = self.tokens() else {
            return Ok(());
        };
        // `token_type` is stored as the SDK wrote it (`TokenType::name`).
        let bound_type = tokens.token_type == TokenType::Dpop.name();
        let (message, reason) = match (self.config.dpop, bound_type) {
            (false, false) => return Ok(()),
            (false, true) => (
                "stored DPoP session dropped: dpop is off",
                "the stored session is bound to a DPoP key but dpop is off: log in again",
            ),
            (true, false) => (
                "stored Bearer session dropped: dpop is on",
                "the stored session is a Bearer session made before dpop was on: log in again",
            ),
            (true, true) => match self.dpop_binding() {
                Some(bound) if bound == self.dpop_jkt().await? => return Ok(()),
                Some(_) => (
                    "stored session dropped: its dpop key is lost",
                    "the session was bound to a DPoP key this browser no longer has: log in again",
                ),
                None => (
                    "stored session dropped: its dpop key is unknown",
                    "the stored session does not name the DPoP key it is bound to: log in again",
                ),
            },
        };
        self.log(Level::Warn, message, &[]);
        self.clear_session();
        fail(ErrorCode::LoginRequired, reason)
    }

    /// The thumbprint the session is bound to: the one this page holds
    /// because the storage refused it, else the stored one.
    fn dpop_binding(&self) -> Option<String> {
        let held = self.unsaved_binding.borrow().clone();
        held.or_else(|| self.storage().get(&self.key(keys::DPOP_JKT)))
    }

    /// With `dpop`, retires the key (logout) and answers it, for the
    /// logout's revocations: the next session gets a new one, nothing bound
    /// to this one survives, and a login started meanwhile keeps its own.
    pub(crate) async fn retire_dpop_key(&self) -> Option<DpopKey<A>> {
        match self.config.dpop {
            true => self.adapters.dpop_keys().retire().await,
            false => None,
        }
    }

    /// A DPoP proof for `htm` at `url`, signed now by `key` (by default the
    /// key in use), with the newest nonce `url`'s origin sent, and `ath`
    /// when an access token goes with the request.
    pub(crate) async fn dpop_proof(
        &self,
        htm: &str,
        url: &str,
        access_token: Option<&AccessToken>,
        key: Option<&DpopKey<A>>,
    ) -> Result<String, AuthError> {
        let keys = self.adapters.dpop_keys();
        let key = match key {
            Some(key) => key.clone(),
            None => self.key_in_use().await?,
        };
        let jwk = keys.public_key(&key);
        let mut random = [0u8; 16];
        self.adapters.random().fill(&mut random)?;
        let origin = origin_of(self.adapters.urls(), url).unwrap_or_default();
        let nonce = self
            .dpop_nonces
            .borrow()
            .nonce_for(&origin)
            .map(str::to_string);
        // `iat` on the measured clock: ours corrected by the provider's `Date`.
        let claims = ProofClaims::new(
            htm,
            url,
            self.provider_now_s() as u64,
            jti(&random),
            nonce.as_deref(),
            access_token,
        );
        let input = signing_input(
            &self
                .write_json(&ProofHeader::new(jwk))
                .ok_or_else(unwritable)?,
            &self.write_json(&claims).ok_or_else(unwritable)?,
        );
        let signature = keys.sign(&key, input.as_bytes()).await?;
        Ok(compact(&input, &signature))
    }

    /// Notes the `DPoP-Nonce` a response from `url` carried; true when it
    /// carried one.
    fn remember_nonce(&self, url: &str, r: &HttpResponse) -> bool {
        match (&r.dpop_nonce, origin_of(self.adapters.urls(), url)) {
            (Some(nonce), Some(origin)) => self.dpop_nonces.borrow_mut().remember(&origin, nonce),
            _ => false,
        }
    }

    /// Sends a POST to the authorization server's token or PAR endpoint:
    /// with `dpop`, with a fresh proof, and once more with the server's new
    /// nonce when it answers `use_dpop_nonce` (RFC 9449 §8). The proof is
    /// of `key` when given, else of the key in use. `abort`, when given,
    /// cancels it.
    pub(crate) async fn send_to_token_endpoint(
        &self,
        mut request: HttpRequest,
        abort: Option<&A::Abort>,
        key: Option<&DpopKey<A>>,
    ) -> Result<HttpResponse, AuthError> {
        let mut retried = false;
        loop {
            if self.config.dpop {
                request.dpop = Some(self.dpop_proof("POST", &request.url, None, key).await?);
            }
            let r = self.send(request.clone(), abort).await?;
            if !self.config.dpop {
                return Ok(r);
            }
            let new_nonce = self.remember_nonce(&request.url, &r);
            let wants_nonce = r.status == 400
                && error_from_answer(r.status, self.read_json(&r.body)).server_code()
                    == Some(&OAuthErrorCode::UseDpopNonce);
            // Once only, and only with a nonce to send: a server that keeps
            // asking is answered with its own error.
            if !wants_nonce || retried || !new_nonce {
                return Ok(r);
            }
            self.log(Level::Warn, "DPoP nonce retry", &[Field::Status(r.status)]);
            retried = true;
        }
    }

    /// A GET of a resource (userinfo) with the access token: as a Bearer
    /// token, or with `dpop` as a DPoP token with a proof carrying its hash
    /// (`ath`, RFC 9449 §7.1), sent once more when the server answers 401
    /// with a new `DPoP-Nonce` (§9).
    pub(crate) async fn get_with_token(
        &self,
        url: String,
        access_token: &AccessToken,
    ) -> Result<HttpResponse, AuthError> {
        let mut retried = false;
        loop {
            let dpop = match self.config.dpop {
                true => Some(
                    self.dpop_proof("GET", &url, Some(access_token), None)
                        .await?,
                ),
                false => None,
            };
            let request = HttpRequest {
                url: url.clone(),
                form: None,
                bearer: Some(access_token.secret().to_string()),
                dpop,
            };
            let r = self.send(request, None).await?;
            if !self.config.dpop {
                return Ok(r);
            }
            let new_nonce = self.remember_nonce(&url, &r);
            if r.status != 401 || !new_nonce || retried {
                return Ok(r);
            }
            self.log(Level::Warn, "DPoP nonce retry", &[Field::Status(r.status)]);
            retried = true;
        }
    }
}
