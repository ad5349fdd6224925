//! Client configuration and the signed request: a pure function of credentials, endpoint,
//! operation parameters, timestamp and nonce, returning exactly what to send.

pub mod params;
pub mod sign_request;

use crate::error::{codes, concat, DmsError};
use params::{excerpt, Entry, Value};
use std::rc::Rc;

use crate::redact::Secrets;
use crate::retry::{RetryPolicy, DEFAULT_TIMEOUT_MS};
use crate::signing::v1::{canonical_and_string_to_sign, push_rpc_signature, rpc_key, RpcKey};
use core::cell::OnceCell;

pub const API_VERSION: &str = "2018-11-01";
pub const DEFAULT_ENDPOINT: &str = "https://dms-enterprise.aliyuncs.com/";
/// The only header sent: it keeps a browser call a CORS "simple request" (no preflight).
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Client option names, in the order documented.
pub const OPTION_NAMES: [&str; 16] = [
    "accessKeyId",
    "accessKeySecret",
    "securityToken",
    "credentials",
    "endpoint",
    "regionId",
    "network",
    "signingHost",
    "signatureVersion",
    "fetch",
    "maxAttempts",
    "retryBaseDelayMs",
    "retryMaxDelayMs",
    "timeoutMs",
    "onRequest",
    "onResponse",
];

/// Options whose values are JS functions: the binding takes them out before the core
/// validates the rest.
pub const FUNCTION_OPTIONS: [&str; 4] = ["fetch", "credentials", "onRequest", "onResponse"];

/// Credentials are considered expired this long before their `expiration`, so a request
/// signed with them still arrives in time.
pub const CREDENTIAL_REFRESH_MARGIN_MS: f64 = 60_000.0;

/// Access key credentials. Not `Debug`: nothing can print the secret by accident.
#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: Option<String>,
    /// The V1 signature's HMAC key, made at the first V1 signature: the same credentials
    /// sign every call of a client, so it is keyed once and cloned per message.
    v1_key: OnceCell<RpcKey>,
    secrets: OnceCell<Secrets>,
}

impl Credentials {
    pub fn new(access_key_id: String, access_key_secret: String, security_token: Option<String>) -> Credentials {
        Credentials { access_key_id, access_key_secret, security_token, v1_key: OnceCell::new(), secrets: OnceCell::new() }
    }

    fn v1_key(&self) -> &RpcKey {
        self.v1_key.get_or_init(|| rpc_key(&self.access_key_secret))
    }

    /// What no string a user can reach may show (`redact`), made once per credentials.
    pub fn secrets(&self) -> &Secrets {
        self.secrets.get_or_init(|| {
            let mut others = vec![self.access_key_secret.as_str()];
            others.extend(self.security_token.as_deref());
            Secrets::new(&self.access_key_id, &others)
        })
    }
}

/// Where a call's credentials come from.
pub enum CredentialSource<'a> {
    /// Shared, so each call takes a reference count instead of copying the strings.
    Static(&'a Rc<Credentials>),
    /// The `credentials` function (held by the binding), called and cached there.
    Provider,
}

/// Everything a client needs to sign and send, validated once at construction.
#[derive(Clone)]
pub struct ClientConfig {
    credentials: Result<Rc<Credentials>, &'static str>,
    provider: bool,
    /// The URL requests go to, always ending in `/`.
    pub endpoint: String,
    /// The `host` a V3 signature covers: the `signingHost` option (the real DMS host when
    /// `endpoint` is a proxy) or the endpoint's host, lower-case, without a default port.
    /// The binding re-normalises it with the host's URL parser (IDN → punycode), as fetch does.
    pub signing_host: String,
    pub retry: RetryPolicy,
    /// Time budget of one call, all attempts and backoffs included.
    pub timeout_ms: u32,
    pub signature_version: SignatureVersion,
}

/// Which signature a client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// RPC `SignatureVersion=1.0`, HMAC-SHA1, a form POST with one header: the default, and
    /// a CORS "simple request" from a browser.
    V1,
    /// ACS3-HMAC-SHA256: parameters in the query, `x-acs-*` headers (a browser preflights it).
    V3,
}

/// What to send: method, URL, headers (lower-case names) and body (empty: none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

