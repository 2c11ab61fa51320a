#![doc = include_str!("../README.md")]
//!
//! ## Formats
//!
//! The bytes are scikit-learn's own files, unparsed (see `SOURCES.md` for each format);
//! `ml4ns-data-io`'s `classic` module turns them into tables with scikit-learn's feature
//! names and target encodings.
#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]
#![no_std]

/// `breast_cancer.csv`: first line `569,30,malignant,benign`, then 30 features and the class
/// code (0 = malignant, 1 = benign) per row.
pub const BREAST_CANCER_CSV: &[u8] = include_bytes!("../classic/breast_cancer.csv");

/// `iris.csv`: first line `150,4,setosa,versicolor,virginica`, then 4 features and the class
/// code per row.
pub const IRIS_CSV: &[u8] = include_bytes!("../classic/iris.csv");

/// `wine_data.csv`: first line `178,13,class_0,class_1,class_2`, then 13 features and the
/// class code per row.
pub const WINE_CSV: &[u8] = include_bytes!("../classic/wine_data.csv");

/// `diabetes_data_raw.csv.gz`: gzip of 442 rows of 10 space-separated unscaled features.
pub const DIABETES_DATA_RAW_CSV_GZ: &[u8] = include_bytes!("../classic/diabetes_data_raw.csv.gz");

/// `diabetes_target.csv.gz`: gzip of the 442 disease-progression values, one per line.
pub const DIABETES_TARGET_CSV_GZ: &[u8] = include_bytes!("../classic/diabetes_target.csv.gz");

/// `digits.csv.gz`: gzip of 1,797 rows of 64 pixel values (0–16) and the digit.
pub const DIGITS_CSV_GZ: &[u8] = include_bytes!("../classic/digits.csv.gz");

/// scikit-learn's licence file, as shipped in the wheel (BSD-3-Clause for the data; the rest
/// of the file covers native libraries of the binary wheel and does not apply here).
pub const LICENSE_SCIKIT_LEARN: &str = include_str!("../classic/LICENSE-scikit-learn.txt");

/// scikit-learn's description (`descr/*.rst`) of each dataset: origin, creators, references.
pub mod descr {
    /// `breast_cancer.rst`.
    pub const BREAST_CANCER: &str = include_str!("../classic/descr/breast_cancer.rst");
    /// `diabetes.rst`.
    pub const DIABETES: &str = include_str!("../classic/descr/diabetes.rst");
    /// `digits.rst`.
    pub const DIGITS: &str = include_str!("../classic/descr/digits.rst");
    /// `iris.rst`.
    pub const IRIS: &str = include_str!("../classic/descr/iris.rst");
    /// `wine_data.rst`.
    pub const WINE: &str = include_str!("../classic/descr/wine_data.rst");
}
