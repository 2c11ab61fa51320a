#!/usr/bin/env python3
"""scikit-learn side of `cargo xtask bench`: fit times of the estimators that match ml4ns's
default model specs (crates/models/src/spec.rs), on the same CSV files the Rust side times.

How to run (from the repository root; pinned environment in requirements.txt next to this file):

    python3.11 -m venv /tmp/skl-venv
    /tmp/skl-venv/bin/pip install -r scripts/bench/requirements.txt
    /tmp/skl-venv/bin/python scripts/bench/sklearn_models.py DIR [--filter SUBSTR] [--repeat N]

DIR holds `classification_<n>.csv` and `regression_<n>.csv` files with the header
`f0,...,f29,y` (any number of feature columns is accepted; the last column must be `y`).
Classification targets are whole numbers (read as int64), regression targets real numbers.

What is measured, for each file and each model family that applies to its task:

* the wall time (time.perf_counter) of one whole `fit` call on a fresh, unfitted clone of the
  estimator, with the data already in memory as C-contiguous float64 NumPy arrays: reading
  the CSV, building the estimator and the garbage collection before each run are excluded;
  input validation inside `fit` is included, as it is part of scikit-learn's fit;
* knn / knn_regressor: `fit(X, y)` followed by `predict(X[:1000])` (fitting a KNN model
  only stores or indexes the rows; the neighbour search is the work);
* kmeans, gmm, pca, dbscan, diffusion_map (and tsne with --extra): `fit(X)` without the target, on the classification files;
* the median over N runs (`--repeat N`; default 5 for files of up to 10,000 rows, 3 above);
  there is no separate warm-up run, so one-off costs of a first call (e.g. joblib starting
  its worker processes for bagging) land in one run and the median drops them.

Families marked "10k only" below are skipped, printing nothing, for files of more than
10,000 rows.

Output: one JSON object per line on stdout and nothing else,

    {"bench": "<family>/<n>", "sklearn_seconds": <median>, "estimator": "<repr>"}

where <n> is the number of rows fitted (the file's row count) and "estimator" is the
estimator's repr (scikit-learn shows only non-default parameters) with runs of whitespace
collapsed to one space. `--filter SUBSTR` keeps the benches whose "<family>/<n>" contains
SUBSTR (files with no kept bench are not even read). Progress, warnings and errors go to
stderr; the exit code is 1 if any bench failed (the others are still printed), 2 for usage
errors.

Threads: the Rust side runs on a rayon pool of 2 threads on a 2-core machine, so
scikit-learn is allowed at most 2 threads as well: the BLAS/OpenMP thread counts are set to 2
below, before NumPy and scikit-learn are imported (which is when those libraries read them),
and the estimators that take `n_jobs` (random forest, bagging) get n_jobs=2. The others run
on one Python thread, with their OpenMP/BLAS parts (KNN's brute-force search, k-means, the
t-SNE gradient, LAPACK) on at most 2.

Fairness notes (what the two sides really compute) are next to each family in FAMILIES.
"""

import os

# At most 2 threads everywhere, set before importing NumPy/SciPy/scikit-learn (their BLAS and
# OpenMP runtimes read these once, at load time). Not 1: the Rust side uses a 2-thread rayon
# pool on this 2-core machine, so both sides get the same two cores. Forced, not defaulted,
# so that a stray OMP_NUM_THREADS in the caller's environment cannot skew the comparison.
THREADS = 2
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_var] = str(THREADS)

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.cluster import DBSCAN, KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    AdaBoostClassifier,
    BaggingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import (  # noqa: E402
    ElasticNet,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Ridge,
)
from sklearn.manifold import TSNE  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402
from sklearn.naive_bayes import BernoulliNB, GaussianNB  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import PolynomialFeatures  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

# Files of more than this many rows skip the "10k only" families.
SMALL_MAX_ROWS = 10_000
# Default repeats: 5 up to SMALL_MAX_ROWS rows, 3 above.
REPEAT_SMALL, REPEAT_LARGE = 5, 3
# t-SNE on at most this many (first) rows, the bench then named "tsne/<rows>"; None = all rows.
# Measured with the pinned versions on the 2-core machine (idle): TSNE(perplexity=30) fits
# 10,000 x 30 random rows in about 38 s and 2,000 rows in about 5 s. That is under a minute,
# so t-SNE runs on the whole 10k file ("tsne/10000"); set 2000 here if it ever exceeds a minute.
TSNE_MAX_ROWS = None

