//! The crate's own seeded random stream (parameter initialisation, mini-batch shuffling).
//!
//! burn's backends keep a process-global RNG (`Device::seed`); tests running on parallel
//! threads would interleave their draws from it. Nothing here touches it: every random number
//! comes from a ChaCha8 stream owned by the caller, so results depend on the seed alone.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Independent streams derived from one seed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose {
    /// Initial weights of a network.
    Init = 1,
    /// Order of training rows, epoch by epoch.
    Shuffle = 2,
}

/// A seeded ChaCha8 stream (`rand_chacha` promises it never changes between versions).
pub(crate) struct SeedStream(ChaCha8Rng);

impl SeedStream {
    pub(crate) fn new(seed: u64, purpose: Purpose) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(purpose as u64);
        SeedStream(rng)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub(crate) fn next_f64(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[-bound, bound)`.
    pub(crate) fn symmetric(&mut self, bound: f64) -> f64 {
        bound * (2.0 * self.next_f64() - 1.0)
    }

    /// Uniform integer in `0..n` (Lemire's multiply-and-reject, unbiased); `n > 0`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let range = n as u64;
        let threshold = range.wrapping_neg() % range;
        loop {
            let m = u128::from(self.0.next_u64()) * u128::from(range);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }

    /// Fisher–Yates shuffle, from the last element down.
    pub(crate) fn shuffle(&mut self, items: &mut [usize]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let draw = |seed, p| {
            let mut s = SeedStream::new(seed, p);
            (0..8).map(|_| s.next_f64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(3, Purpose::Init), draw(3, Purpose::Init));
        assert_ne!(draw(3, Purpose::Init), draw(3, Purpose::Shuffle));
        assert_ne!(draw(3, Purpose::Init), draw(4, Purpose::Init));
    }

    #[test]
    fn shuffle_is_a_permutation_and_below_is_in_range() {
        let mut s = SeedStream::new(0, Purpose::Shuffle);
        let mut v: Vec<usize> = (0..100).collect();
        s.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        let mut sorted = v.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        assert!((0..1000).all(|_| s.below(7) < 7));
        assert!((0..1000).all(|_| s.symmetric(0.5).abs() <= 0.5));
    }
}
