//! Every published vector of `../shared/reference/dms-api.md` (copied here verbatim).

use dms_taskflow::signing::encode::percent_encode;
use dms_taskflow::signing::v1::{canonical_and_string_to_sign, hmac_sha1_base64, rpc_signature};

#[test]
fn hmac_sha1_primitive_vectors() {
    assert_eq!(hmac_sha1_base64(b"secret", "source".as_bytes()), "Jv4yi8SobFhg5t1C7nWLbhBSFZQ=");
    assert_eq!(hmac_sha1_base64(b"secret", "中文unicode".as_bytes()), "szlfHs3WVaO/HgY3Cg7/uyXDaRw=");
    assert_eq!(hmac_sha1_base64(b"secret", "stringtosign".as_bytes()), "OmuTAr79tpI6CRoAdmzKRq5lHs0=");
}

#[test]
fn vendor_doc_describe_regions_example() {
    let mut params = [
        ("Timestamp", "2016-02-23T12:46:24Z"),
        ("Format", "XML"),
        ("AccessKeyId", "testid"),
        ("Action", "DescribeRegions"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("Version", "2014-05-26"),
        ("SignatureVersion", "1.0"),
    ];
    let (canonical, string_to_sign) = canonical_and_string_to_sign("GET", &mut params);
    assert!(canonical.starts_with("AccessKeyId=testid&Action=DescribeRegions&Format=XML&"));
    assert_eq!(
        string_to_sign,
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    );
    assert_eq!(rpc_signature("testsecret", &string_to_sign), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

#[test]
fn vendor_util_vector_empty_method() {
    let mut params = [("test", "ok")];
    let (_, string_to_sign) = canonical_and_string_to_sign("", &mut params);
    assert_eq!(rpc_signature("accessKeySecret", &string_to_sign), "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
}

#[test]
fn vendor_util_vector_get() {
    let mut params = [("query", "test"), ("body", "test")];
    let (_, string_to_sign) = canonical_and_string_to_sign("GET", &mut params);
    assert_eq!(rpc_signature("secret", &string_to_sign), "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
}

#[test]
fn encoding_vectors() {
    assert_eq!(percent_encode("a b*c~d!'()+/:"), "a%20b%2Ac~d%21%27%28%29%2B%2F%3A");
    assert_eq!(percent_encode("中"), "%E4%B8%AD");
}