# How a bench calls the estimator.
FIT_XY = "fit(X, y)"
FIT_PREDICT = "fit(X, y).predict(X[:1000])"
FIT_X = "fit(X)"

# (family, task of the files it runs on, 10k only?, how it is called, estimator factory)
FAMILIES = [
    # ---- regression files ------------------------------------------------------------------
    # ols: linfa-linear LinearRegression; scikit-learn solves least squares with SciPy's lstsq
    # (an SVD-based LAPACK driver), typically costlier than normal equations.
    ("ols", "regression", False, FIT_XY, lambda: LinearRegression()),
    # ridge: ours minimises the same objective with linfa-linear's TweedieRegressor
    # (power 0, identity link: iterative L-BFGS, tol 1e-8, max_iter 1000); scikit-learn's
    # Ridge(alpha=1.0) solves it in closed form (solver="auto" = Cholesky on dense X).
    ("ridge", "regression", False, FIT_XY, lambda: Ridge(alpha=1.0)),
    # lasso / elastic_net: cyclic coordinate descent on both sides with the same stopping
    # test (linfa-elasticnet ports scikit-learn's: duality gap below tol * ||y||^2); ours
    # centres X first (model.rs). scikit-learn 1.9 also skips features by gap-safe
    # screening, which linfa does not.
    ("lasso", "regression", False, FIT_XY, lambda: Lasso(alpha=1.0, max_iter=1000, tol=1e-4)),
    (
        "elastic_net",
        "regression",
        False,
        FIT_XY,
        lambda: ElasticNet(alpha=1.0, l1_ratio=0.5, max_iter=1000, tol=1e-4),
    ),
    # polynomial: ours expands to every monomial of degree 1..2 WITHOUT the constant column
    # (scikit-learn's include_bias=False; model.rs `polynomial_features`) and fits least
    # squares with an intercept (alpha=0 by default), so include_bias=False matches it:
    # 30 features -> 495 columns.
    (
        "polynomial",
        "regression",
        True,
        FIT_XY,
        lambda: make_pipeline(PolynomialFeatures(2, include_bias=False), LinearRegression()),
    ),
    # knn_regressor: ours builds a linfa-nn k-d tree and queries it row by row;
    # scikit-learn's algorithm="auto" picks brute force for more than 15 features (blocked
    # BLAS distance computations on 2 OpenMP threads).
    ("knn_regressor", "regression", False, FIT_PREDICT, lambda: KNeighborsRegressor(5)),
    # ---- classification files --------------------------------------------------------------
    # logistic: L-BFGS on both sides (linfa-logistic via argmin, alpha = 1/C); scikit-learn's
    # lbfgs scales the loss by 1/n, so "tol" is not the same stopping point on the two sides.
    (
        "logistic",
        "classification",
        False,
        FIT_XY,
        lambda: LogisticRegression(C=1.0, max_iter=100, tol=1e-4),
    ),
    # svm: NOT an equal amount of work. Ours (crates/models/src/svm.rs, linfa-svm 0.8.1)
    # trains ONE binary SMO machine on all rows, then fits Platt's sigmoid once (Newton's
    # method) on that machine's decision values for the same training rows. SVC with
    # probability=True makes libsvm run an internal 5-fold cross-validation (5 extra SVMs on
    # 4/5 of the rows each) to get out-of-fold decision values for Platt scaling, on top of
    # the final SVM on all rows: about 5x the work of ours, so probability=True is not the
    # fair equivalent of our fit. The bench "svm" is therefore the near-equivalent, one SVC()
    # fit plus a sigmoid fitted on its training decision values (SvcTrainPlatt); the
    # probability=True fit is printed as "svm_probability_cv" with --extra.
    # Other differences: linfa-svm precomputes the dense n x n kernel matrix, stops at
    # eps=1e-7 without shrinking; libsvm caches kernel columns (200 MB), stops at tol=1e-3
    # with shrinking. The probability parameter is deprecated in scikit-learn 1.9 (a
    # FutureWarning, silenced below) but still does the above until its removal in 1.11.
    ("svm", "classification", True, FIT_XY, lambda: SvcTrainPlatt()),
    ("gaussian_nb", "classification", False, FIT_XY, lambda: GaussianNB()),
    # bernoulli_nb: ours binarises X (x > 0) itself, then fits linfa's BernoulliNb, as
    # scikit-learn's binarize=0.0 does inside fit.
    (
        "bernoulli_nb",
        "classification",
        False,
        FIT_XY,
        lambda: BernoulliNB(alpha=1.0, binarize=0.0),
    ),
    # decision_tree: CART, gini, grown to purity on both sides (ours with
    # min_impurity_decrease = machine epsilon, linfa's smallest).
    (
        "decision_tree",
        "classification",
        False,
        FIT_XY,
        lambda: DecisionTreeClassifier(criterion="gini", random_state=0),
    ),
    # random_forest: ours (forest.rs) draws floor(sqrt(p)) features once PER TREE (a
    # random-subspace forest) and fits each tree on a bootstrap copy of the rows;
    # scikit-learn redraws sqrt(p) features at every SPLIT and bootstraps through sample
    # weights. Both sides fit two trees at once (ours: rayon on the 2 cores; scikit-learn:
    # n_jobs=2 threads, its tree code releases the GIL). 20 trees (10 for bagging, 10
    # boosting rounds): linfa-trees is slow enough that 100 at 100k rows would take hours
    # under criterion's 10 samples; the Rust bench uses the same numbers.
    (
        "random_forest",
        "classification",
        True,
        FIT_XY,
        lambda: RandomForestClassifier(
            n_estimators=20, max_features="sqrt", random_state=0, n_jobs=2
        ),
    ),
    # bagging: bootstrap rows, all features, full-depth trees on both sides; scikit-learn's
    # n_jobs=2 uses joblib's process backend (its start-up and data transfer are part of fit).
    (
        "bagging",
        "classification",
        True,
        FIT_XY,
        lambda: BaggingClassifier(
            DecisionTreeClassifier(), n_estimators=10, random_state=0, n_jobs=2
        ),
    ),
    # adaboost: SAMME (the only algorithm left in scikit-learn 1.9) on weighted depth-1 trees
    # (stumps, the default estimator) on both sides; ours (boost.rs) reweights rows as
    # scikit-learn does (no resampling), with linfa-trees' f32 weights.
    (
        "adaboost",
        "classification",
        True,
        FIT_XY,
        lambda: AdaBoostClassifier(n_estimators=10, random_state=0),
    ),
    # knn: as knn_regressor (brute force here, k-d tree in ours); predict = majority vote.
    ("knn", "classification", False, FIT_PREDICT, lambda: KNeighborsClassifier(5)),
    # kmeans: k-means++ and Lloyd, best of 10 runs on both sides. scikit-learn stops when
    # the squared centre shift is below tol * mean feature variance and uses greedy
    # k-means++ (2 + log k candidates per centre); linfa-clustering stops when the centre
    # shift (not squared) is below tol, a stricter test on unit-variance data.
    (
        "kmeans",
        "classification",
        False,
        FIT_X,
        lambda: KMeans(n_clusters=8, n_init=10, max_iter=300, tol=1e-4, random_state=0),
    ),
    # gmm: EM with full covariances, initialised from k-means, tol 1e-3, reg_covar 1e-6, one
    # init on both sides. n_components=3 is NOT our spec's default (n_components=1): the
    # Rust side of this bench must use gmm:n_components=3.
    (
        "gmm",
        "classification",
        False,
        FIT_X,
        lambda: GaussianMixture(
            n_components=3, covariance_type="full", max_iter=100, random_state=0
        ),
    ),
    # pca: ours eigendecomposes the p x p covariance matrix (one n x p x p product, then a
    # 30 x 30 eigh); svd_solver="full" takes the SVD of the whole centred n x p matrix, more
    # work for the same components (scikit-learn's svd_solver="covariance_eigh" is ours).
    ("pca", "classification", False, FIT_X, lambda: PCA(n_components=2, svd_solver="full")),
    # dbscan: eps=6.0 is NOT our spec's default (eps=0.5): the Rust side of this bench uses
    # dbscan:eps=6.0. Its cost depends strongly on how many rows lie within eps of each
    # other, i.e. on the scale of the data (the benchmark rows are three clusters of
    # unit-variance noise in 30 dimensions, so within-cluster distances are about 7.7).
    ("dbscan", "classification", True, FIT_X, lambda: DBSCAN(eps=6.0, min_samples=5)),
    # diffusion_map: scikit-learn has no diffusion map; its nearest analogue is a spectral
    # embedding (Laplacian eigenmaps) on the same dense Gaussian kernel, with gamma = 1 /
    # (median squared distance), our epsilon=auto (see SpectralLike).
    ("diffusion_map", "classification", True, FIT_X, lambda: SpectralLike()),
]

