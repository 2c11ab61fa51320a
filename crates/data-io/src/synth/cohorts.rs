//! The cohort generators. Each function's documentation is its true generating process.

use super::rng::{sigmoid, SynthRng};
use super::{spec, Cohort, SynthColumn};
use crate::frame::TargetKind;

/// The true coefficients of [`cognitive_risk`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CognitiveRiskTruth {
    /// Intercept.
    pub intercept: f64,
    /// α, per year of age.
    pub age: f64,
    /// β, per point of sleep quality (0–10).
    pub sleep_quality: f64,
    /// θ, per point of the cognitive test (0–30).
    pub cognitive_test_score: f64,
    /// Standard deviation of the Gaussian noise.
    pub noise_sd: f64,
}

/// `risk = 5 + 0.8·age − 2.5·sleep_quality − 1.2·cognitive_test_score + N(0, 3²)`.
pub const COGNITIVE_RISK_TRUTH: CognitiveRiskTruth = CognitiveRiskTruth {
    intercept: 5.0,
    age: 0.8,
    sleep_quality: -2.5,
    cognitive_test_score: -1.2,
    noise_sd: 3.0,
};

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The module's linear-model example: a risk score from age, sleep quality and a cognitive
/// test score, linear with known coefficients ([`COGNITIVE_RISK_TRUTH`]) plus noise.
///
/// Generating process, per participant (stream 0):
/// * `age` ~ uniform whole years 50–89;
/// * `sleep_quality` ~ N(7.2 − 0.03·(age − 50), 1.4²), clipped to [0, 10], one decimal;
/// * `cognitive_test_score` ~ N(28.5 − 0.12·(age − 50) + 0.3·(sleep_quality − 6), 2²),
///   rounded to a whole number and clipped to [0, 30] (so the predictors are correlated);
/// * `risk` = 5 + 0.8·age − 2.5·sleep_quality − 1.2·cognitive_test_score + N(0, 3²), computed
///   from the rounded predictors, two decimals.
pub fn cognitive_risk(n: usize, seed: u64) -> Cohort {
    let t = COGNITIVE_RISK_TRUTH;
    let mut rng = SynthRng::new(seed, 0);
    let (mut age, mut sleep, mut cog, mut risk) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let a = rng.int_range(50, 89) as f64;
        let s = round_to(rng.normal(7.2 - 0.03 * (a - 50.0), 1.4).clamp(0.0, 10.0), 1);
        let c = rng
            .normal(28.5 - 0.12 * (a - 50.0) + 0.3 * (s - 6.0), 2.0)
            .round()
            .clamp(0.0, 30.0);
        let r = t.intercept
            + t.age * a
            + t.sleep_quality * s
            + t.cognitive_test_score * c
            + rng.normal(0.0, t.noise_sd);
        age.push(a as i64);
        sleep.push(s);
        cog.push(c as i64);
        risk.push(r);
    }
    Cohort {
        name: "cognitive_risk",
        description: format!(
            "{n} participants. risk = {} + {}·age {}·sleep_quality {}·cognitive_test_score + N(0, {}²); \
             age uniform 50–89; sleep_quality ~ N(7.2 − 0.03·(age − 50), 1.4²) clipped to [0, 10]; \
             cognitive_test_score ~ N(28.5 − 0.12·(age − 50) + 0.3·(sleep_quality − 6), 2²) rounded, clipped to [0, 30].",
            t.intercept, t.age, t.sleep_quality, t.cognitive_test_score, t.noise_sd
        ),
        columns: vec![
            SynthColumn::int("age", age),
            SynthColumn::float("sleep_quality", sleep, 1),
            SynthColumn::int("cognitive_test_score", cog),
            SynthColumn::float("risk", risk, 2),
        ],
        spec: spec("risk", TargetKind::Continuous, None, None, &[]),
    }
}

