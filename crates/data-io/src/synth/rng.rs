//! A portable seeded random stream for the cohort generators.
//!
//! ChaCha20 (rand_chacha) has a specified output that does not change between versions;
//! the seed is laid into ChaCha's key directly (no version-dependent seed expansion) and
//! every distribution below is written here, so a committed cohort regenerates byte for
//! byte whatever the versions of `rand`-family crates.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

/// Seeded random numbers with the few distributions the generators need.
#[derive(Debug, Clone)]
pub struct SynthRng {
    inner: ChaCha20Rng,
    spare_normal: Option<f64>,
}

impl SynthRng {
    /// A stream for `seed`; `stream` selects one of 2^64 independent streams for that seed
    /// (generators use one stream per component so that adding a column to one part does not
    /// shift the numbers of another).
    pub fn new(seed: u64, stream: u64) -> SynthRng {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        let mut inner = ChaCha20Rng::from_seed(key);
        inner.set_stream(stream);
        SynthRng {
            inner,
            spare_normal: None,
        }
    }

    /// Uniform on [0, 1), with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.inner.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on [lo, hi).
    pub fn uniform_range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in [lo, hi] (inclusive), by rejection (no modulo bias).
    pub fn int_range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "empty integer range");
        let span = (hi - lo) as u64 + 1;
        let zone = u64::MAX - (u64::MAX % span);
        loop {
            let v = self.inner.next_u64();
            if v < zone {
                return lo + (v % span) as i64;
            }
        }
    }

    /// Normal(mean, sd) by the Box–Muller transform.
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return mean + sd * z;
        }
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u2;
        self.spare_normal = Some(r * theta.sin());
        mean + sd * r * theta.cos()
    }

    /// True with probability `p`.
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Poisson(lambda) by Knuth's product of uniforms (fine for the small rates used here).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 200.0 {
            // Normal approximation, far outside the generators' range of use.
            return self.normal(lambda, lambda.sqrt()).round().max(0.0) as u64;
        }
        let limit = (-lambda).exp();
        let mut k = 0u64;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    /// An index drawn with probability proportional to `weights`.
    pub fn categorical(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut u = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        weights.len() - 1
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| SynthRng::new(7, 0).inner.next_u64())
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut s0 = SynthRng::new(7, 0);
        let mut s1 = SynthRng::new(7, 1);
        assert_ne!(s0.uniform(), s1.uniform());
    }

    #[test]
    fn moments_are_right() {
        let mut rng = SynthRng::new(1, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| rng.normal(2.0, 3.0)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - 2.0).abs() < 0.03, "mean {mean}");
        assert!((var.sqrt() - 3.0).abs() < 0.03, "sd {}", var.sqrt());
        let ps: Vec<u64> = (0..n).map(|_| rng.poisson(4.5)).collect();
        let pm = ps.iter().sum::<u64>() as f64 / n as f64;
        assert!((pm - 4.5).abs() < 0.03, "poisson mean {pm}");
        let ints: Vec<i64> = (0..n).map(|_| rng.int_range(-2, 2)).collect();
        assert!(ints.iter().all(|v| (-2..=2).contains(v)));
        for k in -2..=2 {
            let f = ints.iter().filter(|&&v| v == k).count() as f64 / n as f64;
            assert!((f - 0.2).abs() < 0.01);
        }
    }
}
