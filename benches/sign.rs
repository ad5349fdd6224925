//! Native timing of the signer the wasm build runs: `request::sign_rpc_post`, the same
//! StopTaskFlowInstance request (fixed timestamp and nonce) as bench/signing.mjs.
//!
//!   cargo bench --bench sign [-- --rounds N --ms M]
//!
//! Prints one JSON object on stdout: ns/op of every round, their median, min and max, and
//! the signed body (bench/run.mjs checks it is byte-identical to `signRequest`'s). Built
//! with the `bench` profile, which inherits `release` (opt-level "z", LTO): the settings
//! the wasm is built with. `harness = false`: no libtest, no criterion, only `Instant`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dms_taskflow::request::{param_pairs, sign_rpc_post, Credentials, SignedRequest};

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

/// Runs `iterations` signatures and returns the elapsed time.
fn batch(credentials: &Credentials, params: &[(&str, String)], iterations: u64) -> Duration {
    let started = Instant::now();
    for _ in 0..iterations {
        black_box(sign(credentials, params));
    }
    started.elapsed()
}

fn main() {
    // cargo passes `--bench`; only our own flags are read.
    let args: Vec<String> = std::env::args().collect();
    let rounds = arg(&args, "--rounds", 9).max(1);
    let target = Duration::from_millis(arg(&args, "--ms", 250).max(10));

    let credentials = Credentials::new("testid".into(), "testsecret".into(), None);
    let params = [("DagId", "7".to_string()), ("DagInstanceId", "47".to_string()), ("Tid", "3".to_string())];
    let body = sign(&credentials, &params).body;

    // Calibrate: double the batch until it takes a tenth of the target, then scale.
    let mut iterations: u64 = 1_000;
    loop {
        let elapsed = batch(&credentials, &params, iterations);
        if elapsed >= target / 10 {
            iterations = ((iterations as f64) * target.as_secs_f64() / elapsed.as_secs_f64()).ceil() as u64;
            break;
        }
        iterations *= 2;
    }
    batch(&credentials, &params, iterations); // warm-up round, not recorded

    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| batch(&credentials, &params, iterations).as_nanos() as f64 / iterations as f64)
        .collect();
    let list = samples.iter().map(|ns| format!("{ns:.2}")).collect::<Vec<_>>().join(",");
    samples.sort_by(f64::total_cmp);
    let median = if samples.len() % 2 == 1 {
        samples[samples.len() / 2]
    } else {
        (samples[samples.len() / 2 - 1] + samples[samples.len() / 2]) / 2.0
    };
    // The body is percent-encoded (no quote, backslash or control character): no escaping needed.
    println!(
        "{{\"name\":\"native sign_rpc_post\",\"iterationsPerRound\":{iterations},\"nsPerOp\":[{list}],\"medianNsPerOp\":{median:.2},\"minNsPerOp\":{:.2},\"maxNsPerOp\":{:.2},\"body\":\"{body}\"}}",
        samples[0],
        samples[samples.len() - 1]
    );
}