/// Two classes on concentric circles, for the representation and kernel topics.
///
/// Row `i` has class `ring = i mod 2`; its angle θ ~ uniform [0, 2π) and radius
/// r ~ N(1.0, 0.15²) for the inner ring (0) or N(2.0, 0.15²) for the outer ring (1);
/// `x1 = r·cos θ`, `x2 = r·sin θ`, four decimals. In polar coordinates a threshold on r
/// separates the classes; in Cartesian coordinates no straight line does.
pub fn concentric_rings(n: usize, seed: u64) -> Cohort {
    let mut rng = SynthRng::new(seed, 1);
    let (mut x1, mut x2, mut ring) = (vec![], vec![], vec![]);
    for i in 0..n {
        let class = (i % 2) as i64;
        let theta = rng.uniform_range(0.0, 2.0 * std::f64::consts::PI);
        let r = rng.normal(1.0 + class as f64, 0.15);
        x1.push(r * theta.cos());
        x2.push(r * theta.sin());
        ring.push(class);
    }
    Cohort {
        name: "concentric_rings",
        description: format!(
            "{n} points, classes alternating; angle uniform on [0, 2π); radius N(1.0, 0.15²) for \
             ring 0 and N(2.0, 0.15²) for ring 1; x1 = r·cos θ, x2 = r·sin θ."
        ),
        columns: vec![
            SynthColumn::float("x1", x1, 4),
            SynthColumn::float("x2", x2, 4),
            SynthColumn::int("ring", ring),
        ],
        spec: spec("ring", TargetKind::Classes, None, None, &[]),
    }
}

/// The features that drive agitation in [`inhome_monitoring`], with their thresholds.
pub const INHOME_AGITATION_DRIVERS: [&str; 3] = [
    "act_hallway_night",
    "night_bathroom_visits",
    "sleep_heart_rate",
];

const ROOMS: [&str; 5] = ["bathroom", "bedroom", "kitchen", "lounge", "hallway"];
const PERIODS: [&str; 4] = ["night", "morning", "afternoon", "evening"];
/// Mean sensor firings per room (rows, as `ROOMS`) and period (columns, as `PERIODS`).
const ROOM_RATES: [[f64; 4]; 5] = [
    [1.5, 6.0, 4.0, 5.0],
    [3.0, 8.0, 3.0, 6.0],
    [0.3, 12.0, 9.0, 10.0],
    [0.5, 10.0, 16.0, 14.0],
    [1.2, 9.0, 8.0, 8.0],
];
const KITCHEN_LUX: [f64; 4] = [2.0, 180.0, 220.0, 90.0];
const LOUNGE_LUX: [f64; 4] = [1.0, 150.0, 250.0, 120.0];
const KITCHEN_TEMP_OFFSET: [f64; 4] = [-1.5, 0.0, 0.8, 0.5];
const LOUNGE_TEMP_OFFSET: [f64; 4] = [-1.2, 0.2, 1.0, 0.8];
/// Intercept of the agitation logit, chosen so that about 5 % of days are agitated.
const AGITATION_INTERCEPT: f64 = -4.1;

