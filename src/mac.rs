//! SHA-1, SHA-256 and their HMACs: the `sha1` crate's compression function, our own
//! SHA-256 one, and the rest of both hashes here.
//!
//! The `digest`/`hmac` layers on top of the compression functions (block buffers, generic
//! finalization, key derivation, each instantiated per hash) were ~3.5 KB of the wasm and
//! linked slicing and `copy_from_slice` panics. What signing needs is small: one padding
//! routine shared by both hashes, and HMAC's two nested hashes. SHA-1's compression
//! function, where V1 signing spends its time, is still the crate's, built at opt-level 3.

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
    compress: sha256_compress,
};

/// SHA-256's round constants (FIPS 180-4, 4.2.2).
const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256's compression function (FIPS 180-4, 6.2.2), written as loops: V3 signing hashes
/// a few blocks per request, and the `sha2` crate's unrolled rounds were ~4 KB of the wasm.
fn sha256_compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = bytes.iter().fold(0, |word, &byte| word << 8 | u32::from(byte));
    }
    for t in 16..64 {
        let (w2, w15) = (w[t - 2], w[t - 15]);
        let s0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
        let s1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
        w[t] = w[t - 16].wrapping_add(s0).wrapping_add(w[t - 7]).wrapping_add(s1);
    }
    let mut v = *state;
    for (&k, &word) in K256.iter().zip(&w) {
        let [a, b, c, d, e, f, g, h] = v;
        let t1 = h
            .wrapping_add(e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25))
            .wrapping_add((e & f) ^ (!e & g))
            .wrapping_add(k)
            .wrapping_add(word);
        let t2 = (a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22)).wrapping_add((a & b) ^ (a & c) ^ (b & c));
        v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
    }
    for (word, add) in state.iter_mut().zip(v) {
        *word = word.wrapping_add(add);
    }
}

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

    /// A hasher that has already hashed one block, which left `state`.
    fn resume(algorithm: &'a Algorithm, state: [u32; 8]) -> Self {
        Hasher { algorithm, state, block: [0; 64], filled: 0, total: 64 }
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
    HmacKey::new(algorithm, key).sign(message)
}

/// An HMAC key with its two padded blocks already hashed: the states the inner and the
/// outer hash start from. A client signs every call with one secret; keeping these saves
/// two of the ten compressions of a typical V1 signature.
#[derive(Clone)]
pub struct HmacKey<'a> {
    algorithm: &'a Algorithm,
    inner: [u32; 8],
    outer: [u32; 8],
}

impl<'a> HmacKey<'a> {
    pub fn new(algorithm: &'a Algorithm, key: &[u8]) -> Self {
        let mut block = [0u8; 64];
        let hashed;
        let key = if key.len() > block.len() {
            hashed = hash(algorithm, &[key]);
            hashed.as_slice()
        } else {
            key
        };
        copy(&mut block, key);
        let state_after = |pad: u8| {
            let mut state = algorithm.initial;
            (algorithm.compress)(&mut state, &block.map(|byte| byte ^ pad));
            state
        };
        HmacKey { algorithm, inner: state_after(0x36), outer: state_after(0x5c) }
    }

    pub fn sign(&self, message: &[u8]) -> Digest {
        let mut inner = Hasher::resume(self.algorithm, self.inner);
        inner.update(message);
        let mut outer = Hasher::resume(self.algorithm, self.outer);
        outer.update(inner.finish().as_slice());
        outer.finish()
    }
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
    fn a_key_signs_many_messages() {
        for key in [b"testsecret&".as_slice(), &[0x0b; 20], &[0xaa; 131]] {
            let keyed = HmacKey::new(&SHA1, key);
            for message in [b"".as_slice(), b"first", &[7u8; 200], b"first"] {
                let mut expected = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
                expected.update(message);
                assert_eq!(keyed.sign(message).as_slice(), expected.finalize().into_bytes().as_slice());
            }
        }
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
