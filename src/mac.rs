//! SHA-1, SHA-256 and their HMACs, on the `sha1`/`sha2` crates' compression functions.
//!
//! The `digest`/`hmac` layers on top of those (block buffers, generic finalization, key
//! derivation, each instantiated per hash) were ~3.5 KB of the wasm and linked slicing and
//! `copy_from_slice` panics. What signing needs is small: one padding routine shared by both
//! hashes, and HMAC's two nested hashes. The compression functions, where the time goes,
//! are still the crates' (`sha1` is built at opt-level 3 for signing speed).

use sha1::digest::generic_array::GenericArray;

/// A Merkle–Damgård hash with 64-byte blocks and a big-endian length: SHA-1 or SHA-256.
pub struct Algorithm {
    initial: [u32; 8],
    /// Bytes of output (20 or 32); the state words beyond it are unused.
    output_len: usize,
    compress: fn(&mut [u32; 8], &[u8; 64]),
}

pub const SHA1: Algorithm = Algorithm {
    initial: [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0, 0, 0, 0],
    output_len: 20,
    compress: |state, block| {
        // Called through an opaque pointer, so that it stays the crate's own function, built
        // at opt-level 3 (Cargo.toml): inlined here, it would be re-optimized for size, ~20% slower.
        let compress = core::hint::black_box(sha1::compress as fn(&mut [u32; 5], &[GenericArray<u8, _>]));
        if let Some((state, _)) = state.split_first_chunk_mut::<5>() {
            compress(state, core::slice::from_ref(<&GenericArray<u8, _>>::from(block)));
        }
    },
};

pub const SHA256: Algorithm = Algorithm {
    initial: [0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19],
    output_len: 32,
    compress: |state, block| sha2::compress256(state, core::slice::from_ref(<&GenericArray<u8, _>>::from(block))),
};

/// A hash's output.
pub struct Digest {
    words: [[u8; 4]; 8],
    len: usize,
}

impl Digest {
    pub fn as_slice(&self) -> &[u8] {
        let bytes = self.words.as_flattened();
        bytes.get(..self.len).unwrap_or(bytes)
    }
}

struct Hasher<'a> {
    algorithm: &'a Algorithm,
    state: [u32; 8],
    block: [u8; 64],
    /// Bytes of `block` in use.
    filled: usize,
    /// Bytes hashed so far.
    total: u64,
}

impl<'a> Hasher<'a> {
    fn new(algorithm: &'a Algorithm) -> Self {
        Hasher { algorithm, state: algorithm.initial, block: [0; 64], filled: 0, total: 0 }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.total = self.total.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            if self.filled == 0 {
                // Whole blocks straight from the input, without copying.
                while let Some((block, rest)) = data.split_first_chunk::<64>() {
                    (self.algorithm.compress)(&mut self.state, block);
                    data = rest;
                }
            }
            let take = data.len().min(64 - self.filled);
            let (Some(free), Some((head, rest))) = (self.block.get_mut(self.filled..self.filled + take), data.split_at_checked(take)) else {
                return; // unreachable: `filled` < 64 and `take` fits both
            };
            copy(free, head);
            self.filled += take;
            data = rest;
            if self.filled == 64 {
                (self.algorithm.compress)(&mut self.state, &self.block);
                self.filled = 0;
            }
        }
    }

    fn finish(mut self) -> Digest {
        // 0x80, zeros, and the length in bits in the last 8 bytes of a block.
        let filled = self.filled;
        if let Some((marker, rest)) = self.block.get_mut(filled..).and_then(|tail| tail.split_first_mut()) {
            *marker = 0x80;
            rest.fill(0);
        }
        if filled >= 56 {
            (self.algorithm.compress)(&mut self.state, &self.block);
            self.block = [0; 64];
        }
        if let Some((_, length)) = self.block.split_last_chunk_mut::<8>() {
            *length = self.total.wrapping_mul(8).to_be_bytes();
        }
        (self.algorithm.compress)(&mut self.state, &self.block);
        Digest { words: self.state.map(u32::to_be_bytes), len: self.algorithm.output_len }
    }
}

/// Copies what fits of `from` into `to`. (`copy_from_slice` links a length-mismatch panic
/// that formats both lengths, ~1 KB of `core::fmt` when it is the module's only user.)
fn copy(to: &mut [u8], from: &[u8]) {
    for (slot, &byte) in to.iter_mut().zip(from) {
        *slot = byte;
    }
}

/// The hash of `parts`, concatenated.
pub fn hash(algorithm: &Algorithm, parts: &[&[u8]]) -> Digest {
    let mut hasher = Hasher::new(algorithm);
    for part in parts {
        hasher.update(part);
    }
    hasher.finish()
}

/// HMAC (RFC 2104) of `message` under `key`, any key length.
pub fn hmac(algorithm: &Algorithm, key: &[u8], message: &[u8]) -> Digest {
    let mut block = [0u8; 64];
    let hashed;
    let key = if key.len() > block.len() {
        hashed = hash(algorithm, &[key]);
        hashed.as_slice()
    } else {
        key
    };
    copy(&mut block, key);
    let inner = hash(algorithm, &[&block.map(|byte| byte ^ 0x36), message]);
    hash(algorithm, &[&block.map(|byte| byte ^ 0x5c), inner.as_slice()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha1::Digest as _;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn published_vectors() {
        let million_a = vec![b'a'; 1_000_000];
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".as_slice();
        for (algorithm, input, expected) in [
            (&SHA1, b"".as_slice(), "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (&SHA1, b"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (&SHA1, long, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
            (&SHA1, &million_a, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
            (&SHA256, b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (&SHA256, b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (&SHA256, long, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            (&SHA256, &million_a, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ] {
            assert_eq!(hex(hash(algorithm, &[input]).as_slice()), expected);
        }
        // RFC 2202 case 6 and RFC 4231 case 6: keys longer than a block.
        let key = [0xaa; 131];
        let message = b"Test Using Larger Than Block-Size Key - Hash Key First";
        assert_eq!(hex(hmac(&SHA1, &key[..80], message).as_slice()), "aa4ae5e15272d00e95705637ce8a3b55ed402112");
        assert_eq!(hex(hmac(&SHA256, &key, message).as_slice()), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        assert_eq!(hex(hmac(&SHA1, b"Jefe", b"what do ya want for nothing?").as_slice()), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn agrees_with_the_rustcrypto_stack() {
        let mut seed = 99u32;
        let mut next = |limit: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 8) as usize % limit
        };
        for _ in 0..400 {
            let key: Vec<u8> = (0..next(200)).map(|i| i as u8 ^ 0x5a).collect();
            let message: Vec<u8> = (0..next(300)).map(|i| (i * 7) as u8).collect();
            // Split the message at a random point: the streaming path must not care.
            let cut = next(message.len() + 1);
            let (head, tail) = message.split_at(cut);
            assert_eq!(hash(&SHA1, &[head, tail]).as_slice(), sha1::Sha1::digest(&message).as_slice());
            assert_eq!(hash(&SHA256, &[head, tail]).as_slice(), sha2::Sha256::digest(&message).as_slice());
            let mut expected = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
            expected.update(&message);
            assert_eq!(hmac(&SHA1, &key, &message).as_slice(), expected.finalize().into_bytes().as_slice());
            let mut expected = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
            expected.update(&message);
            assert_eq!(hmac(&SHA256, &key, &message).as_slice(), expected.finalize().into_bytes().as_slice());
        }
    }
}
