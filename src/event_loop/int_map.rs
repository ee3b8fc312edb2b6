//! A hash map for the integer keys the loop makes itself: timer ids and durations,
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