// Shows where the client sends and whether it has credentials, never the credentials.
impl core::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials_description())
            .field("retry", &self.retry)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl ClientConfig {
    /// Builds a configuration from client options (`OPTION_NAMES`; the binding has taken
    /// out `FUNCTION_OPTIONS` and says whether a `credentials` function was given). Missing
    /// credentials are not an error here: each call reports `MissingCredentials` instead,
    /// so the constructor and the one-shot functions behave alike.
    pub fn from_options(options: &[Entry], has_provider: bool) -> Result<ClientConfig, DmsError> {
        for (key, _) in options {
            if !OPTION_NAMES.contains(&key.as_ref()) {
                return Err(DmsError::invalid(concat(&[
                    "unknown client option '",
                    &excerpt(key),
                    "'; allowed: ",
                    &OPTION_NAMES.join(", "),
                ])));
            }
        }
        let get = |name: &str| options.iter().find(|(key, _)| key == name).map(|(_, value)| value);
        let access_key_id = optional_text(get("accessKeyId"), "accessKeyId", true)?;
        let access_key_secret = optional_text(get("accessKeySecret"), "accessKeySecret", false)?;
        let security_token = optional_text(get("securityToken"), "securityToken", false)?;
        if has_provider && (access_key_id.is_some() || access_key_secret.is_some() || security_token.is_some()) {
            return Err(DmsError::invalid(
                "pass either a credentials function or accessKeyId/accessKeySecret/securityToken, not both".into(),
            ));
        }
        let vpc = match optional_text(get("network"), "network", true)? {
            None | Some("public") => false,
            Some("vpc") => true,
            Some(_) => return Err(DmsError::invalid("network must be \"public\" or \"vpc\"".into())),
        };
        let endpoint = resolve_endpoint(
            optional_text(get("endpoint"), "endpoint", true)?,
            optional_text(get("regionId"), "regionId", true)?,
            vpc,
        )?;
        let signing_host = match optional_text(get("signingHost"), "signingHost", true)? {
            Some(host) => signing_host_option(host)?,
            None => endpoint_host(&endpoint),
        };
        let defaults = RetryPolicy::default();
        let retry = RetryPolicy {
            max_attempts: integer_option(get("maxAttempts"), "maxAttempts", 1, 10)?.unwrap_or(defaults.max_attempts),
            base_delay_ms: integer_option(get("retryBaseDelayMs"), "retryBaseDelayMs", 0, 60_000)?.unwrap_or(defaults.base_delay_ms),
            max_delay_ms: integer_option(get("retryMaxDelayMs"), "retryMaxDelayMs", 0, 600_000)?.unwrap_or(defaults.max_delay_ms),
        };
        let timeout_ms = timeout_option(get("timeoutMs"))?.unwrap_or(DEFAULT_TIMEOUT_MS);
        let signature_version = match optional_text(get("signatureVersion"), "signatureVersion", true)? {
            None | Some("v1") => SignatureVersion::V1,
            Some("v3") => SignatureVersion::V3,
            Some(_) => return Err(DmsError::invalid("signatureVersion must be \"v1\" (HMAC-SHA1, the default) or \"v3\" (ACS3-HMAC-SHA256)".into())),
        };
        let credentials = match (access_key_id, access_key_secret) {
            (Some(access_key_id), Some(access_key_secret)) => {
                Ok(Rc::new(Credentials::new(access_key_id.into(), access_key_secret.into(), security_token.map(str::to_owned))))
            }
            (None, None) => Err("no credentials: pass accessKeyId and accessKeySecret, or a credentials function"),
            (None, Some(_)) => Err("accessKeyId is missing (accessKeySecret was given)"),
            (Some(_), None) => Err("accessKeySecret is missing (accessKeyId was given)"),
        };
        Ok(ClientConfig { credentials, provider: has_provider, endpoint, signing_host, retry, timeout_ms, signature_version })
    }

    /// Where this call's credentials come from, or the `MissingCredentials` error.
    pub fn credential_source(&self) -> Result<CredentialSource<'_>, DmsError> {
        if self.provider {
            return Ok(CredentialSource::Provider);
        }
        self.credentials
            .as_ref()
            .map(CredentialSource::Static)
            .map_err(|why| DmsError::client(codes::MISSING_CREDENTIALS, (*why).into()))
    }

    /// "set", "from a function" or "missing", for `toString`.
    pub fn credentials_description(&self) -> &'static str {
        match (self.provider, self.credentials.is_ok()) {
            (true, _) => "from a function",
            (false, true) => "set",
            (false, false) => "missing",
        }
    }

    /// Signs `action` with its (already validated) wire parameters, as a POST.
    pub fn sign<P: AsRef<str>>(&self, credentials: &Credentials, action: &str, params: &[(P, String)], timestamp: &str, nonce: &str) -> SignedRequest {
        self.sign_as(credentials, action, params, timestamp, nonce, "POST")
    }

    /// Signs for `method` ("POST" or "GET"): a V1 GET is a presigned URL, everything in the query.
    pub fn sign_as<P: AsRef<str>>(
        &self,
        credentials: &Credentials,
        action: &str,
        params: &[(P, String)],
        timestamp: &str,
        nonce: &str,
        method: &'static str,
    ) -> SignedRequest {
        let params = param_pairs(params);
        match self.signature_version {
            SignatureVersion::V1 if method == "GET" => sign_rpc_get(credentials, &self.endpoint, action, params, timestamp, nonce),
            SignatureVersion::V1 => sign_rpc_post(credentials, &self.endpoint, (API_VERSION, action), params, timestamp, nonce),
            SignatureVersion::V3 => sign_acs3(credentials, &self.endpoint, &self.signing_host, action, params, timestamp, nonce, method),
        }
    }
}

