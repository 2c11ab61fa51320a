//! The classic datasets shipped with scikit-learn, embedded in the library.
//!
//! The bytes come from the `ml4ns-datasets` crate: byte-identical copies of the files in the
//! scikit-learn 1.9.1 wheel (provenance and sha256 in that crate's `SOURCES.md`). Each loader
//! returns a [`Table`] with scikit-learn's feature names and target encoding: for example
//! breast cancer has code 0 = `malignant` and 1 = `benign`, as `load_breast_cancer()`.
//! For these tables, [`ClassTarget::classes`] is scikit-learn's `target_names` (code order).
//!
//! The files are parsed by hand rather than through polars: they are scikit-learn's own
//! formats (a first line `n_samples,n_features,target names...`, gzip, space-separated),
//! and this keeps the datasets usable without the `polars` feature.

use std::io::Read;

use ndarray::{Array1, Array2};

use crate::frame::number_label;
use crate::table::{ClassTarget, Table, Target};

const BREAST_CANCER: &[u8] = ml4ns_datasets::BREAST_CANCER_CSV;
const IRIS: &[u8] = ml4ns_datasets::IRIS_CSV;
const WINE: &[u8] = ml4ns_datasets::WINE_CSV;
const DIABETES_X: &[u8] = ml4ns_datasets::DIABETES_DATA_RAW_CSV_GZ;
const DIABETES_Y: &[u8] = ml4ns_datasets::DIABETES_TARGET_CSV_GZ;
const DIGITS: &[u8] = ml4ns_datasets::DIGITS_CSV_GZ;

/// scikit-learn's `load_breast_cancer().feature_names`.
pub const BREAST_CANCER_FEATURES: [&str; 30] = [
    "mean radius",
    "mean texture",
    "mean perimeter",
    "mean area",
    "mean smoothness",
    "mean compactness",
    "mean concavity",
    "mean concave points",
    "mean symmetry",
    "mean fractal dimension",
    "radius error",
    "texture error",
    "perimeter error",
    "area error",
    "smoothness error",
    "compactness error",
    "concavity error",
    "concave points error",
    "symmetry error",
    "fractal dimension error",
    "worst radius",
    "worst texture",
    "worst perimeter",
    "worst area",
    "worst smoothness",
    "worst compactness",
    "worst concavity",
    "worst concave points",
    "worst symmetry",
    "worst fractal dimension",
];

/// scikit-learn's `load_iris().feature_names`.
pub const IRIS_FEATURES: [&str; 4] = [
    "sepal length (cm)",
    "sepal width (cm)",
    "petal length (cm)",
    "petal width (cm)",
];

/// scikit-learn's `load_wine().feature_names`.
pub const WINE_FEATURES: [&str; 13] = [
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280/od315_of_diluted_wines",
    "proline",
];

/// scikit-learn's `load_diabetes().feature_names`.
pub const DIABETES_FEATURES: [&str; 10] = [
    "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6",
];

/// Wisconsin diagnostic breast cancer: 569 × 30, target 0 = malignant (212), 1 = benign (357).
pub fn breast_cancer() -> Table {
    with_header("breast_cancer", BREAST_CANCER, &BREAST_CANCER_FEATURES)
}

/// Fisher's iris: 150 × 4, targets setosa / versicolor / virginica (50 each).
pub fn iris() -> Table {
    with_header("iris", IRIS, &IRIS_FEATURES)
}

/// Wine recognition: 178 × 13, targets class_0 / class_1 / class_2 (59 / 71 / 48).
pub fn wine() -> Table {
    with_header("wine", WINE, &WINE_FEATURES)
}

