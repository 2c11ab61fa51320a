//! The synthetic cohorts: reproducible, matching the committed files, and carrying the
//! structure their documentation claims.

use ml4ns_data_io::synth::{self, Cohort, COGNITIVE_RISK_TRUTH};
use ml4ns_data_io::Table;
use ndarray::{Array1, Array2};

fn committed(name: &str) -> Cohort {
    synth::committed()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
}

fn column(t: &Table, name: &str) -> Vec<f64> {
    t.x.column(t.feature_index(name).unwrap_or_else(|| panic!("{name}")))
        .to_vec()
}

fn mean(v: impl IntoIterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.into_iter().collect();
    v.iter().sum::<f64>() / v.len() as f64
}

/// Least squares by the normal equations (Gaussian elimination, partial pivoting).
fn ols(x: &Array2<f64>, y: &Array1<f64>) -> Vec<f64> {
    let n = x.nrows();
    let mut a = Array2::<f64>::ones((n, x.ncols() + 1));
    a.slice_mut(ndarray::s![.., 1..]).assign(x);
    let mut m = a.t().dot(&a);
    let mut b = a.t().dot(y);
    let p = m.nrows();
    for k in 0..p {
        let piv = (k..p)
            .max_by(|&i, &j| m[[i, k]].abs().total_cmp(&m[[j, k]].abs()))
            .unwrap();
        for j in 0..p {
            m.swap([k, j], [piv, j]);
        }
        b.swap(k, piv);
        for i in k + 1..p {
            let f = m[[i, k]] / m[[k, k]];
            for j in k..p {
                m[[i, j]] -= f * m[[k, j]];
            }
            b[i] -= f * b[k];
        }
    }
    let mut beta = vec![0.0; p];
    for k in (0..p).rev() {
        let s: f64 = (k + 1..p).map(|j| m[[k, j]] * beta[j]).sum();
        beta[k] = (b[k] - s) / m[[k, k]];
    }
    beta
}

#[test]
fn generation_is_deterministic_and_seed_dependent() {
    let a = synth::cognitive_risk(200, 1).to_csv();
    assert_eq!(a, synth::cognitive_risk(200, 1).to_csv());
    assert_ne!(a, synth::cognitive_risk(200, 2).to_csv());
    let b = synth::inhome_monitoring(3, 10, 5).to_csv();
    assert_eq!(b, synth::inhome_monitoring(3, 10, 5).to_csv());
}

