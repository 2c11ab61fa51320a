//! The embedded bytes are the files `SOURCES.md` describes, with the sha256 sums it lists.

use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file listed in SOURCES.md's table exists with the sha256 given there.
#[test]
fn files_match_sources_md() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = std::fs::read_to_string(root.join("SOURCES.md")).unwrap();
    let mut checked = 0;
    for line in sources.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 {
            continue;
        }
        let (file, hash) = (cells[1].trim_matches('`'), cells[2].trim_matches('`'));
        if hash.len() != 64 {
            continue;
        }
        let bytes = std::fs::read(root.join("classic").join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(sha256(&bytes), hash, "sha256 of classic/{file}");
        checked += 1;
    }
    assert_eq!(
        checked, 12,
        "SOURCES.md lists 6 data files, 5 descriptions and the licence"
    );
}

/// The constants hold those same files.
#[test]
fn constants_are_the_listed_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("classic");
    for (file, bytes) in [
        ("breast_cancer.csv", ml4ns_datasets::BREAST_CANCER_CSV),
        ("iris.csv", ml4ns_datasets::IRIS_CSV),
        ("wine_data.csv", ml4ns_datasets::WINE_CSV),
        (
            "diabetes_data_raw.csv.gz",
            ml4ns_datasets::DIABETES_DATA_RAW_CSV_GZ,
        ),
        (
            "diabetes_target.csv.gz",
            ml4ns_datasets::DIABETES_TARGET_CSV_GZ,
        ),
        ("digits.csv.gz", ml4ns_datasets::DIGITS_CSV_GZ),
        (
            "LICENSE-scikit-learn.txt",
            ml4ns_datasets::LICENSE_SCIKIT_LEARN.as_bytes(),
        ),
        ("descr/digits.rst", ml4ns_datasets::descr::DIGITS.as_bytes()),
    ] {
        assert_eq!(std::fs::read(root.join(file)).unwrap(), bytes, "{file}");
    }
}