/// A TIHM-like cohort of people living with dementia monitored at home: one row per
/// patient-day.
///
/// Generating process:
/// * Per patient `p` (stream 2): `age_band` (60-69 / 70-79 / 80-89 / 90+ with weights
///   0.15 / 0.40 / 0.35 / 0.10), `sex` (F 0.55, M 0.45), activity level a_p = exp(N(0, 0.25²)),
///   sleep heart-rate baseline h_p ~ N(62, 6²), respiratory baseline r_p ~ N(15, 2²), home
///   temperature T_p ~ N(20.5, 1.2²), light level L_p = exp(N(0, 0.3²)), and an agitation
///   propensity u_p ~ N(0, 0.9²) that is never observed.
/// * Per day `t` = 1..days (stream 3): a latent disturbance d_t = 0.7·d_{t−1} + N(0, 0.7²)
///   (d_1 ~ N(0, 1)), so consecutive days are alike, and a cooling trend −2 °C·t/days.
/// * `act_<room>_<period>` ~ Poisson(rate·a_p·m), with the rates of `ROOM_RATES` and
///   m = exp(0.35·d) at night, exp(−0.1·d) by day; `night_bathroom_visits` ~
///   Poisson(1.1·exp(0.3·d)); `sleep_heart_rate` = h_p + 2.5·d + N(0, 2²);
///   `sleep_resp_rate` = r_p + 0.6·d + N(0, 0.8²); `<room>_light_<period>` = base lux·L_p·
///   exp(N(0, 0.3²)) (×exp(0.4·d) at night); `<room>_temp_<period>` = T_p + period offset +
///   trend + N(0, 0.6²).
/// * `agitation` ~ Bernoulli(σ(−4.1 + u_p + 1.6·[act_hallway_night ≥ 4] +
///   1.2·[night_bathroom_visits ≥ 3] + 1.0·[sleep_heart_rate ≥ 70])): a nonlinear (threshold)
///   rule on three observed features ([`INHOME_AGITATION_DRIVERS`]) plus the patient effect,
///   so rows of one patient are not independent and patient-wise splitting matters.
pub fn inhome_monitoring(patients: usize, days: usize, seed: u64) -> Cohort {
    let mut prng = SynthRng::new(seed, 2);
    let mut drng = SynthRng::new(seed, 3);
    let mut ids = vec![];
    let mut day_col = vec![];
    let mut age_band = vec![];
    let mut sex = vec![];
    let mut act = vec![vec![]; ROOMS.len() * PERIODS.len()];
    let mut light = vec![vec![]; 2 * PERIODS.len()];
    let mut temp = vec![vec![]; 2 * PERIODS.len()];
    let (mut hr, mut rr, mut nbv, mut agit) = (vec![], vec![], vec![], vec![]);
    let bands = ["60-69", "70-79", "80-89", "90+"];
    for p in 0..patients {
        let band = bands[prng.categorical(&[0.15, 0.40, 0.35, 0.10])];
        let s = if prng.bernoulli(0.55) { "F" } else { "M" };
        let a_p = prng.normal(0.0, 0.25).exp();
        let h_p = prng.normal(62.0, 6.0);
        let r_p = prng.normal(15.0, 2.0);
        let t_p = prng.normal(20.5, 1.2);
        let l_p = prng.normal(0.0, 0.3).exp();
        let u_p = prng.normal(0.0, 0.9);
        let mut d = drng.normal(0.0, 1.0);
        for t in 1..=days {
            if t > 1 {
                d = 0.7 * d + drng.normal(0.0, 0.7);
            }
            ids.push(format!("P{:02}", p + 1));
            day_col.push(t as i64);
            age_band.push(band.to_string());
            sex.push(s.to_string());
            for (ri, rates) in ROOM_RATES.iter().enumerate() {
                for (pi, &rate) in rates.iter().enumerate() {
                    let m = if pi == 0 {
                        (0.35 * d).exp()
                    } else {
                        (-0.1 * d).exp()
                    };
                    act[ri * PERIODS.len() + pi].push(drng.poisson(rate * a_p * m) as i64);
                }
            }
            let visits = drng.poisson(1.1 * (0.3 * d).exp()) as i64;
            let heart = h_p + 2.5 * d + drng.normal(0.0, 2.0);
            let resp = r_p + 0.6 * d + drng.normal(0.0, 0.8);
            let trend = -2.0 * t as f64 / days as f64;
            for (k, (lux, offset)) in [
                (KITCHEN_LUX, KITCHEN_TEMP_OFFSET),
                (LOUNGE_LUX, LOUNGE_TEMP_OFFSET),
            ]
            .iter()
            .enumerate()
            {
                for pi in 0..PERIODS.len() {
                    let night = if pi == 0 { (0.4 * d).exp() } else { 1.0 };
                    light[k * PERIODS.len() + pi]
                        .push(lux[pi] * l_p * drng.normal(0.0, 0.3).exp() * night);
                    temp[k * PERIODS.len() + pi]
                        .push(t_p + offset[pi] + trend + drng.normal(0.0, 0.6));
                }
            }
            // The rule sees the values as written (heart rate to one decimal).
            let heart = round_to(heart, 1);
            let hallway_night = *act[4 * PERIODS.len()].last().expect("pushed above");
            let logit = AGITATION_INTERCEPT
                + u_p
                + 1.6 * f64::from(u8::from(hallway_night >= 4))
                + 1.2 * f64::from(u8::from(visits >= 3))
                + 1.0 * f64::from(u8::from(heart >= 70.0));
            agit.push(i64::from(drng.bernoulli(sigmoid(logit))));
            hr.push(heart);
            rr.push(resp);
            nbv.push(visits);
        }
    }
    let mut columns = vec![
        SynthColumn::text("patient_id", ids),
        SynthColumn::int("day", day_col),
        SynthColumn::text("age_band", age_band),
        SynthColumn::text("sex", sex),
    ];
    for (ri, room) in ROOMS.iter().enumerate() {
        for (pi, period) in PERIODS.iter().enumerate() {
            columns.push(SynthColumn::int(
                &format!("act_{room}_{period}"),
                std::mem::take(&mut act[ri * PERIODS.len() + pi]),
            ));
        }
    }
    for (k, room) in ["kitchen", "lounge"].iter().enumerate() {
        for (pi, period) in PERIODS.iter().enumerate() {
            columns.push(SynthColumn::float(
                &format!("{room}_light_{period}"),
                std::mem::take(&mut light[k * PERIODS.len() + pi]),
                1,
            ));
        }
        for (pi, period) in PERIODS.iter().enumerate() {
            columns.push(SynthColumn::float(
                &format!("{room}_temp_{period}"),
                std::mem::take(&mut temp[k * PERIODS.len() + pi]),
                1,
            ));
        }
    }
    columns.push(SynthColumn::float("sleep_heart_rate", hr, 1));
    columns.push(SynthColumn::float("sleep_resp_rate", rr, 1));
    columns.push(SynthColumn::int("night_bathroom_visits", nbv));
    columns.push(SynthColumn::int("agitation", agit));
    Cohort {
        name: "inhome_monitoring",
        description: format!(
            "{patients} patients × {days} days. agitation ~ Bernoulli(σ({AGITATION_INTERCEPT} + u_p + \
             1.6·[act_hallway_night ≥ 4] + 1.2·[night_bathroom_visits ≥ 3] + 1.0·[sleep_heart_rate ≥ 70])), \
             u_p ~ N(0, 0.9²) per patient; features driven by a per-patient level and an AR(1) daily \
             disturbance (0.7, sd 0.7)."
        ),
        columns,
        spec: spec(
            "agitation",
            TargetKind::Classes,
            Some("patient_id"),
            Some("day"),
            &[],
        ),
    }
}

