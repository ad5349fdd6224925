//! Client configuration and the signed request: a pure function of credentials, endpoint,
//! operation parameters, timestamp and nonce, returning exactly what to send.

use crate::encode::percent_encode_into;
use crate::error::{codes, concat, DmsError};
use crate::params::{excerpt, Value};
use crate::sign::{canonical_query, rpc_signature, rpc_string_to_sign};

pub const API_VERSION: &str = "2018-11-01";
pub const DEFAULT_ENDPOINT: &str = "https://dms-enterprise.aliyuncs.com/";
/// The only header sent: it keeps a browser call a CORS "simple request" (no preflight).
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Client option names, in the order documented. `fetch` is handled by the JS binding.
pub const OPTION_NAMES: [&str; 6] = ["accessKeyId", "accessKeySecret", "securityToken", "endpoint", "regionId", "fetch"];

/// Access key credentials. Not `Debug`: nothing can print the secret by accident.
#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: Option<String>,
}

/// Everything a client needs to sign a request, validated once at construction.
#[derive(Clone)]
pub struct ClientConfig {
    credentials: Result<Credentials, &'static str>,
    /// The URL requests go to, always ending in `/`.
    pub endpoint: String,
}

/// What to send: method, URL, the one content-type header, and the form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub method: &'static str,
    pub url: String,
    pub content_type: &'static str,
    pub body: String,
}

// Shows where the client sends and whether it has credentials, never the credentials.
impl core::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoint", &self.endpoint)
            .field("has_credentials", &self.credentials.is_ok())
            .finish()
    }
}

impl ClientConfig {
    /// Builds a configuration from client options (`OPTION_NAMES` minus `fetch`). Missing
    /// credentials are not an error here: each call reports `MissingCredentials` instead,
    /// so the constructor and the one-shot functions behave alike.
    pub fn from_options(options: &[(String, Value)]) -> Result<ClientConfig, DmsError> {
        for (key, _) in options {
            if !OPTION_NAMES.contains(&key.as_str()) {
                return Err(DmsError::invalid(concat(&[
                    "unknown client option '",
                    &excerpt(key),
                    "'; allowed: accessKeyId, accessKeySecret, securityToken, endpoint, regionId, fetch",
                ])));
            }
        }
        let get = |name: &str| options.iter().find(|(key, _)| key == name).map(|(_, value)| value);
        let access_key_id = optional_text(get("accessKeyId"), "accessKeyId", true)?;
        let access_key_secret = optional_text(get("accessKeySecret"), "accessKeySecret", false)?;
        let security_token = optional_text(get("securityToken"), "securityToken", false)?;
        let endpoint = resolve_endpoint(
            optional_text(get("endpoint"), "endpoint", true)?.as_deref(),
            optional_text(get("regionId"), "regionId", true)?.as_deref(),
        )?;
        let credentials = match (access_key_id, access_key_secret) {
            (Some(access_key_id), Some(access_key_secret)) => Ok(Credentials { access_key_id, access_key_secret, security_token }),
            (None, None) => Err("no credentials: pass accessKeyId and accessKeySecret"),
            (None, Some(_)) => Err("accessKeyId is missing (accessKeySecret was given)"),
            (Some(_), None) => Err("accessKeySecret is missing (accessKeyId was given)"),
        };
        Ok(ClientConfig { credentials, endpoint })
    }

    /// The credentials, or the `MissingCredentials` error.
    pub fn credentials(&self) -> Result<&Credentials, DmsError> {
        self.credentials
            .as_ref()
            .map_err(|why| DmsError::client(codes::MISSING_CREDENTIALS, (*why).into()))
    }

    /// Strings an error message from the server must never show (see `response`).
    pub fn sensitive(&self) -> Vec<&str> {
        match &self.credentials {
            Ok(c) => {
                let mut out = vec![c.access_key_id.as_str(), c.access_key_secret.as_str()];
                out.extend(c.security_token.as_deref());
                out
            }
            Err(_) => Vec::new(),
        }
    }

