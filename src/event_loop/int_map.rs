//! Hash maps for the integer keys the loop makes itself: timer ids and durations,
//! the reactor's handle tokens.
//!
//! SipHash (the standard map's default) guards against keys an attacker chooses,
//! which cannot happen here, and was the largest cost of a timer after the script call
//! itself, and about 140 instructions per ready descriptor per turn in the reactor.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes an integer key with one multiply.
#[derive(Default, Clone, Copy)]
pub struct IntHasher(u64);

impl Hasher for IntHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // FxHash's step: the multiply spreads sequential ids over the high bits that
        // hashbrown uses for its control bytes.
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by an integer the loop made (see the module's doc).
pub type IntMap<V> = HashMap<u64, V, BuildHasherDefault<IntHasher>>;

/// Hashes a key handed out in sequence (timer ids) so that consecutive keys sit in
/// consecutive buckets: the low 57 bits are the key itself (the table's position is
/// `hash & mask`), the top 7 (hashbrown's control byte, which filters a probe's
/// candidates) are mixed from it. A batch of timers created together, and run in the
/// same order, then walks the table in order instead of jumping through it: with
/// 100 000 timers the table is megabytes, and a jump per insert, lookup and removal
/// was a cache miss each (`setTimeout(f, 0)` × 100 000, issue 17).
#[derive(Default, Clone, Copy)]
pub struct SeqHasher(u64);

/// The bits of a [`SeqHasher`] hash that are the key's own.
const KEY_BITS: u64 = (1 << 57) - 1;

impl Hasher for SeqHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64((self.0 << 8) | b as u64);
        }
    }

    fn write_u64(&mut self, n: u64) {
        let mixed = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = (n & KEY_BITS) | (mixed & !KEY_BITS);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by integers the loop hands out in sequence (see [`SeqHasher`]).
pub type SeqMap<V> = HashMap<u64, V, BuildHasherDefault<SeqHasher>>;

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    #[test]
    fn consecutive_keys_hash_to_consecutive_positions_with_mixed_control_bits() {
        let b = BuildHasherDefault::<SeqHasher>::default();
        let hashes: Vec<u64> = (1000u64..1064).map(|k| b.hash_one(k)).collect();
        assert!(hashes.iter().zip(1000u64..).all(|(h, k)| h & KEY_BITS == k));
        let tops: std::collections::HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(tops.len() > 32, "control bits spread: {}", tops.len());
        let mut m: SeqMap<u64> = SeqMap::default();
        for k in 0..10_000 {
            m.insert(k, k * 2);
        }
        assert!((0..10_000).all(|k| m.get(&k) == Some(&(k * 2))));
    }
}