/// UK-Biobank-style participants with a week of wrist accelerometry and five other feature
/// groups, and a rare future Parkinson's diagnosis.
///
/// Generating process, per participant (stream 4):
/// * `age` uniform 45–79, `sex_male` ~ Bernoulli(0.45).
/// * Genetics (`gen_`): polygenic risk score N(0, 1), family history Bernoulli(0.08), GBA
///   carrier Bernoulli(0.015). Lifestyle (`life_`): current smoker Bernoulli(0.12), coffee
///   cups/day Poisson(2), alcohol units/week Poisson(8), physical activity MET-h/week
///   N(30, 10²) ≥ 0.
/// * Parkinson's liability ℓ = −3.6 + 0.06·(age − 62) + 0.35·sex_male + 0.45·prs +
///   0.8·family_history + 1.5·gba − 0.4·smoker − 0.08·coffee; Parkinson's ~ Bernoulli(σ(ℓ)),
///   and a case is `prodromal` (diagnosed after the accelerometry week) with probability 0.55,
///   else `diagnosed` (before it). Non-cases have an `other_disorder` (another neurological or
///   movement disorder) with probability 0.08·exp(0.04·(age − 62)), else are `healthy`.
/// * Severity s = 1.8 diagnosed, 1.0 prodromal, 0 otherwise; o = 1 for other disorders.
///   Blood (`blood_`, weak): urate N(300 − 15·s, 70²), CRP lognormal, HbA1c N(36 + 2·o, 5²),
///   vitamin D N(48 − 3·s, 18²). Prodromal symptoms (`prod_`, binary): constipation, REM sleep
///   behaviour disorder, hyposmia, depression, orthostatic hypotension, urinary urgency, with
///   base rates 0.10 / 0.02 / 0.05 / 0.08 / 0.03 / 0.06 multiplied in cases by
///   2.5 / 7 / 4 / 1.6 / 2 / 1.5. Accelerometry (`acc_`, strongest): mean acceleration
///   N(28 − 0.12·(age − 62) − 3.2·s − 1.5·o, 5²) mg, moderate activity, sleep duration and
///   efficiency, activity bouts, gait regularity and night movement, each shifted by s.
/// * `future_diagnosis` = 1 for prodromal cases. `matched_control` = 1 for up to four healthy
///   participants per case with the same sex and age within one year, taken in id order.
pub fn parkinsons_wearables(n: usize, seed: u64) -> Cohort {
    let mut rng = SynthRng::new(seed, 4);
    let mut c = Columns::default();
    let mut groups = Vec::with_capacity(n);
    let mut ages = Vec::with_capacity(n);
    let mut sexes = Vec::with_capacity(n);
    for i in 0..n {
        let age = rng.int_range(45, 79);
        let male = rng.bernoulli(0.45);
        let prs = rng.normal(0.0, 1.0);
        let fam = rng.bernoulli(0.08);
        let gba = rng.bernoulli(0.015);
        let smoker = rng.bernoulli(0.12);
        let coffee = rng.poisson(2.0);
        let alcohol = rng.poisson(8.0);
        let met = rng.normal(30.0, 10.0).max(0.0);
        let b = |x: bool| f64::from(u8::from(x));
        let liability = -3.6
            + 0.06 * (age as f64 - 62.0)
            + 0.35 * b(male)
            + 0.45 * prs
            + 0.8 * b(fam)
            + 1.5 * b(gba)
            - 0.4 * b(smoker)
            - 0.08 * coffee as f64;
        let group = if rng.bernoulli(sigmoid(liability)) {
            if rng.bernoulli(0.55) {
                "prodromal"
            } else {
                "diagnosed"
            }
        } else if rng.bernoulli(0.08 * (0.04 * (age as f64 - 62.0)).exp()) {
            "other_disorder"
        } else {
            "healthy"
        };
        let s = match group {
            "diagnosed" => 1.8,
            "prodromal" => 1.0,
            _ => 0.0,
        };
        let o = b(group == "other_disorder");
        let case = s > 0.0;

        c.text("participant_id", format!("ID{:05}", i + 1));
        c.int("age", age);
        c.int("sex_male", i64::from(male));
        c.float("gen_prs", prs, 3);
        c.int("gen_family_history", i64::from(fam));
        c.int("gen_gba_carrier", i64::from(gba));
        c.int("life_smoking_current", i64::from(smoker));
        c.int("life_coffee_cups", coffee as i64);
        c.int("life_alcohol_units", alcohol as i64);
        c.float("life_activity_met_h", met, 1);
        c.float(
            "blood_urate",
            rng.normal(300.0 - 15.0 * s, 70.0).max(60.0),
            0,
        );
        c.float("blood_crp", rng.normal(0.3 + 0.1 * o, 0.9).exp(), 2);
        c.float("blood_hba1c", rng.normal(36.0 + 2.0 * o, 5.0), 1);
        c.float(
            "blood_vitamin_d",
            rng.normal(48.0 - 3.0 * s, 18.0).max(5.0),
            1,
        );
        for (name, base, mult) in [
            ("prod_constipation", 0.10, 2.5),
            ("prod_rbd", 0.02, 7.0),
            ("prod_hyposmia", 0.05, 4.0),
            ("prod_depression", 0.08, 1.6),
            ("prod_orthostatic_hypotension", 0.03, 2.0),
            ("prod_urinary_urgency", 0.06, 1.5),
        ] {
            let p: f64 = if case {
                f64::min(base * mult, 0.9)
            } else {
                base
            };
            c.int(name, i64::from(rng.bernoulli(p)));
        }
        let age_c = age as f64 - 62.0;
        c.float(
            "acc_mean_acceleration_mg",
            rng.normal(28.0 - 0.12 * age_c - 3.2 * s - 1.5 * o, 5.0)
                .max(5.0),
            2,
        );
        c.float(
            "acc_moderate_activity_min",
            rng.normal(55.0 - 0.5 * age_c - 9.0 * s - 4.0 * o, 18.0)
                .max(0.0),
            1,
        );
        c.float("acc_sleep_duration_h", rng.normal(7.0 + 0.2 * s, 0.8), 2);
        c.float(
            "acc_sleep_efficiency",
            rng.normal(0.85 - 0.03 * s, 0.05).clamp(0.4, 0.99),
            3,
        );
        c.int(
            "acc_activity_bouts",
            rng.poisson(22.0 * (-0.15 * s - 0.1 * o).exp()) as i64,
        );
        c.float(
            "acc_gait_regularity",
            rng.normal(0.75 - 0.07 * s, 0.07).clamp(0.0, 1.0),
            3,
        );
        c.float(
            "acc_night_movement",
            rng.normal(1.0 + 0.25 * s, 0.3).max(0.0),
            3,
        );
        groups.push(group);
        ages.push(age);
        sexes.push(male);
    }
    // Matched controls: for each case in id order, up to four unused healthy participants of
    // the same sex and age within one year, in id order.
    let mut matched = vec![0i64; n];
    for case in (0..n).filter(|&i| matches!(groups[i], "prodromal" | "diagnosed")) {
        let mut taken = 0;
        for j in 0..n {
            if taken == 4 {
                break;
            }
            if groups[j] == "healthy"
                && matched[j] == 0
                && sexes[j] == sexes[case]
                && (ages[j] - ages[case]).abs() <= 1
            {
                matched[j] = 1;
                taken += 1;
            }
        }
    }
    let future: Vec<i64> = groups
        .iter()
        .map(|g| i64::from(*g == "prodromal"))
        .collect();
    let mut columns = c.finish();
    columns.push(SynthColumn::text(
        "cohort_group",
        groups.iter().map(|g| g.to_string()).collect(),
    ));
    columns.push(SynthColumn::int("matched_control", matched));
    columns.push(SynthColumn::int("future_diagnosis", future));
    Cohort {
        name: "parkinsons_wearables",
        description: format!(
            "{n} participants; Parkinson's liability from age, sex, genetics and lifestyle; \
             55 % of cases prodromal (future_diagnosis = 1); accelerometry shifted by severity \
             (diagnosed 1.8, prodromal 1.0), blood and prodromal symptoms weakly."
        ),
        columns,
        spec: spec(
            "future_diagnosis",
            TargetKind::Classes,
            None,
            None,
            &["participant_id", "matched_control"],
        ),
    }
}