    /// Signs `action` with its (already validated) wire parameters.
    pub fn sign(&self, action: &str, params: &[(&str, String)], timestamp: &str, nonce: &str) -> Result<SignedRequest, DmsError> {
        let credentials = self.credentials()?;
        Ok(sign_rpc_post(credentials, &self.endpoint, action, params, timestamp, nonce))
    }
}

/// A string option: absent (undefined) or a non-blank string without control characters or
/// (where `no_spaces`) spaces. Messages never quote the value: it may be a secret.
fn optional_text(value: Option<&Value>, name: &str, no_spaces: bool) -> Result<Option<String>, DmsError> {
    match value {
        None | Some(Value::Undefined) => Ok(None),
        Some(Value::String(text)) => {
            if text.trim().is_empty() {
                Err(DmsError::invalid(concat(&[name, " must be a non-empty string; got ", if text.is_empty() { "an empty string" } else { "a blank string" }])))
            } else if text.chars().any(|c| c.is_control() || (no_spaces && c.is_whitespace())) || text.trim() != text {
                Err(DmsError::invalid(concat(&[name, " must not contain whitespace or control characters"])))
            } else {
                Ok(Some(text.clone()))
            }
        }
        Some(other) => Err(DmsError::invalid(concat(&[name, " must be a string; got ", &crate::params::describe(other)]))),
    }
}

/// The URL to send to: `endpoint` (any http(s) URL, path prefix kept) wins over `regionId`,
/// which wins over the central default endpoint.
pub fn resolve_endpoint(endpoint: Option<&str>, region_id: Option<&str>) -> Result<String, DmsError> {
    if let Some(endpoint) = endpoint {
        return normalize_endpoint(endpoint);
    }
    if let Some(region) = region_id {
        let valid = region.len() <= 40 && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid || region.is_empty() || region.starts_with('-') || region.ends_with('-') {
            return Err(DmsError::invalid(concat(&[
                "regionId must look like cn-hangzhou (lower-case letters, digits and hyphens); got \"",
                &excerpt(region),
                "\"",
            ])));
        }
        return Ok(concat(&["https://dms-enterprise.", region, ".aliyuncs.com/"]));
    }
    Ok(DEFAULT_ENDPOINT.into())
}

fn normalize_endpoint(endpoint: &str) -> Result<String, DmsError> {
    let refuse = |why: &str| DmsError::invalid(concat(&["endpoint must be an http(s) URL such as https://dms-enterprise.aliyuncs.com; ", why]));
    let lower = endpoint.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https://", endpoint.get(8..).unwrap_or(""))
    } else if lower.starts_with("http://") {
        ("http://", endpoint.get(7..).unwrap_or(""))
    } else if lower.contains("://") {
        return Err(refuse("only http and https are supported"));
    } else {
        // A bare host name, as the vendor's docs write endpoints.
        ("https://", endpoint)
    };
    if rest.contains(['?', '#']) {
        return Err(refuse("it must not have a query or fragment"));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(refuse("the host is missing"));
    }
    if host.contains('@') {
        return Err(refuse("it must not carry user credentials"));
    }
    let mut url = String::with_capacity(endpoint.len() + 9);
    url.push_str(scheme);
    url.push_str(rest.trim_end_matches('/'));
    url.push('/');
    Ok(url)
}