/// Validates what a `credentials` function resolved to: `accessKeyId`, `accessKeySecret`,
/// optional `securityToken`, optional `expiration` (already converted by the binding to
/// milliseconds since the epoch, or an ISO string). Returns the credentials and when they
/// stop being usable (`expiration` minus the refresh margin).
pub fn provided_credentials(entries: &[Entry]) -> Result<(Credentials, Option<f64>), DmsError> {
    let get = |name: &str| entries.iter().find(|(key, _)| key == name).map(|(_, value)| value);
    let missing = |what: &str| DmsError::client(codes::MISSING_CREDENTIALS, concat(&["the credentials function returned no ", what]));
    let access_key_id = optional_text(get("accessKeyId"), "credentials().accessKeyId", true)?.ok_or_else(|| missing("accessKeyId"))?;
    let access_key_secret = optional_text(get("accessKeySecret"), "credentials().accessKeySecret", false)?.ok_or_else(|| missing("accessKeySecret"))?;
    let security_token = optional_text(get("securityToken"), "credentials().securityToken", false)?;
    let expires = match get("expiration") {
        None | Some(Value::Undefined | Value::Null) => None,
        Some(Value::Number(ms)) if ms.is_finite() => Some(*ms),
        Some(Value::String(text)) => match crate::timestamp::parse_utc(text) {
            Some(seconds) => Some(seconds as f64 * 1000.0),
            None => return Err(DmsError::invalid("credentials().expiration must be a Date, milliseconds, or YYYY-MM-DDThh:mm:ssZ".into())),
        },
        Some(_) => return Err(DmsError::invalid("credentials().expiration must be a Date, milliseconds, or YYYY-MM-DDThh:mm:ssZ".into())),
    };
    let credentials = Credentials::new(access_key_id.into(), access_key_secret.into(), security_token.map(str::to_owned));
    Ok((credentials, expires.map(|ms| ms - CREDENTIAL_REFRESH_MARGIN_MS)))
}

/// An integer option within `min..=max`, given as a number.
fn integer_option(value: Option<&Value>, name: &str, min: u32, max: u32) -> Result<Option<u32>, DmsError> {
    match value {
        None | Some(Value::Undefined) => Ok(None),
        Some(Value::Number(n)) if n.fract() == 0.0 && *n >= f64::from(min) && *n <= f64::from(max) => Ok(Some(*n as u32)),
        Some(other) => {
            // The value itself when it is a whole number (`timeoutMs: 0`), which says most.
            let got = match other {
                Value::Number(n) if n.fract() == 0.0 && n.abs() <= params::MAX_SAFE_INTEGER => (*n as i64).to_string(),
                other => crate::request::params::describe(other),
            };
            Err(DmsError::invalid(concat(&[name, " must be an integer from ", &min.to_string(), " to ", &max.to_string(), "; got ", &got])))
        }
    }
}

/// `timeoutMs`, for a client or a single call: milliseconds, at most what `setTimeout` holds.
pub fn timeout_option(value: Option<&Value>) -> Result<Option<u32>, DmsError> {
    integer_option(value, "timeoutMs", 1, 2_147_483_647)
}

/// A string option: absent (undefined) or a non-blank string without control characters or
/// (where `no_spaces`) spaces. Messages never quote the value: it may be a secret.
fn optional_text<'a>(value: Option<&'a Value>, name: &str, no_spaces: bool) -> Result<Option<&'a str>, DmsError> {
    match value {
        None | Some(Value::Undefined) => Ok(None),
        Some(Value::String(text)) => {
            if text.trim().is_empty() {
                Err(DmsError::invalid(concat(&[name, " must be a non-empty string; got ", if text.is_empty() { "an empty string" } else { "a blank string" }])))
            } else if text.chars().any(|c| c.is_control() || (no_spaces && c.is_whitespace())) || text.trim() != text {
                Err(DmsError::invalid(concat(&[name, " must not contain whitespace or control characters"])))
            } else {
                Ok(Some(text))
            }
        }
        Some(other) => Err(DmsError::invalid(concat(&[name, " must be a string; got ", &crate::request::params::describe(other)]))),
    }
}