# Opt-in (--extra) benches that are not part of the `cargo xtask bench` contract.
EXTRA_FAMILIES = [
    # scikit-learn's own probability fit (internal 5-fold Platt scaling): more work than ours.
    (
        "svm_probability_cv",
        "classification",
        True,
        FIT_XY,
        lambda: SVC(kernel="rbf", C=1.0, gamma="scale", probability=True),
    ),
    # t-SNE (Barnes-Hut, 1000 iterations) for reference; ours has no t-SNE (linfa-tsne seeds
    # from the thread RNG, so its embeddings are not reproducible).
    (
        "tsne",
        "classification",
        True,
        FIT_X,
        lambda: TSNE(n_components=2, perplexity=30, random_state=0),
    ),
]


class SpectralLike:
    """SpectralEmbedding(2, affinity="rbf") with gamma from the median squared distance over
    at most 2000 evenly spaced rows, as our diffusion_map's epsilon=auto; `fit` does both."""

    def fit(self, X):
        from sklearn.manifold import SpectralEmbedding

        step = max(1, -(-len(X) // 2000))
        sub = X[::step]
        sq = ((sub[:, None, :] - sub[None, :, :]) ** 2).sum(-1)
        median = float(np.median(sq[np.tril_indices(len(sub), -1)]))
        self.embedding_ = SpectralEmbedding(
            n_components=2, affinity="rbf", gamma=1.0 / median, random_state=0
        ).fit(X)
        return self

    def __repr__(self):
        return "SpectralEmbedding(n_components=2, affinity='rbf', gamma=1/median sq. distance)"


class SvcTrainPlatt:
    """SVC() fitted once, then sigmoid (Platt) calibration on its own training decision
    values, as linfa-svm does; `fit` does both."""

    def __init__(self):
        self.svc = SVC(kernel="rbf", C=1.0, gamma="scale")

    def fit(self, X, y):
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.frozen import FrozenEstimator

        self.svc.fit(X, y)
        # FrozenEstimator: no refit; decision_function(X) on the training rows, then the
        # sigmoid fit (Platt's targets, as libsvm and linfa).
        self.calibrated_ = CalibratedClassifierCV(
            FrozenEstimator(self.svc), method="sigmoid"
        ).fit(X, y)
        return self

    def __repr__(self):
        return (
            "CalibratedClassifierCV(FrozenEstimator(SVC().fit(X, y)), method='sigmoid')"
            ".fit(X, y)"
        )


FILE_RE = re.compile(r"^(classification|regression)_(\d+)\.csv$")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def load(path, task):
    """(X, y) from a CSV whose last column is `y`, as C-contiguous float64 X and float64
    (regression) or int64 (classification) y."""
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip().lstrip("\ufeff").split(",")
    if header[-1] != "y" or len(header) < 2:
        raise ValueError(f"{path}: header must be f0,...,y (got {','.join(header)})")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    if data.shape[1] != len(header):
        raise ValueError(f"{path}: {data.shape[1]} columns but {len(header)} names")
    X = np.ascontiguousarray(data[:, :-1])
    y = data[:, -1].copy()
    if task == "classification":
        if not np.all(y == np.round(y)):
            raise ValueError(f"{path}: classification target has non-integer values")
        y = y.astype(np.int64)
    return X, y


def bench_rows(family, n):
    """Rows a family fits on a file of n rows."""
    if family == "tsne" and TSNE_MAX_ROWS is not None:
        return min(n, TSNE_MAX_ROWS)
    return n


def compact_repr(est):
    return " ".join(repr(est).split())


def time_fit(make, mode, X, y, repeat):
    template = make()
    times = []
    for _ in range(repeat):
        est = clone(template) if hasattr(template, "get_params") else make()
        gc.collect()
        t0 = time.perf_counter()
        if mode == FIT_XY:
            est.fit(X, y)
        elif mode == FIT_PREDICT:
            est.fit(X, y).predict(X[:1000])
        else:
            est.fit(X)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, template


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Median scikit-learn fit times on DIR/{classification,regression}_<n>.csv, "
        "one JSON object per line on stdout."
    )
    parser.add_argument("dir", metavar="DIR")
    parser.add_argument("--filter", default="", metavar="SUBSTR",
                        help='keep benches whose "<family>/<n>" contains SUBSTR')
    parser.add_argument("--families", default="", metavar="A,B,...",
                        help="only these families (comma-separated; default: all)")
    parser.add_argument("--repeat", type=int, default=None, metavar="N",
                        help=f"runs per bench (default {REPEAT_SMALL} up to "
                        f"{SMALL_MAX_ROWS} rows, {REPEAT_LARGE} above)")
    parser.add_argument("--extra", action="store_true",
                        help="also run benches outside the xtask contract (svm_train_platt)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not os.path.isdir(args.dir):
        parser.error(f"{args.dir} is not a directory")

    files = []
    for name in os.listdir(args.dir):
        m = FILE_RE.match(name)
        if m:
            files.append((m.group(1), int(m.group(2)), os.path.join(args.dir, name)))
    files.sort(key=lambda f: (f[0], f[1]))
    if not files:
        log(f"no classification_<n>.csv or regression_<n>.csv in {args.dir}")

    families = FAMILIES + (EXTRA_FAMILIES if args.extra else [])
    failed = 0
    for task, n_file, path in files:
        plan = []
        for family, fam_task, small_only, mode, make in families:
            if fam_task != task or (small_only and n_file > SMALL_MAX_ROWS):
                continue
            rows = bench_rows(family, n_file)
            name = f"{family}/{rows}"
            wanted = [f for f in args.families.split(",") if f]
            if args.filter in name and (not wanted or family in wanted):
                plan.append((name, rows, mode, make))
        if not plan:
            continue
        t0 = time.perf_counter()
        X, y = load(path, task)
        log(f"[sklearn] {path}: {X.shape[0]} rows x {X.shape[1]} features "
            f"(read in {time.perf_counter() - t0:.2f} s, not timed)")
        if X.shape[0] != n_file:
            log(f"[sklearn] warning: {path} has {X.shape[0]} rows, not {n_file}")
        for name, rows, mode, make in plan:
            repeat = args.repeat or (REPEAT_SMALL if rows <= SMALL_MAX_ROWS else REPEAT_LARGE)
            Xb, yb = X[:rows], y[:rows]
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    # Expected: SVC(probability=True) is deprecated in 1.9 (see FAMILIES).
                    warnings.filterwarnings(
                        "ignore", message="The `probability` parameter was deprecated",
                        category=FutureWarning)
                    median, times, template = time_fit(make, mode, Xb, yb, repeat)
            except Exception as e:  # one failing estimator must not hide the others
                failed += 1
                log(f"[sklearn] {name}: FAILED: {type(e).__name__}: {e}")
                continue
            for msg in sorted({f"{w.category.__name__}: {w.message}" for w in caught}):
                log(f"[sklearn] {name}: {msg}")
            log(f"[sklearn] {name}: median {median:.4f} s over {repeat} "
                f"(min {min(times):.4f}, max {max(times):.4f}) {mode}")
            print(json.dumps({
                "bench": name,
                "sklearn_seconds": median,
                "estimator": compact_repr(template),
            }), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