/// Signs an RPC request sent as a form POST: every parameter, common ones included, goes in
/// the body in canonical order, followed by `Signature`.
pub fn sign_rpc_post(
    credentials: &Credentials,
    endpoint: &str,
    action: &str,
    params: &[(&str, String)],
    timestamp: &str,
    nonce: &str,
) -> SignedRequest {
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 9);
    all.extend([
        ("AccessKeyId", credentials.access_key_id.as_str()),
        ("Action", action),
        ("Format", "JSON"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
        ("Version", API_VERSION),
    ]);
    if let Some(token) = &credentials.security_token {
        all.push(("SecurityToken", token));
    }
    all.extend(params.iter().map(|(name, value)| (*name, value.as_str())));
    let mut body = canonical_query(&mut all);
    let signature = rpc_signature(&credentials.access_key_secret, &rpc_string_to_sign("POST", &body));
    body.push_str("&Signature=");
    percent_encode_into(&mut body, &signature);
    SignedRequest { method: "POST", url: endpoint.into(), content_type: FORM_CONTENT_TYPE, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &[(&str, &str)]) -> Vec<(String, Value)> {
        pairs.iter().map(|(k, v)| ((*k).into(), Value::String((*v).into()))).collect()
    }

    #[test]
    fn endpoints() {
        assert_eq!(resolve_endpoint(None, None).unwrap(), "https://dms-enterprise.aliyuncs.com/");
        assert_eq!(resolve_endpoint(None, Some("cn-hangzhou")).unwrap(), "https://dms-enterprise.cn-hangzhou.aliyuncs.com/");
        assert_eq!(resolve_endpoint(Some("http://127.0.0.1:8080"), Some("cn-hangzhou")).unwrap(), "http://127.0.0.1:8080/");
        assert_eq!(resolve_endpoint(Some("https://admin.example.com/api/dms"), None).unwrap(), "https://admin.example.com/api/dms/");
        assert_eq!(resolve_endpoint(Some("https://admin.example.com/api/dms//"), None).unwrap(), "https://admin.example.com/api/dms/");
        assert_eq!(resolve_endpoint(Some("dms-enterprise.aliyuncs.com"), None).unwrap(), "https://dms-enterprise.aliyuncs.com/");
        assert_eq!(resolve_endpoint(Some("HTTPS://Example.com"), None).unwrap(), "https://Example.com/");
        for bad in ["ftp://x", "https://", "https:///path", "https://x/?a=1", "https://x#f", "https://u:p@x/"] {
            let err = resolve_endpoint(Some(bad), None).unwrap_err();
            assert_eq!(err.code, "InvalidParameter", "{bad}");
            assert!(err.message.starts_with("endpoint must be"), "{bad}");
        }
        for bad in ["CN-HANGZHOU", "cn_hangzhou", "cn-hangzhou.evil.com/", "-x", ""] {
            assert!(resolve_endpoint(None, Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn missing_credentials_are_reported_per_call() {
        let config = ClientConfig::from_options(&options(&[("accessKeyId", "id")])).unwrap();
        let err = config.sign("StopTaskFlowInstance", &[], "2023-10-26T10:22:32Z", "n").unwrap_err();
        assert_eq!(err.code, "MissingCredentials");
        assert_eq!(err.message, "accessKeySecret is missing (accessKeyId was given)");
        let config = ClientConfig::from_options(&[]).unwrap();
        assert_eq!(config.credentials().err().unwrap().code, "MissingCredentials");
    }

    #[test]
    fn option_errors_never_quote_the_secret() {
        let err = ClientConfig::from_options(&options(&[("accessKeyId", "id"), ("accessKeySecret", " s3cr3t-value ")])).unwrap_err();
        assert!(err.message.starts_with("accessKeySecret must not contain"), "{}", err.message);
        assert!(!err.message.contains("s3cr3t"));
        let err = ClientConfig::from_options(&options(&[("accessKeyID", "id")])).unwrap_err();
        assert!(err.message.starts_with("unknown client option 'accessKeyID'; allowed: accessKeyId,"));
        let bad_type = vec![("accessKeySecret".to_string(), Value::Number(1.0))];
        assert_eq!(ClientConfig::from_options(&bad_type).unwrap_err().message, "accessKeySecret must be a string; got a number");
    }

    #[test]
    fn signed_post_matches_an_independent_computation() {
        let config = ClientConfig::from_options(&options(&[
            ("accessKeyId", "testid"),
            ("accessKeySecret", "testsecret"),
            ("endpoint", "https://admin.example.com/api/dms"),
        ]))
        .unwrap();
        let request = config
            .sign("StopTaskFlowInstance", &[("DagId", "7".into()), ("DagInstanceId", "47".into()), ("Tid", "3".into())], "2023-10-26T10:22:32Z", "3156853299f313e23d1673dc12e1703d")
            .unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.url, "https://admin.example.com/api/dms/");
        assert_eq!(request.content_type, "application/x-www-form-urlencoded");
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
