//! Log lines from the flows, through the [`Log`] port, filtered by
//! `logLevel`; and every request to the provider sent through one place
//! that logs it (method and endpoint, then status and duration).

use super::Client;
use crate::core::error::AuthError;
use crate::core::log::{Endpoint, Field, Level, Method};
use crate::ports::{Adapters, Http, HttpRequest, HttpResponse, Log};

impl<A: Adapters> Client<A> {
    /// True when a line at `level` would reach a logger.
    pub(crate) fn logs(&self, level: Level) -> bool {
        self.config.log_level.allows(level) && self.adapters.log().enabled()
    }

    /// Logs `message` with `fields` at `level`, when `logLevel` lets it through.
    pub(crate) fn log(&self, level: Level, message: &'static str, fields: &[Field]) {
        if self.logs(level) {
            self.adapters.log().write(level, message, fields);
        }
    }

    /// Logs at `error` that a background operation failed (the moments the
    /// `error` event tells the app), with the error's code.
    pub(crate) fn log_failure(&self, message: &'static str, e: &AuthError) {
        self.log(Level::Error, message, &[Field::error(e)]);
    }

    /// Logs at `warn`, with the error's code.
    pub(crate) fn log_warning(&self, message: &'static str, e: &AuthError) {
        self.log(Level::Warn, message, &[Field::error(e)]);
    }

    /// Sends `request` (cancelled by `abort` where the runtime can), logging
    /// at `debug` where it goes and what came back. Only the method and the
    /// endpoint without its query are logged: never the form, the
    /// credentials or a proof.
    pub(crate) async fn send(
        &self,
        request: HttpRequest,
        abort: Option<&A::Abort>,
    ) -> Result<HttpResponse, AuthError> {
        let logged = self.logs(Level::Debug);
        let mut fields = Vec::new();
        if logged {
            fields.push(Field::Method(match request.form {
                Some(_) => Method::Post,
                None => Method::Get,
            }));
            if let Some(endpoint) = Endpoint::of(self.adapters.urls(), &request.url) {
                fields.push(Field::Endpoint(endpoint));
            }
            self.log(Level::Debug, "request sent", &fields);
        }
        let started = self.now();
        let answer = self.adapters.http().send(request, abort).await;
        if logged {
            fields.push(match &answer {
                Ok(r) => Field::Status(r.status),
                Err(e) => Field::error(e),
            });
            fields.push(Field::DurationMs(self.now().saturating_sub(started)));
            let message = match answer {
                Ok(_) => "answer received",
                Err(_) => "no answer",
            };
            self.log(Level::Debug, message, &fields);
        }
        answer
    }
}
