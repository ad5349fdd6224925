//! The vendor's current signature, ACS3-HMAC-SHA256 (`signatureVersion: "v3"`), as a pure
//! function of what is sent. Operation parameters travel in the query string, the body is
//! empty, and the signature covers host, every `x-acs-*` header and the body's hash.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// What V3 signs besides the query: lower-case header names with their values.
pub struct V3Input<'s, 'a> {
    pub method: &'a str,
    /// `host[:port]` as the server receives it.
    pub host: &'a str,
    /// Query parameters (unsorted; sorted here).
    pub query: &'s mut [(&'a str, &'a str)],
    /// `x-acs-*` headers (lower-case names), sorted here together with `host`.
    pub acs_headers: &'s mut [(&'a str, &'a str)],
    pub body: &'a [u8],
    pub access_key_id: &'a str,
    pub access_key_secret: &'a str,
}

/// What V3 produced: the canonical query to put in the URL, and the `Authorization` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Signature {
    pub canonical_query: String,
    pub canonical_request_hash: String,
    pub signature: String,
    pub signed_headers: String,
    pub authorization: String,
}

/// Lower-case hex, as V3 writes hashes and signatures (and nonces are written).
pub fn hex(bytes: &[u8]) -> String {
    // Into a buffer of exactly the hex length: `encode_str` cannot fail then, and unlike
    // `encode_string` it has no `expect` that would link panic formatting.
    let mut buffer = vec![0u8; bytes.len() * 2];
    base16ct::lower::encode_str(bytes, &mut buffer).map(str::to_owned).unwrap_or_default()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// HMAC-SHA256 of `data` under `key`, in hex.
fn hmac_sha256_hex(key: &[u8], data: &[u8]) -> String {
    let mut mac: Hmac<Sha256> = super::keyed_hmac(key);
    mac.update(data);
    hex(&mac.finalize().into_bytes())
}

pub fn sign_v3(input: V3Input<'_, '_>) -> V3Signature {
    let canonical_query = super::canonical_query(input.query);
    let body_hash = sha256_hex(input.body);
    super::sort_by_name(input.acs_headers);
    // `host` sorts before every `x-acs-*` name.
    let mut canonical_headers = String::new();
    let mut signed_headers = String::from("host");
    canonical_headers.push_str("host:");
    canonical_headers.push_str(input.host.trim());
    canonical_headers.push('\n');
    for (name, value) in input.acs_headers.iter() {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value.trim());
        canonical_headers.push('\n');
        signed_headers.push(';');
        signed_headers.push_str(name);
    }
    let mut canonical_request = String::new();
    for part in [input.method, "/", &canonical_query, &canonical_headers, &signed_headers] {
        canonical_request.push_str(part);
        canonical_request.push('\n');
    }
    canonical_request.push_str(&body_hash);
    let canonical_request_hash = sha256_hex(canonical_request.as_bytes());
    let mut string_to_sign = String::from(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(&canonical_request_hash);
    let signature = hmac_sha256_hex(input.access_key_secret.as_bytes(), string_to_sign.as_bytes());
    let mut authorization = String::from(ALGORITHM);
    for part in [" Credential=", input.access_key_id, ",SignedHeaders=", &signed_headers, ",Signature=", &signature] {
        authorization.push_str(part);
    }
    V3Signature { canonical_query, canonical_request_hash, signature, signed_headers, authorization }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body_hash() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    /// The vendor documentation's vector (dms-api.md).
    #[test]
    fn published_vector() {
        let body_hash = sha256_hex(b"");
        let signed = sign_v3(V3Input {
            method: "POST",
            host: "ecs.cn-shanghai.aliyuncs.com",
            query: &mut [("RegionId", "cn-shanghai"), ("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd")],
            acs_headers: &mut [
                ("x-acs-version", "2014-05-26"),
                ("x-acs-action", "RunInstances"),
                ("x-acs-date", "2023-10-26T10:22:32Z"),
                ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
                ("x-acs-content-sha256", &body_hash),
            ],
            body: b"",
            access_key_id: "YourAccessKeyId",
            access_key_secret: "YourAccessKeySecret",
        });
        assert_eq!(signed.signed_headers, "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version");
        assert_eq!(signed.canonical_request_hash, "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
        assert_eq!(signed.signature, "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
        assert_eq!(
            signed.authorization,
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
        assert_eq!(signed.canonical_query, "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai");
    }
}
