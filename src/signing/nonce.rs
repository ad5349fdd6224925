//! Request nonces: 128 bits from the host's CSPRNG, as 32 hex digits. `getrandom` reads the
//! OS's generator natively and calls `crypto.getRandomValues` in wasm (its `wasm_js`
//! backend), on every call: no pool, no descriptor kept, nothing a process can swap.

use crate::error::{codes, DmsError};

const NONCE_BYTES: usize = 16;

/// A fresh nonce, or `UnsupportedRuntime` where the host has no CSPRNG to give.
pub fn new_nonce() -> Result<String, DmsError> {
    let mut bytes = [0u8; NONCE_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|_| DmsError::client(codes::UNSUPPORTED_RUNTIME, "this runtime gave no random bytes for request nonces (crypto.getRandomValues)".into()))?;
    Ok(super::v3::hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn nonces_are_distinct_hex_and_not_zero() {
        let nonces: HashSet<String> = (0..10_000).map(|_| new_nonce().unwrap()).collect();
        assert_eq!(nonces.len(), 10_000);
        for nonce in &nonces {
            assert_eq!(nonce.len(), 32);
            assert!(nonce.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            assert_ne!(nonce, &"0".repeat(32));
        }
    }
}
