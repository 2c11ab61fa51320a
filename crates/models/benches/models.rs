//! Fitting each model family on 10k and 100k rows of 30 features:
//! `cargo bench -p ml4ns-models` (or `cargo xtask bench models`, which also times
//! scikit-learn on the same rows and prints the ratios).
//!
//! Data: `ml4ns_data_io::synth::benchmark(n, _, 0)` (three clusters, a linear target), built
//! from the same text cells as the CSV files `cargo xtask bench models` writes for
//! scikit-learn, so both sides fit identical numbers (and no CSV reader, hence no polars, is
//! compiled here). `ML4NS_BENCH_SIZES=10000,...` picks the sizes and
//! `ML4NS_BENCH_FAMILIES=ols,svm,...` the families. Each benchmark is one `fit` (KNN: fit, then
//! predict the first 1,000 rows, as its fit only stores them), named `fit/<family>/<n>`.
//! Some families run at 10k rows only: the SVM (linfa-svm holds the dense n × n kernel
//! matrix: 80 GB at 100k rows), degree-2 polynomial features (495 columns), DBSCAN and the
//! diffusion map (a dense n × n kernel as well), and the tree ensembles, which are also small
//! (20 forest trees, 10 bagged trees, 10 boosting rounds; the scikit-learn script fits the
//! same), since criterion times every benchmark at least 10 times.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use ml4ns_data_io::{synth, Table};
use ml4ns_models::Model;

/// What a benchmark fits on.
#[derive(Clone, Copy, PartialEq)]
enum Data {
    Classification,
    Regression,
}

/// Family, spec, data, and the largest size it runs at.
const FAMILIES: &[(&str, &str, Data, usize)] = &[
    ("ols", "ols", Data::Regression, usize::MAX),
    ("ridge", "ridge", Data::Regression, usize::MAX),
    ("lasso", "lasso", Data::Regression, usize::MAX),
    ("elastic_net", "elastic_net", Data::Regression, usize::MAX),
    (
        "polynomial",
        "polynomial:degree=2",
        Data::Regression,
        10_000,
    ),
    ("knn_regressor", "knn", Data::Regression, usize::MAX),
    ("logistic", "logistic", Data::Classification, usize::MAX),
    ("svm", "svm", Data::Classification, 10_000),
    (
        "gaussian_nb",
        "gaussian_nb",
        Data::Classification,
        usize::MAX,
    ),
    (
        "bernoulli_nb",
        "bernoulli_nb",
        Data::Classification,
        usize::MAX,
    ),
    (
        "decision_tree",
        "decision_tree",
        Data::Classification,
        usize::MAX,
    ),
    (
        "random_forest",
        "random_forest:n_trees=20",
        Data::Classification,
        10_000,
    ),
    (
        "bagging",
        "bagging:n_trees=10",
        Data::Classification,
        10_000,
    ),
    (
        "adaboost",
        "adaboost:n_estimators=10",
        Data::Classification,
        10_000,
    ),
    ("knn", "knn", Data::Classification, usize::MAX),
    ("kmeans", "kmeans:k=8", Data::Classification, usize::MAX),
    (
        "gmm",
        "gmm:n_components=3",
        Data::Classification,
        usize::MAX,
    ),
    (
        "pca",
        "pca:n_components=2",
        Data::Classification,
        usize::MAX,
    ),
    ("dbscan", "dbscan:eps=6.0", Data::Classification, 10_000),
    (
        "diffusion_map",
        "diffusion_map:n_components=2",
        Data::Classification,
        10_000,
    ),
];

fn sizes() -> Vec<usize> {
    std::env::var("ML4NS_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|v| v.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000])
}

fn load(data: Data, n: usize) -> Table {
    synth::benchmark(n, data == Data::Classification, 0)
        .table()
        .expect("benchmark data load")
}

fn fit(c: &mut Criterion) {
    let mut g = c.benchmark_group("fit");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sampling_mode(SamplingMode::Flat);
    let filter: Option<String> = std::env::var("ML4NS_BENCH_FAMILIES").ok();
    for n in sizes() {
        let tables = [load(Data::Classification, n), load(Data::Regression, n)];
        for &(family, spec, data, max_n) in FAMILIES {
            if n > max_n
                || filter
                    .as_ref()
                    .is_some_and(|f| !f.split(',').any(|x| x == family))
            {
                continue;
            }
            let table = &tables[usize::from(data == Data::Regression)];
            let model = Model::parse(spec).expect("bench specs parse");
            let info = ml4ns_models::ModelSpec::info(model.name()).expect("registered");
            g.bench_with_input(BenchmarkId::new(family, n), table, |b, t| match info.task {
                ml4ns_models::Task::Clustering => {
                    b.iter(|| black_box(model.cluster(t.x.view()).expect("fits")))
                }
                ml4ns_models::Task::Embedding => {
                    b.iter(|| black_box(model.embed(t.x.view()).expect("fits")))
                }
                _ if model.name() == "knn" => {
                    let queries = t.x.slice(ndarray::s![..1000.min(t.n_rows()), ..]);
                    b.iter(|| {
                        let f = model.fit(t).expect("fits");
                        black_box(f.predict(queries).expect("predicts"))
                    })
                }
                _ => b.iter(|| black_box(model.fit(t).expect("fits"))),
            });
        }
    }
    g.finish();
}

criterion_group!(benches, fit);
criterion_main!(benches);