/// Regions with a DMS Enterprise endpoint, from the vendor's endpoint page (ap-southeast-2 is
/// closed); the page says Europe and the Americas follow the same pattern.
pub const KNOWN_REGIONS: [&str; 18] = [
    "cn-qingdao",
    "cn-beijing",
    "cn-zhangjiakou",
    "cn-huhehaote",
    "cn-hangzhou",
    "cn-shanghai",
    "cn-shenzhen",
    "cn-chengdu",
    "cn-hongkong",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-5",
    "eu-central-1",
    "eu-west-1",
    "us-east-1",
    "us-west-1",
];

/// The URL to send to: `endpoint` (any http(s) URL, path prefix kept) wins over `regionId`
/// (`network: "vpc"` picks the region's VPC host), which wins over the central default.
pub fn resolve_endpoint(endpoint: Option<&str>, region_id: Option<&str>, vpc: bool) -> Result<String, DmsError> {
    if let Some(endpoint) = endpoint {
        return normalize_endpoint(endpoint);
    }
    match region_id {
        Some(region) if KNOWN_REGIONS.contains(&region) => {
            let host = if vpc { "https://dms-enterprise-vpc." } else { "https://dms-enterprise." };
            Ok(concat(&[host, region, ".aliyuncs.com/"]))
        }
        Some(region) => Err(DmsError::invalid(concat(&[
            "regionId \"",
            &excerpt(region),
            "\" has no known DMS endpoint; known: ",
            &KNOWN_REGIONS.join(", "),
            " (or pass endpoint)",
        ]))),
        None if vpc => Err(DmsError::invalid("network: \"vpc\" needs a regionId (the VPC endpoints are per region)".into())),
        None => Ok(DEFAULT_ENDPOINT.into()),
    }
}

fn normalize_endpoint(endpoint: &str) -> Result<String, DmsError> {
    let refuse = |why: &str| DmsError::invalid(concat(&["endpoint must be an http(s) URL such as https://dms-enterprise.aliyuncs.com; ", why]));
    let lower = endpoint.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https://", endpoint.get(8..).unwrap_or(""))
    } else if lower.starts_with("http://") {
        ("http://", endpoint.get(7..).unwrap_or(""))
    } else if crate::text::find(endpoint, "://").is_some() {
        return Err(refuse("only http and https are supported"));
    } else {
        // A bare host name, as the vendor's docs write endpoints.
        ("https://", endpoint)
    };
    if rest.bytes().any(|b| b == b'?' || b == b'#') {
        return Err(refuse("it must not have a query or fragment"));
    }
    let host = authority(rest);
    if host.is_empty() {
        return Err(refuse("the host is missing"));
    }
    if host.bytes().any(|b| b == b'@') {
        return Err(refuse("it must not carry user credentials"));
    }
    let mut url = String::with_capacity(endpoint.len() + 9);
    url.push_str(scheme);
    url.push_str(rest.trim_end_matches('/'));
    url.push('/');
    Ok(url)
}

/// `(name, value)` pairs borrowed from `params`, with room for the common parameters the
/// signers add. The signers take these, so they exist once in the wasm whatever `P` callers use.
pub fn param_pairs<P: AsRef<str>>(params: &[(P, String)]) -> Vec<(&str, &str)> {
    let mut out = Vec::with_capacity(params.len() + 9);
    out.extend(params.iter().map(|(name, value)| (name.as_ref(), value.as_str())));
    out
}

/// Every parameter of a V1 request, common ones included, in canonical order, and the
/// string to sign for `method`.
fn v1_canonical<'a>(
    method: &str,
    credentials: &'a Credentials,
    (version, action): (&'a str, &'a str),
    mut all: Vec<(&'a str, &'a str)>,
    timestamp: &'a str,
    nonce: &'a str,
) -> (String, String) {
    all.extend([
        ("AccessKeyId", credentials.access_key_id.as_str()),
        ("Action", action),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
        ("Version", version),
    ]);
    if let Some(token) = &credentials.security_token {
        all.push(("SecurityToken", token));
    }
    canonical_and_string_to_sign(method, &mut all)
}

