//! A port of NumPy's legacy `numpy.random.RandomState`, the generator behind scikit-learn's
//! `random_state=<int>`.
//!
//! Written by hand (no crate reproduces NumPy's stream): MT19937 seeded by `init_genrand`
//! (NumPy's `mt19937_seed`, used when `RandomState` is given an int), 53-bit doubles as
//! `genrand_res53`, bounded integers by masked rejection (`random_interval` and the legacy
//! masked path of `randint`), and `shuffle`/`permutation` as Fisher–Yates from the last index
//! down. Only what scikit-learn's splitters use is ported; every function is checked against
//! values NumPy 2.4 produced (`tests/fixtures/random_state.json`).

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// NumPy's legacy `RandomState` (MT19937).
#[derive(Clone)]
pub struct RandomState {
    key: [u32; N],
    pos: usize,
}

impl std::fmt::Debug for RandomState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RandomState")
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl RandomState {
    /// `np.random.RandomState(seed)` for an integer seed (NumPy accepts 0 ..= 2³² − 1).
    pub fn new(seed: u32) -> RandomState {
        let mut key = [0u32; N];
        let mut s = seed;
        for (pos, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(pos as u32 + 1);
        }
        RandomState { key, pos: N }
    }

    fn generate(&mut self) {
        let mag01 = |y: u32| if y & 1 == 1 { MATRIX_A } else { 0 };
        for i in 0..N - M {
            let y = (self.key[i] & UPPER_MASK) | (self.key[i + 1] & LOWER_MASK);
            self.key[i] = self.key[i + M] ^ (y >> 1) ^ mag01(y);
        }
        for i in N - M..N - 1 {
            let y = (self.key[i] & UPPER_MASK) | (self.key[i + 1] & LOWER_MASK);
            self.key[i] = self.key[i + M - N] ^ (y >> 1) ^ mag01(y);
        }
        let y = (self.key[N - 1] & UPPER_MASK) | (self.key[0] & LOWER_MASK);
        self.key[N - 1] = self.key[M - 1] ^ (y >> 1) ^ mag01(y);
        self.pos = 0;
    }

    /// The next raw 32-bit output.
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == N {
            self.generate();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// The next 64-bit output: two 32-bit outputs, the first in the high half.
    pub fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        (hi << 32) | u64::from(self.next_u32())
    }

    /// `random_sample()`: a double in [0, 1) with 53 random bits (`genrand_res53`).
    pub fn random_sample(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// NumPy's `random_interval(max)`: uniform on 0 ..= max by masked rejection.
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = mask_for(max);
        if max <= u64::from(u32::MAX) {
            loop {
                let v = u64::from(self.next_u32()) & mask;
                if v <= max {
                    return v;
                }
            }
        } else {
            loop {
                let v = self.next_u64() & mask;
                if v <= max {
                    return v;
                }
            }
        }
    }

    /// `randint(low, high)` (high exclusive) for the default int64 dtype: the legacy masked
    /// rejection path. Panics if `low >= high`, as NumPy raises.
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        assert!(low < high, "randint: low >= high");
        let rng = (high - 1).wrapping_sub(low) as u64;
        if rng == 0 {
            return low;
        }
        let v = if rng == u64::from(u32::MAX) {
            u64::from(self.next_u32())
        } else if rng < u64::from(u32::MAX) {
            let mask = mask_for(rng);
            loop {
                let v = u64::from(self.next_u32()) & mask;
                if v <= rng {
                    break v;
                }
            }
        } else if rng == u64::MAX {
            self.next_u64()
        } else {
            let mask = mask_for(rng);
            loop {
                let v = self.next_u64() & mask;
                if v <= rng {
                    break v;
                }
            }
        };
        low.wrapping_add(v as i64)
    }

    /// `shuffle(x)` for a 1-D array: Fisher–Yates from the last index down.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            let j = self.interval(i as u64) as usize;
            x.swap(i, j);
        }
    }

    /// `permutation(n)`: a shuffled `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }

    /// `permutation(array)`: a shuffled copy.
    pub fn permuted<T: Clone>(&mut self, x: &[T]) -> Vec<T> {
        let mut v = x.to_vec();
        self.shuffle(&mut v);
        v
    }

    /// `choice(a, size, replace=False)` with uniform probabilities: NumPy's legacy generator
    /// takes the first `size` entries of `permutation(len(a))`.
    pub fn choice_without_replacement<T: Clone>(&mut self, a: &[T], size: usize) -> Vec<T> {
        let perm = self.permutation(a.len());
        perm[..size.min(a.len())]
            .iter()
            .map(|&i| a[i].clone())
            .collect()
    }
}

/// The smallest `2^k − 1` that is at least `max`.
fn mask_for(max: u64) -> u64 {
    let mut mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference MT19937 output for init_genrand(5489) (Matsumoto & Nishimura).
    #[test]
    fn matches_the_reference_mt19937_stream() {
        let mut rs = RandomState::new(5489);
        let first: Vec<u32> = (0..3).map(|_| rs.next_u32()).collect();
        assert_eq!(first, [3_499_211_612, 581_869_302, 3_890_346_734]);
    }

    #[test]
    fn masks_are_minimal() {
        assert_eq!(mask_for(1), 1);
        assert_eq!(mask_for(6), 7);
        assert_eq!(mask_for(8), 15);
        assert_eq!(mask_for(u64::from(u32::MAX) + 1), (1u64 << 33) - 1);
    }
}
