//! Native timing of what the wasm build runs for `signRequest`, on the same
//! StopTaskFlowInstance request (fixed timestamp and nonce) as bench/signing.mjs:
//!
//! - `sign_rpc_post`: the signer alone, given parameters already checked;
//! - the whole packed path `signPackedIo` runs (src/wasm/api.rs), in wasm memory's place a
//!   buffer: read the packed text from it (UTF-8 check, `sign_request::sign_packed`: parse,
//!   reuse the last call's configuration and operation, validate, sign) and write the
//!   packed request back into it. With the JS crossing measured on its own (the
//!   `crossingFloor` contender), this says how fast `signRequest` could be if the module
//!   ran at native speed.
//!
//!   cargo bench --bench sign [-- --rounds N --ms M]
//!
//! Prints one JSON object on stdout: ns/op of every round, their median, min and max, for
//! each, and each one's signed body (bench/run.mjs checks both are `signRequest`'s bytes).
//! Built with the `bench` profile, which inherits `release`; bench/run.mjs sets the
//! opt-level of the wasm Node loads and turns on `portable-sha1`, so that sha1 runs the
//! portable code the wasm runs rather than the CPU's SHA instructions (about 0.25 µs less
//! per request on this machine's Xeon). `harness = false`: no libtest, no criterion, only `Instant`.

// The crate's error type, as the library allows it (src/lib.rs says why).
#![allow(clippy::result_large_err)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use dms_taskflow::packed::write_packed_request;
use dms_taskflow::request::{param_pairs, sign_rpc_post, Credentials, SignedRequest};
use dms_taskflow::sign_request::{sign_packed, LastCall};

const ENDPOINT: &str = "https://dms-enterprise.aliyuncs.com/";
const ACTION: &str = "StopTaskFlowInstance";
const TIMESTAMP: &str = "2023-10-26T10:22:32Z";
const NONCE: &str = "3156853299f313e23d1673dc12e1703d";

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn sign(credentials: &Credentials, params: &[(&str, String)]) -> SignedRequest {
    sign_rpc_post(
        black_box(credentials),
        black_box(ENDPOINT),
        black_box(ACTION),
        param_pairs(black_box(params)),
        black_box(TIMESTAMP),
        black_box(NONCE),
    )
}

/// What js/packed.mjs makes of bench/signing.mjs's arguments (`pack(options, ACTION,
/// PARAMS, SIGNING)`): the action, then options, params and signing options, each as
/// `\0count(\0key\0tag value)*` (src/packed.rs).
const PACKED: &str = concat!(
    "StopTaskFlowInstance",
    "\x002\0accessKeyId\0stestid\0accessKeySecret\0stestsecret",
    "\x003\0DagId\0s7\0DagInstanceId\0s47\0Tid\0s3",
    "\x002\0timestamp\0s2023-10-26T10:22:32Z\0nonce\0s3156853299f313e23d1673dc12e1703d",
);

/// The packed-call buffer's size in src/wasm/api.rs.
const PACKED_IO_BYTES: usize = 1 << 16;

/// One `signPackedIo` on `io`, which holds the packed text in its first `len` bytes: the
/// request's length, written at its start.
fn sign_packed_io(io: &mut [u8], len: usize, last: &mut LastCall) -> usize {
    let given = "the packed arguments give the timestamp and nonce";
    let text = io.get(..len).and_then(dms_taskflow::text::utf8).expect("packed text");
    let request = sign_packed(text, last, || unreachable!("{given}"), || unreachable!("{given}")).expect("signed");
    write_packed_request(&request, io).expect("fits")
}

/// Times `iterations` runs of `f` and returns the elapsed time.
fn batch(iterations: u64, mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..iterations {
        f();
    }
    started.elapsed()
}

/// Calibrates `f` to about `target` per round, runs one warm-up round and `rounds`
/// recorded ones: ns/op of each.
fn time(rounds: u64, target: Duration, mut f: impl FnMut()) -> (u64, Vec<f64>) {
    // Double the batch until it takes a tenth of the target, then scale.
    let mut iterations: u64 = 1_000;
    loop {
        let elapsed = batch(iterations, &mut f);
        if elapsed >= target / 10 {
            iterations = ((iterations as f64) * target.as_secs_f64() / elapsed.as_secs_f64()).ceil() as u64;
            break;
        }
        iterations *= 2;
    }
    batch(iterations, &mut f);
    let samples = (0..rounds).map(|_| batch(iterations, &mut f).as_nanos() as f64 / iterations as f64).collect();
    (iterations, samples)
}

/// `"name":{...}` fields of one timed thing.
fn json(iterations: u64, mut samples: Vec<f64>) -> String {
    let list = samples.iter().map(|ns| format!("{ns:.2}")).collect::<Vec<_>>().join(",");
    samples.sort_by(f64::total_cmp);
    let median = if samples.len() % 2 == 1 {
        samples[samples.len() / 2]
    } else {
        (samples[samples.len() / 2 - 1] + samples[samples.len() / 2]) / 2.0
    };
    format!(
        "\"iterationsPerRound\":{iterations},\"nsPerOp\":[{list}],\"medianNsPerOp\":{median:.2},\"minNsPerOp\":{:.2},\"maxNsPerOp\":{:.2}",
        samples[0],
        samples[samples.len() - 1]
    )
}

fn main() {
    // cargo passes `--bench`; only our own flags are read.
    let args: Vec<String> = std::env::args().collect();
    let rounds = arg(&args, "--rounds", 9).max(1);
    let target = Duration::from_millis(arg(&args, "--ms", 250).max(10));

    let credentials = Credentials::new("testid".into(), "testsecret".into(), None);
    let params = [("DagId", "7".to_string()), ("DagInstanceId", "47".to_string()), ("Tid", "3".to_string())];
    let body = sign(&credentials, &params).body;

    // The packed path, from a buffer as in wasm memory: the text is written back into it
    // before each call, as JS's `encodeInto` does (the request overwrote it).
    let mut io = vec![0u8; PACKED_IO_BYTES];
    let mut last = LastCall::new();
    let packed_body = {
        io[..PACKED.len()].copy_from_slice(PACKED.as_bytes());
        let len = sign_packed_io(&mut io, PACKED.len(), &mut last);
        let text = std::str::from_utf8(&io[..len]).expect("UTF-8");
        // `method \0 url \0 body \0 headers`.
        text.split('\0').nth(2).expect("body").to_string()
    };
    assert_eq!(packed_body, body, "the packed path signs what sign_rpc_post signs");

    let (iterations, samples) = time(rounds, target, || {
        black_box(sign(&credentials, &params));
    });
    let (packed_iterations, packed_samples) = time(rounds, target, || {
        io[..PACKED.len()].copy_from_slice(black_box(PACKED).as_bytes());
        black_box(sign_packed_io(black_box(&mut io), PACKED.len(), &mut last));
    });
    // The body is percent-encoded (no quote, backslash or control character): no escaping needed.
    println!(
        "{{\"name\":\"native sign_rpc_post\",{},\"packedPath\":{{{},\"body\":\"{packed_body}\"}},\"body\":\"{body}\"}}",
        json(iterations, samples),
        json(packed_iterations, packed_samples)
    );
}