#[test]
fn committed_files_regenerate_byte_for_byte() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/cohorts");
    for cohort in synth::committed() {
        let path = dir.join(format!("{}.csv", cohort.name));
        let on_disk = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask gen-data`)", path.display()));
        assert!(
            on_disk == cohort.to_csv(),
            "{} differs from its generator",
            path.display()
        );
    }
}

#[cfg(feature = "polars")]
#[test]
fn committed_files_load_to_the_same_tables_as_memory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/cohorts");
    for cohort in synth::committed() {
        let path = dir.join(format!("{}.csv", cohort.name));
        let mut from_file = ml4ns_data_io::read_csv(&path, &cohort.spec).unwrap();
        from_file.source = cohort.name.to_string();
        assert_eq!(from_file, cohort.table().unwrap(), "{}", cohort.name);
    }
}

#[test]
fn cognitive_risk_recovers_its_coefficients() {
    let t = committed("cognitive_risk").table().unwrap();
    assert_eq!(t.n_rows(), 1000);
    assert_eq!(
        t.feature_names,
        ["age", "sleep_quality", "cognitive_test_score"]
    );
    let beta = ols(&t.x, &t.target.as_ref().unwrap().as_f64());
    let truth = COGNITIVE_RISK_TRUTH;
    for (got, want, tol) in [
        (beta[1], truth.age, 0.03),
        (beta[2], truth.sleep_quality, 0.15),
        (beta[3], truth.cognitive_test_score, 0.1),
    ] {
        assert!((got - want).abs() < tol, "coefficient {got} vs {want}");
    }
    // The predictors are correlated, as documented (older → lower test score).
    let age = column(&t, "age");
    let cog = column(&t, "cognitive_test_score");
    let (ma, mc) = (mean(age.clone()), mean(cog.clone()));
    let cov: f64 = age.iter().zip(&cog).map(|(a, c)| (a - ma) * (c - mc)).sum();
    assert!(cov < 0.0);
}

#[test]
fn concentric_rings_are_separable_by_radius_only() {
    let t = committed("concentric_rings").table().unwrap();
    let c = t.class_target().unwrap();
    assert_eq!(c.counts(), [300, 300]);
    let r: Vec<f64> =
        t.x.rows()
            .into_iter()
            .map(|row| row[0].hypot(row[1]))
            .collect();
    let inner = mean(
        r.iter()
            .zip(&c.codes)
            .filter(|(_, &k)| k == 0)
            .map(|(r, _)| *r),
    );
    let outer = mean(
        r.iter()
            .zip(&c.codes)
            .filter(|(_, &k)| k == 1)
            .map(|(r, _)| *r),
    );
    assert!((inner - 1.0).abs() < 0.05 && (outer - 2.0).abs() < 0.05);
    // The Cartesian means of both classes sit near the origin: no line separates them.
    assert!(mean(column(&t, "x1")).abs() < 0.15 && mean(column(&t, "x2")).abs() < 0.15);
}

#[test]
fn inhome_monitoring_has_rare_patient_dependent_agitation() {
    let cohort = committed("inhome_monitoring");
    let t = cohort.table().unwrap();
    assert_eq!(t.n_rows(), 60 * 90);
    let groups = t.groups.as_ref().unwrap();
    assert_eq!(groups.names.len(), 60);
    assert_eq!(t.ignored_columns, ["age_band", "sex"]);
    let c = t.class_target().unwrap();
    let prevalence = c.counts()[1] as f64 / t.n_rows() as f64;
    assert!(
        (0.03..=0.08).contains(&prevalence),
        "agitation prevalence {prevalence}"
    );
    // The documented drivers raise the rate.
    let y: Vec<f64> = c.codes.iter().map(|&k| k as f64).collect();
    let hall = column(&t, "act_hallway_night");
    let active = mean(
        y.iter()
            .zip(&hall)
            .filter(|(_, &h)| h >= 4.0)
            .map(|(y, _)| *y),
    );
    let quiet = mean(
        y.iter()
            .zip(&hall)
            .filter(|(_, &h)| h < 4.0)
            .map(|(y, _)| *y),
    );
    assert!(active > 2.0 * quiet, "agitation {active} vs {quiet}");
    // Patients differ: the per-patient rates spread far more than binomial noise allows.
    let mut per_patient = vec![0.0; 60];
    for (g, y) in groups.ids.iter().zip(&y) {
        per_patient[*g] += y / 90.0;
    }
    let max = per_patient.iter().cloned().fold(0.0, f64::max);
    assert!(max > 3.0 * prevalence, "max patient rate {max}");
    // Consecutive days are alike (AR(1) disturbance): lag-1 correlation of heart rate.
    let hr = column(&t, "sleep_heart_rate");
    let m = mean(hr.clone());
    let (mut num, mut den) = (0.0, 0.0);
    for p in 0..60 {
        let s = &hr[p * 90..(p + 1) * 90];
        let pm = mean(s.iter().copied());
        for d in 1..90 {
            num += (s[d] - pm) * (s[d - 1] - pm);
        }
        den += s.iter().map(|v| (v - pm).powi(2)).sum::<f64>();
    }
    assert!(
        num / den > 0.3,
        "lag-1 autocorrelation {} (overall mean {m})",
        num / den
    );
}

#[test]
fn parkinsons_wearables_has_rare_cases_and_informative_accelerometry() {
    let cohort = committed("parkinsons_wearables");
    let t = cohort.table().unwrap();
    assert_eq!(t.n_rows(), 6000);
    let c = t.class_target().unwrap();
    let rate = c.counts()[1] as f64 / 6000.0;
    assert!(
        (0.01..=0.05).contains(&rate),
        "future diagnosis rate {rate}"
    );
    for prefix in ["gen_", "life_", "blood_", "prod_", "acc_"] {
        assert!(
            t.feature_names
                .iter()
                .filter(|f| f.starts_with(prefix))
                .count()
                >= 3,
            "{prefix}"
        );
    }
    let acc = column(&t, "acc_mean_acceleration_mg");
    let case = mean(
        acc.iter()
            .zip(&c.codes)
            .filter(|(_, &k)| k == 1)
            .map(|(a, _)| *a),
    );
    let other = mean(
        acc.iter()
            .zip(&c.codes)
            .filter(|(_, &k)| k == 0)
            .map(|(a, _)| *a),
    );
    assert!(
        other - case > 2.0,
        "acceleration {case} (prodromal) vs {other}"
    );
    // Matched controls exist and are healthy.
    let csv = cohort.to_csv();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let (gi, mi) = (
        header.iter().position(|h| *h == "cohort_group").unwrap(),
        header.iter().position(|h| *h == "matched_control").unwrap(),
    );
    let mut matched = 0;
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[mi] == "1" {
            matched += 1;
            assert_eq!(cells[gi], "healthy");
        }
    }
    assert!(matched > 200, "matched controls {matched}");
}

#[test]
fn dementia_severity_spans_five_ordered_groups() {
    let t = committed("dementia_severity").table().unwrap();
    let c = t.class_target().unwrap();
    assert_eq!(c.classes, ["0", "1", "2", "3", "4"]);
    assert!(c.counts().iter().all(|&n| n >= 30), "{:?}", c.counts());
    let mmse = column(&t, "mmse");
    let by_level: Vec<f64> = (0..5)
        .map(|k| {
            mean(
                mmse.iter()
                    .zip(&c.codes)
                    .filter(|(_, &s)| s == k)
                    .map(|(m, _)| *m),
            )
        })
        .collect();
    assert!(
        by_level.windows(2).all(|w| w[0] > w[1]),
        "MMSE by severity {by_level:?}"
    );
    assert_eq!(t.time.as_ref().unwrap().name, "month");
    assert_eq!(synth::SEVERITY_LEVELS.len(), 5);
}