/// Diabetes, as scikit-learn's `load_diabetes()` returns it by default: 442 × 10, each
/// feature column centred and scaled to unit L2 norm; the target (disease progression one
/// year after baseline, 25–346) is not scaled.
///
/// The scaling follows scikit-learn 1.9 operation for operation (`preprocessing.scale`, then
/// division by √n): mean and population standard deviation by left-to-right sums, then
/// `((x - mean) / sd) / sqrt(n)`, so the values equal scikit-learn's bit for bit.
pub fn diabetes() -> Table {
    let mut table = diabetes_raw();
    table.source = "diabetes".into();
    let n = table.n_rows() as f64;
    let root_n = n.sqrt();
    for mut column in table.x.columns_mut() {
        let mean = column.iter().fold(0.0, |acc, &v| acc + v) / n;
        let var = column
            .iter()
            .fold(0.0, |acc, &v| acc + (v - mean) * (v - mean))
            / n;
        let sd = var.sqrt();
        let sd = if sd < 10.0 * f64::EPSILON { 1.0 } else { sd };
        column.mapv_inplace(|v| ((v - mean) / sd) / root_n);
    }
    table
}

/// Diabetes in original units (`load_diabetes(scaled=False)`): age in years, sex coded 1/2,
/// BMI, mean blood pressure and six blood serum measurements.
pub fn diabetes_raw() -> Table {
    let x_text = gunzip(DIABETES_X);
    let rows: Vec<Vec<f64>> = x_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(parse_number).collect())
        .collect();
    let y: Vec<f64> = gunzip(DIABETES_Y)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse_number)
        .collect();
    let x = to_matrix(&rows, DIABETES_FEATURES.len());
    Table::from_features("diabetes_raw", x, names(&DIABETES_FEATURES))
        .and_then(|t| {
            t.with_target(Target::Continuous {
                name: "target".into(),
                values: Array1::from(y),
            })
        })
        .expect("embedded diabetes data is well formed (checked by tests)")
}

/// Optical recognition of handwritten digits: 1797 images of 8 × 8 pixels (0–16), features
/// `pixel_r_c` in row-major order, targets `0`–`9`.
pub fn digits() -> Table {
    let text = gunzip(DIGITS);
    let rows: Vec<Vec<f64>> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(parse_number).collect())
        .collect();
    let feature_names: Vec<String> = (0..8)
        .flat_map(|r| (0..8).map(move |c| format!("pixel_{r}_{c}")))
        .collect();
    let class_names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    finish("digits", &rows, feature_names, class_names)
}

/// Parse scikit-learn's `n_samples,n_features,name,name,...` CSV format.
fn with_header(name: &str, bytes: &[u8], features: &[&str]) -> Table {
    let text = std::str::from_utf8(bytes).expect("embedded dataset is UTF-8");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().expect("embedded dataset has a header");
    let class_names: Vec<String> = header.split(',').skip(2).map(str::to_string).collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(parse_number).collect())
        .collect();
    finish(name, &rows, names(features), class_names)
}

/// Split rows of `features + target` into a table with a class target.
fn finish(name: &str, rows: &[Vec<f64>], features: Vec<String>, classes: Vec<String>) -> Table {
    let p = features.len();
    let x = to_matrix(rows, p);
    let codes: Array1<usize> = rows.iter().map(|r| r[p] as usize).collect();
    let mut first_seen: Vec<String> = Vec::new();
    for &c in &codes {
        let label = classes
            .get(c)
            .cloned()
            .unwrap_or_else(|| number_label(c as f64));
        if !first_seen.contains(&label) {
            first_seen.push(label);
        }
    }
    Table::from_features(name, x, features)
        .and_then(|t| {
            t.with_target(Target::Classes(ClassTarget {
                name: "target".into(),
                codes,
                classes,
                first_seen,
            }))
        })
        .expect("embedded dataset is well formed (checked by tests)")
}

fn to_matrix(rows: &[Vec<f64>], p: usize) -> Array2<f64> {
    let mut x = Array2::zeros((rows.len(), p));
    for (i, row) in rows.iter().enumerate() {
        for j in 0..p {
            x[[i, j]] = row[j];
        }
    }
    x
}

fn names(features: &[&str]) -> Vec<String> {
    features.iter().map(|s| s.to_string()).collect()
}

fn parse_number(s: &str) -> f64 {
    s.trim()
        .parse()
        .expect("embedded dataset holds only numbers (checked by tests)")
}

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .expect("embedded gzip file is valid (checked by tests)");
    out
}
