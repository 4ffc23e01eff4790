//! Secrets as their own types, as oauth2-rs has them: an access token, a
//! refresh token, an authorization code, a device code and a client secret
//! cannot be passed one for another by accident, and their `Debug` prints
//! `[redacted]`, never the secret, so no log line or panic message carries
//! one.

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps the secret.
            pub fn new(secret: impl Into<String>) -> Self {
                $name(secret.into())
            }

            /// The secret itself, for the one request or store that needs it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl From<&str> for $name {
            fn from(secret: &str) -> Self {
                $name(secret.to_string())
            }
        }

        /// Compares the secret with text (tests, and the few checks that
        /// need equality), without exposing it.
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

secret_type!(
    /// An access token (RFC 6749 §1.4).
    AccessToken
);
secret_type!(
    /// A refresh token (RFC 6749 §1.5).
    RefreshToken
);
secret_type!(
    /// An authorization code (RFC 6749 §1.3.1): short-lived, used once.
    AuthorizationCode
);
secret_type!(
    /// A device code (RFC 8628 §3.2): the device's proof in each poll.
    DeviceCode
);
secret_type!(
    /// A client secret (RFC 6749 §2.3.1): server runtimes only.
    ClientSecret
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_prints_no_secret() {
        assert_eq!(
            format!("{:?}", AccessToken::new("AT-1")),
            "AccessToken([redacted])"
        );
        assert_eq!(
            format!("{:?}", RefreshToken::new("RT-1")),
            "RefreshToken([redacted])"
        );
        assert_eq!(
            format!("{:?}", Some(ClientSecret::new("s3cr3t"))),
            "Some(ClientSecret([redacted]))"
        );
        assert_eq!(AuthorizationCode::new("c").secret(), "c");
        assert!(DeviceCode::new("dc") == "dc");
    }
}