/// Names of the five ordered severity groups of [`dementia_severity`], by code 0–4.
pub const SEVERITY_LEVELS: [&str; 5] =
    ["normal", "mild", "moderate", "moderately_severe", "severe"];

/// Longitudinal in-home assessments of people with dementia, with five ordered severity
/// groups ([`SEVERITY_LEVELS`]).
///
/// Generating process, per participant (stream 5): `age_baseline` uniform 65–90, `sex`
/// F/M (0.6/0.4), `education_years` N(12, 3²) rounded, clipped to [6, 20]; a latent severity
/// z(t) = z0 + rate·t + N(0, 0.15²) with z0 ~ N(1.2, 1²) and rate = exp(N(ln 0.35, 0.5²))
/// per year; visits every 3 months, 6–12 visits. `severity` = number of thresholds
/// 0.5 / 1.5 / 2.5 / 3.5 below z (0–4). Assessments are noisy functions of z: `mmse` =
/// 29 − 4.2·z + 0.15·(education − 12) + N(0, 1.8²) (0–30, whole), `adl_score` = 100 − 12·z +
/// N(0, 6²) (0–100), `npi_score` = 4 + 6·z + N(0, 5²) ≥ 0, `sleep_disturbance_nights` per week
/// N(0.8 + 0.9·z, 1.2²) (0–7, whole), `daily_steps` = 6500·exp(−0.25·z + N(0, 0.3²)) −
/// 40·(age − 75) ≥ 200, `gait_speed` = 1.15 − 0.12·z − 0.006·(age − 75) + N(0, 0.1²) ≥ 0.2 m/s,
/// `night_activity_events` ~ Poisson(2 + 1.5·z⁺), `kitchen_visits` ~ Poisson(max(1, 14 − 2.2·z)).
pub fn dementia_severity(participants: usize, seed: u64) -> Cohort {
    let mut rng = SynthRng::new(seed, 5);
    let mut c = Columns::default();
    for p in 0..participants {
        let age0 = rng.int_range(65, 90);
        let sex = if rng.bernoulli(0.6) { "F" } else { "M" };
        let edu = rng.normal(12.0, 3.0).round().clamp(6.0, 20.0);
        let z0 = rng.normal(1.2, 1.0);
        let rate = rng.normal(0.35f64.ln(), 0.5).exp();
        let visits = rng.int_range(6, 12);
        for v in 0..visits {
            let years = v as f64 * 0.25;
            let z = z0 + rate * years + rng.normal(0.0, 0.15);
            let severity = [0.5, 1.5, 2.5, 3.5].iter().filter(|&&th| z > th).count() as i64;
            let age = age0 as f64 + years;
            c.text("participant_id", format!("D{:03}", p + 1));
            c.int("visit", v);
            c.int("month", 3 * v);
            c.float("age", age, 2);
            c.text("sex", sex.to_string());
            c.int("education_years", edu as i64);
            c.int(
                "mmse",
                rng.normal(29.0 - 4.2 * z + 0.15 * (edu - 12.0), 1.8)
                    .round()
                    .clamp(0.0, 30.0) as i64,
            );
            c.float(
                "adl_score",
                rng.normal(100.0 - 12.0 * z, 6.0).clamp(0.0, 100.0),
                1,
            );
            c.float("npi_score", rng.normal(4.0 + 6.0 * z, 5.0).max(0.0), 1);
            c.int(
                "sleep_disturbance_nights",
                rng.normal(0.8 + 0.9 * z, 1.2).round().clamp(0.0, 7.0) as i64,
            );
            c.int(
                "daily_steps",
                (6500.0 * (-0.25 * z + rng.normal(0.0, 0.3)).exp() - 40.0 * (age - 75.0))
                    .max(200.0)
                    .round() as i64,
            );
            c.float(
                "gait_speed",
                rng.normal(1.15 - 0.12 * z - 0.006 * (age - 75.0), 0.1)
                    .max(0.2),
                3,
            );
            c.int(
                "night_activity_events",
                rng.poisson(2.0 + 1.5 * z.max(0.0)) as i64,
            );
            c.int(
                "kitchen_visits",
                rng.poisson((14.0 - 2.2 * z).max(1.0)) as i64,
            );
            c.int("severity", severity);
        }
    }
    Cohort {
        name: "dementia_severity",
        description: format!(
            "{participants} participants, quarterly visits (6–12); latent z = z0 + rate·years, \
             z0 ~ N(1.2, 1), rate ~ lognormal(ln 0.35, 0.5); severity = thresholds 0.5/1.5/2.5/3.5 on z."
        ),
        columns: c.finish(),
        spec: spec(
            "severity",
            TargetKind::Classes,
            Some("participant_id"),
            Some("month"),
            &["visit"],
        ),
    }
}

