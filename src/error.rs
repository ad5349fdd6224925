//! The one error type every failure becomes, before it is turned into a JS `DmsError`.

/// Client-side error codes (the server's codes pass through as the server sent them).
pub mod codes {
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    pub const INVALID_PARAMETER: &str = "InvalidParameter";
    pub const MISSING_CREDENTIALS: &str = "MissingCredentials";
    pub const NETWORK_ERROR: &str = "NetworkError";
    pub const INVALID_RESPONSE: &str = "InvalidResponse";
    pub const UNSUPPORTED_RUNTIME: &str = "UnsupportedRuntime";
    pub const TIMEOUT: &str = "Timeout";
    pub const ABORTED: &str = "Aborted";
}

/// A failure, client-side or from the server. It never holds the secret: messages that come
/// from the server are redacted before they get here (see `response`).
#[derive(Clone, PartialEq, Eq)]
pub struct DmsError {
    pub code: String,
    pub message: String,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
    /// Whether sending the same operation again (re-signed) may succeed.
    pub retryable: bool,
}

impl DmsError {
    /// An error raised before anything was sent.
    pub fn client(code: &str, message: String) -> Self {
        DmsError {
            code: code.into(),
            message,
            status: None,
            request_id: None,
            host_id: None,
            recommend: None,
            retryable: false,
        }
    }

    pub fn invalid(message: String) -> Self {
        Self::client(codes::INVALID_PARAMETER, message)
    }

    pub fn missing(message: String) -> Self {
        Self::client(codes::MISSING_PARAMETER, message)
    }
}

// Hand-written so that a future field can never print something it should not.
impl core::fmt::Debug for DmsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DmsError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("retryable", &self.retryable)
            .finish()
    }
}

/// Whether the server's answer says the same request, re-signed, may succeed later.
pub fn is_retryable(code: &str, status: u16) -> bool {
    matches!(
        code,
        "Throttling" | "Throttling.User" | "Throttling.Api" | "ServiceUnavailable" | "InternalError" | "SignatureNonceUsed"
    ) || matches!(status, 500 | 502 | 503 | 504)
}

/// Concatenates message parts into one string sized once.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}