/// Signs an RPC request sent as a form POST: every parameter, common ones included, goes in
/// the body in canonical order, followed by `Signature`.
/// `version` is the API's: DMS's, or STS's (2015-04-01) for the credentials chain in Node.
pub fn sign_rpc_post(credentials: &Credentials, endpoint: &str, (version, action): (&str, &str), params: Vec<(&str, &str)>, timestamp: &str, nonce: &str) -> SignedRequest {
    let (mut body, string_to_sign) = v1_canonical("POST", credentials, (version, action), params, timestamp, nonce);
    body.push_str("&Signature=");
    push_rpc_signature(&mut body, credentials.v1_key(), &string_to_sign);
    SignedRequest { method: "POST", url: endpoint.into(), headers: vec![("content-type", FORM_CONTENT_TYPE.into())], body }
}

/// A presigned V1 GET: the whole request is the URL (for `curl` or a console link).
pub fn sign_rpc_get(credentials: &Credentials, endpoint: &str, action: &str, params: Vec<(&str, &str)>, timestamp: &str, nonce: &str) -> SignedRequest {
    let (canonical, string_to_sign) = v1_canonical("GET", credentials, (API_VERSION, action), params, timestamp, nonce);
    let mut url = String::with_capacity(endpoint.len() + canonical.len() + 96);
    url.push_str(endpoint);
    url.push('?');
    url.push_str(&canonical);
    url.push_str("&Signature=");
    push_rpc_signature(&mut url, credentials.v1_key(), &string_to_sign);
    SignedRequest { method: "GET", url, headers: Vec::new(), body: String::new() }
}

