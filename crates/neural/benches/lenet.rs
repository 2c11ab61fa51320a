//! One training epoch of LeNet-5 on scikit-learn's digits: `cargo bench -p ml4ns-neural
//! --bench lenet` (or `cargo xtask bench neural`, which also times the same epoch in PyTorch
//! when a Python with torch is at hand, `scripts/bench/torch_lenet.py`, and prints the ratio).
//!
//! Data: `ml4ns_data_io::classic::digits()` (1,797 images of 8×8 pixels, values 0–16) scaled
//! to [0, 1] by dividing by 16, padded with zeros to 32×32 ([`ml4ns_neural::pad_images`]), the
//! first 1,437 rows (80 %, in file order) as the training set. Network:
//! `LeNet5::new(10, 0, &cpu_device())` (conv 6@5×5 → ReLU → 2×2 max pool → conv 16@5×5 →
//! ReLU → 2×2 max pool → 120 → 84 → 10). One epoch is one call of [`ml4ns_neural::fit`] with
//! `epochs: 1`, batches of 32, Adam with learning rate 1e-3, shuffled, no validation set:
//! 45 optimiser steps (44 of 32 rows, one of 29). Building the network (a fresh one for every
//! sample, since `fit` consumes it) is not timed. The benchmark is named `lenet5/digits_epoch`;
//! its median is in `target/criterion/lenet5/digits_epoch/new/estimates.json`.
//!
//! burn's flex backend is built single-threaded here (see the crate docs), so this is a
//! one-core figure. On Linux the same epoch is also timed by the thread's CPU time
//! (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), as `lenet5_cpu/digits_epoch`: on a shared
//! machine other processes stretch the wall-clock time of a single-threaded run far more than
//! its CPU time. `ML4NS_BENCH_SECONDS` sets each benchmark's measurement time (default 10 s).
//!
//! With `ML4NS_LENET_EPOCHS=N` the binary skips criterion, times N epochs after one warm-up
//! and prints one JSON line (median, min, max, last loss), like
//! `scripts/bench/torch_lenet.py`, so that the two can be run in alternation on a busy machine
//! and compared pair by pair.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::Measurement;
use criterion::{criterion_group, BatchSize, Criterion, SamplingMode};
use ml4ns_neural::{
    cpu_device, fit, pad_images, Dataset, ImageShape, LeNet5, Optimizer, TrainConfig,
};
use ndarray::{s, Array1, Array2};

/// Rows of the training set: the first 80 % of the 1,797 digits.
const N_TRAIN: usize = 1437;

/// The padded, scaled training images and their labels.
fn training_set() -> (Array2<f64>, Array1<usize>) {
    let table = ml4ns_data_io::classic::digits();
    let labels = table
        .class_target()
        .expect("digits has class labels")
        .codes
        .clone();
    let scaled = &table.x / 16.0;
    let padded =
        pad_images(scaled.view(), ImageShape::gray(8, 8), 32, 32, 0.0).expect("8×8 pads to 32×32");
    (
        padded.slice(s![..N_TRAIN, ..]).to_owned(),
        labels.slice(s![..N_TRAIN]).to_owned(),
    )
}

/// One epoch: batches of 32, Adam with learning rate 1e-3, shuffled (seed 0).
fn epoch_config() -> TrainConfig {
    TrainConfig {
        optimizer: Optimizer::Adam,
        learning_rate: 1e-3,
        batch_size: 32,
        epochs: 1,
        ..TrainConfig::default()
    }
}

/// Times one epoch from a fresh network in `group`/`digits_epoch`, with `c`'s clock.
fn epoch_with<M: Measurement>(c: &mut Criterion<M>, group: &str) {
    let (x, y) = training_set();
    let data = Dataset::classification(x.view(), y.view());
    let device = cpu_device();
    let config = epoch_config();
    let seconds = std::env::var("ML4NS_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(10);
    let mut g = c.benchmark_group(group);
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(seconds))
        .sampling_mode(SamplingMode::Flat);
    g.bench_function("digits_epoch", |b| {
        b.iter_batched(
            || LeNet5::new(10, 0, &device).expect("LeNet-5 builds"),
            |net| black_box(fit(net, &data, None, &config).expect("one epoch trains")),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn epoch(c: &mut Criterion) {
    epoch_with(c, "lenet5");
}

#[cfg(target_os = "linux")]
mod cpu {
    //! A criterion clock reading the calling thread's CPU time.

    use criterion::measurement::{Measurement, ValueFormatter, WallTime};

    /// The thread's CPU time in nanoseconds (values are formatted as durations).
    pub struct ThreadCpuTime {
        wall: WallTime,
    }

    impl ThreadCpuTime {
        pub fn new() -> Self {
            ThreadCpuTime { wall: WallTime }
        }

        fn now() -> u64 {
            let mut ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
            let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
            assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
            ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
        }
    }

    impl Measurement for ThreadCpuTime {
        type Intermediate = u64;
        type Value = u64;

        fn start(&self) -> u64 {
            Self::now()
        }

        fn end(&self, start: u64) -> u64 {
            Self::now().saturating_sub(start)
        }

        fn add(&self, a: &u64, b: &u64) -> u64 {
            a + b
        }

        fn zero(&self) -> u64 {
            0
        }

        fn to_f64(&self, value: &u64) -> f64 {
            *value as f64
        }

        fn formatter(&self) -> &dyn ValueFormatter {
            self.wall.formatter()
        }
    }
}

#[cfg(target_os = "linux")]
fn epoch_cpu(c: &mut Criterion<cpu::ThreadCpuTime>) {
    epoch_with(c, "lenet5_cpu");
}

criterion_group!(wall, epoch);
#[cfg(target_os = "linux")]
criterion_group! {
    name = thread_cpu;
    config = Criterion::default().with_measurement(cpu::ThreadCpuTime::new());
    targets = epoch_cpu
}

/// Without criterion: times `epochs` epochs (after one untimed warm-up), each from a fresh
/// network, and prints one JSON line with the median wall time, as
/// `scripts/bench/torch_lenet.py` does, so that the two can be run in alternation.
fn plain(epochs: usize) {
    let (x, y) = training_set();
    let data = Dataset::classification(x.view(), y.view());
    let device = cpu_device();
    let config = epoch_config();
    let mut times = Vec::with_capacity(epochs);
    let mut loss = f64::NAN;
    for i in 0..=epochs {
        let net = LeNet5::new(10, 0, &device).expect("LeNet-5 builds");
        let start = Instant::now();
        let trained = fit(net, &data, None, &config).expect("one epoch trains");
        let elapsed = start.elapsed().as_secs_f64();
        loss = trained.history.train_loss[0];
        if i > 0 {
            times.push(elapsed);
        }
    }
    times.sort_by(f64::total_cmp);
    let mid = times.len() / 2;
    let median = if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2.0
    };
    println!(
        "{{\"bench\": \"lenet5/digits_epoch\", \"ml4ns_seconds\": {median}, \"min\": {}, \
         \"max\": {}, \"epochs\": {epochs}, \"train_loss\": {loss}}}",
        times[0],
        times[times.len() - 1]
    );
}

fn main() {
    if let Some(epochs) = std::env::var("ML4NS_LENET_EPOCHS")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        plain(epochs);
        return;
    }
    wall();
    #[cfg(target_os = "linux")]
    thread_cpu();
    Criterion::default().configure_from_args().final_summary();
}
