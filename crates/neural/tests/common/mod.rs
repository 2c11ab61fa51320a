//! Small deterministic data sets for the tests.
#![allow(dead_code)]

use ndarray::{Array1, Array2};

/// SplitMix64 uniform in [0, 1).
pub struct Stream(u64);

impl Stream {
    pub fn new(seed: u64) -> Self {
        Stream(seed)
    }

    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

/// XOR: points around the four corners of the unit square, class = x1 XOR x2.
pub fn xor(n: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let mut s = Stream::new(seed);
    let mut x = Array2::zeros((n, 2));
    let mut y = Array1::zeros(n);
    for i in 0..n {
        let (a, b) = (i % 2, (i / 2) % 2);
        x[[i, 0]] = a as f64 * 2.0 - 1.0 + s.uniform(-0.4, 0.4);
        x[[i, 1]] = b as f64 * 2.0 - 1.0 + s.uniform(-0.4, 0.4);
        y[i] = a ^ b;
    }
    (x, y)
}

/// Two moons from ml4ns-data-io.
pub fn moons(n: usize, noise: f64, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let table = ml4ns_data_io::synth::moons(n, noise, seed)
        .table()
        .expect("moons table");
    let codes = table.class_target().expect("class target").codes.clone();
    (table.x, codes)
}

/// `n` grey `side × side` images: class 0 a vertical bar, class 1 a horizontal bar, at a
/// random position, plus uniform noise; pixels in [0, 1].
pub fn bars(n: usize, side: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let mut s = Stream::new(seed);
    let mut x = Array2::zeros((n, side * side));
    let mut y = Array1::zeros(n);
    for i in 0..n {
        let class = i % 2;
        let pos = 1 + (s.unit() * (side - 2) as f64) as usize;
        for r in 0..side {
            for c in 0..side {
                let on = if class == 0 { c == pos } else { r == pos };
                x[[i, r * side + c]] = if on { 0.9 } else { 0.0 } + s.uniform(0.0, 0.1);
            }
        }
        y[i] = class;
    }
    (x, y)
}