/// An ACS3-HMAC-SHA256 request: operation parameters in the query, an empty body, the
/// common values in `x-acs-*` headers and the signature in `authorization`.
#[allow(clippy::too_many_arguments)]
pub fn sign_acs3(credentials: &Credentials, endpoint: &str, host: &str, action: &str, query: Vec<(&str, &str)>, timestamp: &str, nonce: &str, method: &'static str) -> SignedRequest {
    // Rebound so its borrows may be as short as the locals signed with it.
    let mut query: Vec<(&str, &str)> = query;
    let body_hash = crate::signing::v3::sha256_hex(b"");
    let mut acs_headers: Vec<(&str, &str)> = vec![
        ("x-acs-action", action),
        ("x-acs-version", API_VERSION),
        ("x-acs-date", timestamp),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-content-sha256", &body_hash),
    ];
    if let Some(token) = &credentials.security_token {
        acs_headers.push(("x-acs-security-token", token));
    }
    let signed = crate::signing::v3::sign_v3(crate::signing::v3::V3Input {
        method,
        host,
        query: &mut query,
        acs_headers: &mut acs_headers,
        body: b"",
        access_key_id: &credentials.access_key_id,
        access_key_secret: &credentials.access_key_secret,
    });
    let mut url = String::from(endpoint);
    if !signed.canonical_query.is_empty() {
        url.push('?');
        url.push_str(&signed.canonical_query);
    }
    let names = ["x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-security-token"];
    let mut headers: Vec<(&'static str, String)> = Vec::with_capacity(8);
    for name in names {
        if let Some((_, value)) = acs_headers.iter().find(|(n, _)| *n == name) {
            headers.push((name, (*value).to_owned()));
        }
    }
    headers.push(("authorization", signed.authorization));
    SignedRequest { method, url, headers, body: String::new() }
}

/// What comes before the first `/` (all of `rest` when there is none).
fn authority(rest: &str) -> &str {
    rest.get(..rest.bytes().position(|b| b == b'/').unwrap_or(rest.len())).unwrap_or("")
}

/// The `signingHost` option: a host name with an optional port, as DMS sees it over https
/// (`dms-enterprise.aliyuncs.com`), lower-cased, `:443` dropped.
fn signing_host_option(host: &str) -> Result<String, DmsError> {
    if host.bytes().any(|b| matches!(b, b'/' | b'@' | b'?' | b'#' | b'\\')) {
        return Err(DmsError::invalid("signingHost must be a host name with an optional port, such as dms-enterprise.aliyuncs.com (no scheme or path)".into()));
    }
    Ok(endpoint_host(&concat(&["https://", host, "/"])))
}

/// `host[:port]` as an HTTP client sends it for `endpoint`: default ports left out.
pub fn endpoint_host(endpoint: &str) -> String {
    let (rest, default_port) = match crate::text::find(endpoint, "://") {
        Some(at) if endpoint.get(..at) == Some("https") => (endpoint.get(at + 3..).unwrap_or(""), ":443"),
        Some(at) => (endpoint.get(at + 3..).unwrap_or(""), ":80"),
        None => (endpoint, ":443"),
    };
    let authority = authority(rest).to_ascii_lowercase();
    authority.strip_suffix(default_port).map(str::to_owned).unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn options<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<Entry<'a>> {
        pairs.iter().map(|(k, v)| (Cow::Borrowed(*k), Value::String(Cow::Borrowed(*v)))).collect()
    }

    #[test]
    fn endpoints() {
        assert_eq!(resolve_endpoint(None, None, false).unwrap(), "https://dms-enterprise.aliyuncs.com/");
        assert_eq!(resolve_endpoint(None, Some("cn-hangzhou"), false).unwrap(), "https://dms-enterprise.cn-hangzhou.aliyuncs.com/");
        assert_eq!(resolve_endpoint(None, Some("cn-hangzhou"), true).unwrap(), "https://dms-enterprise-vpc.cn-hangzhou.aliyuncs.com/");
        assert_eq!(resolve_endpoint(Some("http://127.0.0.1:8080"), Some("cn-hangzhou"), true).unwrap(), "http://127.0.0.1:8080/");
        assert_eq!(resolve_endpoint(Some("https://admin.example.com/api/dms"), None, false).unwrap(), "https://admin.example.com/api/dms/");
        assert_eq!(resolve_endpoint(Some("https://admin.example.com/api/dms//"), None, false).unwrap(), "https://admin.example.com/api/dms/");
        assert_eq!(resolve_endpoint(Some("dms-enterprise.aliyuncs.com"), None, false).unwrap(), "https://dms-enterprise.aliyuncs.com/");
        assert_eq!(resolve_endpoint(Some("HTTPS://Example.com"), None, false).unwrap(), "https://Example.com/");
        assert_eq!(resolve_endpoint(Some("https://x.example"), Some("mars-1"), false).unwrap(), "https://x.example/");
        for bad in ["ftp://x", "https://", "https:///path", "https://x/?a=1", "https://x#f", "https://u:p@x/"] {
            let err = resolve_endpoint(Some(bad), None, false).unwrap_err();
            assert_eq!(err.code, "InvalidParameter", "{bad}");
            assert!(err.message.starts_with("endpoint must be"), "{bad}");
        }
        for bad in ["CN-HANGZHOU", "cn_hangzhou", "cn-hangzhou.evil.com/", "ap-southeast-2", "mars-1", ""] {
            let err = resolve_endpoint(None, Some(bad), false).unwrap_err();
            assert!(err.message.contains("has no known DMS endpoint; known: cn-qingdao, cn-beijing,"), "{bad}: {}", err.message);
        }
        assert!(resolve_endpoint(None, None, true).unwrap_err().message.starts_with("network: \"vpc\" needs a regionId"));
    }

    fn static_credentials(config: &ClientConfig) -> Result<&Credentials, DmsError> {
        match config.credential_source()? {
            CredentialSource::Static(credentials) => Ok(credentials),
            CredentialSource::Provider => panic!("expected static credentials"),
        }
    }

    #[test]
    fn missing_credentials_are_reported_per_call() {
        let config = ClientConfig::from_options(&options(&[("accessKeyId", "id")]), false).unwrap();
        let err = static_credentials(&config).err().unwrap();
        assert_eq!(err.code, "MissingCredentials");
        assert_eq!(err.message, "accessKeySecret is missing (accessKeyId was given)");
        let config = ClientConfig::from_options(&[], false).unwrap();
        assert_eq!(static_credentials(&config).err().unwrap().code, "MissingCredentials");
        assert_eq!(config.credentials_description(), "missing");
        let config = ClientConfig::from_options(&[], true).unwrap();
        assert!(matches!(config.credential_source(), Ok(CredentialSource::Provider)));
        assert_eq!(config.credentials_description(), "from a function");
        let err = ClientConfig::from_options(&options(&[("accessKeyId", "id")]), true).unwrap_err();
        assert_eq!(err.message, "pass either a credentials function or accessKeyId/accessKeySecret/securityToken, not both");
    }

    #[test]
    fn option_errors_never_quote_the_secret() {
        let err = ClientConfig::from_options(&options(&[("accessKeyId", "id"), ("accessKeySecret", " s3cr3t-value ")]), false).unwrap_err();
        assert!(err.message.starts_with("accessKeySecret must not contain"), "{}", err.message);
        assert!(!err.message.contains("s3cr3t"));
        let err = ClientConfig::from_options(&options(&[("accessKeyID", "id")]), false).unwrap_err();
        assert!(err.message.starts_with("unknown client option 'accessKeyID'; allowed: accessKeyId,"));
        let bad_type = vec![("accessKeySecret".into(), Value::Number(1.0))];
        assert_eq!(ClientConfig::from_options(&bad_type, false).unwrap_err().message, "accessKeySecret must be a string; got a number");
    }

    #[test]
    fn retry_and_timeout_options() {
        let config = ClientConfig::from_options(&[], false).unwrap();
        assert_eq!(config.retry, RetryPolicy { max_attempts: 3, base_delay_ms: 200, max_delay_ms: 5_000 });
        assert_eq!(config.timeout_ms, 30_000);
        let numbers = |pairs: &[(&'static str, f64)]| pairs.iter().map(|(k, v)| ((*k).into(), Value::Number(*v))).collect::<Vec<Entry>>();
        let config = ClientConfig::from_options(&numbers(&[("maxAttempts", 5.0), ("retryBaseDelayMs", 0.0), ("retryMaxDelayMs", 100.0), ("timeoutMs", 1.0)]), false).unwrap();
        assert_eq!(config.retry, RetryPolicy { max_attempts: 5, base_delay_ms: 0, max_delay_ms: 100 });
        assert_eq!(config.timeout_ms, 1);
        for (name, value) in [("maxAttempts", 0.0), ("maxAttempts", 11.0), ("maxAttempts", 1.5), ("timeoutMs", 0.0), ("timeoutMs", f64::INFINITY), ("retryBaseDelayMs", -1.0)] {
            let err = ClientConfig::from_options(&numbers(&[(name, value)]), false).unwrap_err();
            assert!(err.message.starts_with(&format!("{name} must be an integer from ")), "{}", err.message);
        }
    }

    #[test]
    fn credentials_from_a_function() {
        let entries = |pairs: &[(&'static str, Value<'static>)]| pairs.iter().map(|(k, v)| ((*k).into(), v.clone())).collect::<Vec<Entry>>();
        let s = |text: &'static str| Value::String(text.into());
        let (credentials, expires) = provided_credentials(&entries(&[
            ("accessKeyId", s("STS.id")),
            ("accessKeySecret", s("secret")),
            ("securityToken", s("token")),
            ("expiration", s("2026-11-22T20:00:00Z")),
        ]))
        .unwrap();
        assert_eq!(credentials.security_token.as_deref(), Some("token"));
        assert_eq!(expires, Some(1_795_377_600_000.0 - 60_000.0));
        let (_, expires) = provided_credentials(&entries(&[("accessKeyId", s("id")), ("accessKeySecret", s("k")), ("expiration", Value::Number(1000.0))])).unwrap();
        assert_eq!(expires, Some(1000.0 - 60_000.0));
        let err = provided_credentials(&entries(&[("accessKeyId", s("id"))])).err().unwrap();
        assert_eq!((err.code.as_str(), err.message.as_str()), ("MissingCredentials", "the credentials function returned no accessKeySecret"));
        let err = provided_credentials(&entries(&[("accessKeyId", s("id")), ("accessKeySecret", s("k")), ("expiration", s("tomorrow"))])).err().unwrap();
        assert!(err.message.starts_with("credentials().expiration must be"));
    }

    #[test]
    fn signing_host_signs_for_the_real_host_behind_a_proxy() {
        let credentials = Credentials::new("testid".into(), "testsecret".into(), None);
        let params = [("DagId", "7".to_string())];
        let config = |pairs: &[(&str, &str)]| ClientConfig::from_options(&options(pairs), false).unwrap();
        let direct = config(&[("endpoint", "https://dms-enterprise.aliyuncs.com"), ("signatureVersion", "v3")]);
        let proxied = config(&[("endpoint", "https://admin.example.com/api/dms"), ("signatureVersion", "v3"), ("signingHost", "DMS-Enterprise.aliyuncs.com:443")]);
        assert_eq!((direct.signing_host.as_str(), proxied.signing_host.as_str()), ("dms-enterprise.aliyuncs.com", "dms-enterprise.aliyuncs.com"));
        let a = direct.sign_as(&credentials, "StopTaskFlowInstance", &params, "2023-10-26T10:22:32Z", "n", "POST");
        let b = proxied.sign_as(&credentials, "StopTaskFlowInstance", &params, "2023-10-26T10:22:32Z", "n", "POST");
        assert_eq!(a.headers, b.headers, "the same signature");
        assert_eq!(b.url, "https://admin.example.com/api/dms/?DagId=7");
        let unsigned = config(&[("endpoint", "https://admin.example.com/api/dms"), ("signatureVersion", "v3")]);
        assert_eq!(unsigned.signing_host, "admin.example.com");
        assert_ne!(unsigned.sign_as(&credentials, "StopTaskFlowInstance", &params, "2023-10-26T10:22:32Z", "n", "POST").headers, a.headers);
        assert_eq!(config(&[("signingHost", "h:8443")]).signing_host, "h:8443");
        for bad in ["https://dms-enterprise.aliyuncs.com", "h/x", "user@h", ""] {
            assert!(ClientConfig::from_options(&options(&[("signingHost", bad)]), false).is_err(), "{bad}");
        }
    }

    #[test]
    fn rpc_posts_for_another_api_version() {
        let credentials = Credentials::new("testid".into(), "testsecret".into(), None);
        let params = [("RoleArn", "acs:ram::1:role/r".to_string())];
        let sts = sign_rpc_post(&credentials, "https://sts.aliyuncs.com/", ("2015-04-01", "AssumeRole"), param_pairs(&params), "2023-10-26T10:22:32Z", "n");
        let (canonical, signature) = sts.body.rsplit_once("&Signature=").unwrap();
        assert!(canonical.contains("&Version=2015-04-01") && canonical.contains("Action=AssumeRole&"), "{canonical}");
        let expected = crate::signing::v1::rpc_signature("testsecret", &format!("POST&%2F&{}", crate::signing::encode::percent_encode(canonical)));
        assert_eq!(signature, crate::signing::encode::percent_encode(&expected));
    }

    #[test]
    fn presigned_get_and_v3_requests() {
        let credentials = Credentials::new("testid".into(), "testsecret".into(), Some("tok".into()));
        let params = [("DagId", "7".to_string())];
        let get = sign_rpc_get(&credentials, "https://dms-enterprise.aliyuncs.com/", "StopTaskFlowInstance", param_pairs(&params), "2023-10-26T10:22:32Z", "n1");
        assert_eq!(get.method, "GET");
        assert!(get.headers.is_empty() && get.body.is_empty());
        let (base, query) = get.url.split_once('?').unwrap();
        assert_eq!(base, "https://dms-enterprise.aliyuncs.com/");
        let (canonical, signature) = query.rsplit_once("&Signature=").unwrap();
        assert!(canonical.contains("&SecurityToken=tok&"));
        let expected = crate::signing::v1::rpc_signature("testsecret", &format!("GET&%2F&{}", crate::signing::encode::percent_encode(canonical)));
        assert_eq!(signature, crate::signing::encode::percent_encode(&expected));

        let v3 = sign_acs3(&credentials, "http://127.0.0.1:8080/api/dms/", "127.0.0.1:8080", "StopTaskFlowInstance", param_pairs(&params), "2023-10-26T10:22:32Z", "n2", "POST");
        assert_eq!(v3.url, "http://127.0.0.1:8080/api/dms/?DagId=7");
        let names: Vec<_> = v3.headers.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-security-token", "authorization"]);
        assert!(v3.headers[6].1.starts_with("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature="));
        assert_eq!(endpoint_host("https://Dms.Example.com:443/x/"), "dms.example.com");
        assert_eq!(endpoint_host("http://127.0.0.1:80/"), "127.0.0.1");
        assert_eq!(endpoint_host("https://h:8443/"), "h:8443");
    }

    #[test]
    fn signed_post_matches_an_independent_computation() {
        let config = ClientConfig::from_options(
            &options(&[("accessKeyId", "testid"), ("accessKeySecret", "testsecret"), ("endpoint", "https://admin.example.com/api/dms")]),
            false,
        )
        .unwrap();
        let credentials = static_credentials(&config).unwrap();
        let params = [("DagId", "7".into()), ("DagInstanceId", "47".into()), ("Tid", "3".into())];
        let request = config.sign(credentials, "StopTaskFlowInstance", &params, "2023-10-26T10:22:32Z", "3156853299f313e23d1673dc12e1703d");
        assert_eq!(request.method, "POST");
        assert_eq!(request.url, "https://admin.example.com/api/dms/");
        assert_eq!(request.headers, [("content-type", "application/x-www-form-urlencoded".to_string())]);
        // Signature computed independently with Python:
        //   base64(hmac.new(b"testsecret&", ("POST&%2F&" + quote(canonical, safe="~")).encode(), sha1))
        assert_eq!(
            request.body,
            "AccessKeyId=testid&Action=StopTaskFlowInstance&DagId=7&DagInstanceId=47&Format=JSON&SignatureMethod=HMAC-SHA1\
             &SignatureNonce=3156853299f313e23d1673dc12e1703d&SignatureVersion=1.0&Tid=3&Timestamp=2023-10-26T10%3A22%3A32Z\
             &Version=2018-11-01&Signature=KTYcM%2FjbJejLw4UUT4294Ox5xec%3D"
        );
    }
}