/// Row-wise column collection: columns appear in the order first pushed.
#[derive(Default)]
struct Columns {
    order: Vec<String>,
    data: std::collections::BTreeMap<String, SynthColumn>,
}

impl Columns {
    fn entry(&mut self, name: &str, make: impl FnOnce() -> SynthColumn) -> &mut SynthColumn {
        if !self.data.contains_key(name) {
            self.order.push(name.to_string());
            self.data.insert(name.to_string(), make());
        }
        self.data.get_mut(name).expect("inserted above")
    }
    fn float(&mut self, name: &str, v: f64, decimals: usize) {
        if let SynthColumn::Float { values, .. } =
            self.entry(name, || SynthColumn::float(name, vec![], decimals))
        {
            values.push(v);
        }
    }
    fn int(&mut self, name: &str, v: i64) {
        if let SynthColumn::Int { values, .. } = self.entry(name, || SynthColumn::int(name, vec![]))
        {
            values.push(v);
        }
    }
    fn text(&mut self, name: &str, v: String) {
        if let SynthColumn::Text { values, .. } =
            self.entry(name, || SynthColumn::text(name, vec![]))
        {
            values.push(v);
        }
    }
    fn finish(mut self) -> Vec<SynthColumn> {
        self.order
            .iter()
            .map(|n| self.data.remove(n).expect("every ordered name has data"))
            .collect()
    }
}
