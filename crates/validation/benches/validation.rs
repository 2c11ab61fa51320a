//! Splitting and metrics on 10⁶ rows: `cargo bench -p ml4ns-validation` (or `cargo xtask bench`).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ml4ns_validation::metrics::{self as m, Average, ZeroDivision};
use ml4ns_validation::{Cv, RandomState};

const N: usize = 1_000_000;

/// Deterministic inputs: 3 imbalanced classes, 2,000 groups, scores correlated with labels.
fn inputs() -> (Vec<usize>, Vec<usize>, Vec<usize>, Vec<f64>) {
    let mut rng = RandomState::new(0);
    let y: Vec<usize> = (0..N)
        .map(|_| match rng.randint(0, 10) {
            0..=5 => 0,
            6..=8 => 1,
            _ => 2,
        })
        .collect();
    let groups: Vec<usize> = (0..N).map(|_| rng.randint(0, 2000) as usize).collect();
    let pred: Vec<usize> = y
        .iter()
        .map(|&c| {
            if rng.randint(0, 4) == 0 {
                rng.randint(0, 3) as usize
            } else {
                c
            }
        })
        .collect();
    let scores: Vec<f64> = y
        .iter()
        .map(|&c| 0.3 * f64::from(u8::from(c == 1)) + 0.7 * rng.random_sample())
        .collect();
    (y, groups, pred, scores)
}

fn splitting(c: &mut Criterion) {
    let (y, groups, _, _) = inputs();
    let mut g = c.benchmark_group("split_1e6");
    g.sample_size(10);
    for spec in [
        "kfold:n_splits=5",
        "kfold:n_splits=5,shuffle=true,random_state=0",
        "stratified_kfold:n_splits=5,shuffle=true,random_state=0",
        "group_kfold:n_splits=5",
        "stratified_group_kfold:n_splits=5",
        "shuffle_split:n_splits=5,test_size=0.2,random_state=0",
        "stratified_shuffle_split:n_splits=5,test_size=0.2,random_state=0",
        "train_test_split:test_size=0.2,random_state=42",
    ] {
        let cv = Cv::parse(spec).unwrap();
        g.bench_function(spec, |b| {
            b.iter(|| {
                cv.split(N, Some(black_box(&y)), Some(black_box(&groups)))
                    .unwrap()
            })
        });
    }
    g.finish();
}

fn metrics(c: &mut Criterion) {
    let (y, _, pred, scores) = inputs();
    let binary: Vec<usize> = y.iter().map(|&c| usize::from(c == 1)).collect();
    let yf: Vec<f64> = y.iter().map(|&c| c as f64).collect();
    let pf: Vec<f64> = pred.iter().map(|&c| c as f64).collect();
    let mut g = c.benchmark_group("metrics_1e6");
    g.sample_size(10);
    g.bench_function("confusion_matrix", |b| {
        b.iter(|| m::confusion_matrix(black_box(&y), black_box(&pred)).unwrap())
    });
    g.bench_function("prf_macro", |b| {
        b.iter(|| {
            m::precision_recall_fscore(&y, &pred, 1.0, Average::Macro, ZeroDivision::Zero).unwrap()
        })
    });
    g.bench_function("mcc", |b| b.iter(|| m::mcc(&y, &pred).unwrap()));
    g.bench_function("roc_auc", |b| {
        b.iter(|| m::roc_auc(&binary, black_box(&scores), 1).unwrap())
    });
    g.bench_function("average_precision", |b| {
        b.iter(|| m::average_precision(&binary, &scores, 1).unwrap())
    });
    g.bench_function("r2", |b| b.iter(|| m::r2(&yf, &pf, true).unwrap()));
    g.finish();
}

criterion_group!(benches, splitting, metrics);
criterion_main!(benches);
