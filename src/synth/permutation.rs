//! Keyed bijections (Feistel permutations) over any range `[0, n)`: the generator places
//! persons, old ID numbers, insurance codes and pairs through them, so that unique values come
//! out in a random-looking order without a table.

use crate::rng::{mix64, GOLDEN};

/// A keyed bijection of `[0, n)` onto itself: a balanced four-round Feistel network on the
/// smallest even number of bits that covers `n`, with cycle walking to stay inside the range
/// (at most four rounds of walking on average, since the network's domain is below `4n`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permutation {
    n: u64,
    half_bits: u32,
    key: u64,
}

const ROUNDS: u64 = 4;

impl Permutation {
    pub(crate) fn new(n: u64, key: u64) -> Permutation {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        Permutation {
            n,
            half_bits: bits.div_ceil(2).max(1),
            key,
        }
    }

    #[inline]
    fn round(&self, half: u64, round: u64) -> u64 {
        mix64(half ^ self.key.wrapping_add(round.wrapping_mul(GOLDEN))) & self.mask()
    }

    #[inline]
    fn mask(&self) -> u64 {
        (1u64 << self.half_bits) - 1
    }

    #[inline]
    fn forward_once(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> self.half_bits, x & self.mask());
        for r in 0..ROUNDS {
            (left, right) = (right, left ^ self.round(right, r));
        }
        (left << self.half_bits) | right
    }

    #[inline]
    fn backward_once(&self, y: u64) -> u64 {
        let (mut left, mut right) = (y >> self.half_bits, y & self.mask());
        for r in (0..ROUNDS).rev() {
            (left, right) = (right ^ self.round(left, r), left);
        }
        (left << self.half_bits) | right
    }

    /// The image of `x` (`x < n`).
    #[inline]
    pub(crate) fn apply(&self, x: u64) -> u64 {
        debug_assert!(x < self.n);
        let mut y = self.forward_once(x);
        while y >= self.n {
            y = self.forward_once(y);
        }
        y
    }

    /// The preimage of `y` (`y < n`).
    #[inline]
    pub(crate) fn invert(&self, y: u64) -> u64 {
        debug_assert!(y < self.n);
        let mut x = self.backward_once(y);
        while x >= self.n {
            x = self.backward_once(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::key;

    #[test]
    fn permutations_are_bijections_and_invert() {
        for n in [1u64, 2, 3, 10, 97, 1000, 4096, 5000] {
            let p = Permutation::new(n, key(&[7, n]));
            let mut seen = vec![false; n as usize];
            for x in 0..n {
                let y = p.apply(x);
                assert!(y < n);
                assert!(!seen[y as usize], "n={n}: {y} hit twice");
                seen[y as usize] = true;
                assert_eq!(p.invert(y), x);
            }
        }
    }
}
