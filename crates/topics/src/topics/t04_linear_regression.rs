//! 04 — linear regression: recovering a known linear risk model, error metrics, under- and
//! over-fitting with polynomial degree, and the course's diabetes replication.

use ml4ns_data_io::{classic, synth, Table, Target};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Replication, Report, Section, Table as T};
use ml4ns_validation::metrics as m;
use ndarray::{Array1, Array2};

use crate::common::{fit, inverse, one_split, select_features, train_test, values};
use crate::{Context, TopicError};

const ID: &str = "04-linear-regression";

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Linear regression",
        "Does least squares recover a known linear risk model, how are regression errors \
         measured, and how does model flexibility trade training fit against test error?",
    );
    report.data = format!(
        "- `cognitive_risk` cohort ({} rows, seed {}): risk = 5 + 0.8·age − 2.5·sleep_quality \
         − 1.2·cognitive_test_score + N(0, 3²), correlated predictors (see `datasets/SOURCES.md`).\n\
         - scikit-learn's diabetes data (442 patients, 10 scaled features, disease progression \
         after one year), as `load_diabetes()` returns it.\n\
         - A one-dimensional curve for the degree sweep: x ~ U(−3, 3), y = 0.5x³ − x² − 2x + \
         N(0, 2²), 30 training and 300 test points (seeded).\n",
        1000,
        synth::COMMITTED_SEED
    );
    cognitive_risk(&mut report)?;
    degree_sweep(&mut report)?;
    diabetes(&mut report)?;
    Ok(report)
}

fn cognitive_risk(report: &mut Report) -> Result<(), TopicError> {
    let table = synth::cognitive_risk(1000, synth::COMMITTED_SEED).table()?;
    let truth = synth::COGNITIVE_RISK_TRUTH;
    let fitted = fit("ols", &table)?;
    let (coef, intercept) = fitted.coefficients().ok_or("OLS has coefficients")?;
    // Standard errors from σ̂²·(XᵀX)⁻¹ with an intercept column.
    let n = table.n_rows();
    let p = table.n_features();
    let mut design = Array2::ones((n, p + 1));
    design.slice_mut(ndarray::s![.., 1..]).assign(&table.x);
    let y = Array1::from(values(&table)?);
    let pred = fitted.predict(table.x.view())?;
    let resid = &y - &pred;
    let sigma2 = resid.dot(&resid) / (n - p - 1) as f64;
    let cov = inverse(&design.t().dot(&design)).ok_or("singular design")? * sigma2;
    let se: Vec<f64> = (0..=p).map(|i| cov[[i, i]].sqrt()).collect();
    let names = [
        "intercept",
        "age (α)",
        "sleep_quality (β)",
        "cognitive_test_score (θ)",
    ];
    let truths = [
        truth.intercept,
        truth.age,
        truth.sleep_quality,
        truth.cognitive_test_score,
    ];
    let estimates = [intercept, coef[0], coef[1], coef[2]];
    let mut t = T::new([
        "term",
        "truth",
        "estimate",
        "standard error",
        "|error| / SE",
    ]);
    for i in 0..=p {
        let z = (estimates[i] - truths[i]).abs() / se[i];
        t.push([
            names[i].to_string(),
            fixed(truths[i], 3),
            fixed(estimates[i], 4),
            fixed(se[i], 4),
            fixed(z, 2),
        ]);
        report.checks.push(Check::at_most(
            format!(
                "{} is within 3 standard errors of the generator's value",
                names[i]
            ),
            z,
            3.0,
            2,
        ));
    }
    report.checks.push(Check::close(
        "the residual standard deviation estimates the noise (σ = 3)",
        sigma2.sqrt(),
        truth.noise_sd,
        0.3,
        3,
    ));

    // Held-out error metrics.
    let split = one_split("train_test_split:test_size=0.2,random_state=42", &table)?;
    let (train, test) = train_test(&table, &split);
    let f = fit("ols", &train)?;
    let (yt, yp) = (values(&test)?, f.predict(test.x.view())?.to_vec());
    let (mae, mse, rmse, r2) = (
        m::mae(&yt, &yp)?,
        m::mse(&yt, &yp)?,
        m::rmse(&yt, &yp)?,
        m::r2(&yt, &yp, true)?,
    );
    let metrics = T::new(["metric", "test value", "meaning"])
        .row(["MAE", &fixed(mae, 3), "mean |y − ŷ|, in risk points"])
        .row([
            "MSE",
            &fixed(mse, 3),
            "mean (y − ŷ)², squares weigh large errors",
        ])
        .row(["RMSE", &fixed(rmse, 3), "√MSE, back in risk points"])
        .row(["R²", &fixed(r2, 4), "share of the variance of y explained"]);
    report
        .metrics
        .push(Metric::new("cognitive-risk test R²", r2, 4));
    report.checks.push(Check::at_least(
        "R² on held-out participants is high",
        r2,
        0.9,
        4,
    ));
    report.checks.push(Check::equal(
        "RMSE = √MSE and MAE ≤ RMSE",
        format!("{}", (rmse - mse.sqrt()).abs() < 1e-12 && mae <= rmse),
        "true",
    ));
    report.sections.push(
        Section::new("Recovering the risk model")
            .para(
                "Ordinary least squares on all 1,000 participants. The generator's coefficients \
                 are known, so the estimates can be judged by their standard errors \
                 (σ̂²·(XᵀX)⁻¹): the predictors are correlated, which widens them, but every \
                 estimate should sit within a few standard errors of the truth.",
            )
            .table(t),
    );
    report.sections.push(
        Section::new("Error metrics on held-out rows")
            .para(
                "Fitted on 800 participants, scored on 200 (`train_test_split(test_size=0.2, \
                 random_state=42)`). The RMSE should be close to the noise's 3 points: the \
                 model cannot predict the noise.",
            )
            .table(metrics),
    );
    Ok(())
}

fn degree_sweep(report: &mut Report) -> Result<(), TopicError> {
    let mut rng = synth::SynthRng::new(4, 0);
    let mut make = |n: usize| -> Result<Table, TopicError> {
        let x: Vec<f64> = (0..n).map(|_| rng.uniform_range(-3.0, 3.0)).collect();
        let y: Vec<f64> = x
            .iter()
            .map(|&v| 0.5 * v.powi(3) - v * v - 2.0 * v + rng.normal(0.0, 2.0))
            .collect();
        Ok(Table::from_features(
            "curve",
            Array2::from_shape_vec((n, 1), x)?,
            vec!["x".into()],
        )?
        .with_target(Target::Continuous {
            name: "y".into(),
            values: Array1::from(y),
        })?)
    };
    let train = make(30)?;
    let test = make(300)?;
    let mut train_mse = Vec::new();
    let mut test_mse = Vec::new();
    let degrees: Vec<usize> = (1..=12).collect();
    for &d in &degrees {
        let f = fit(format!("polynomial:degree={d}").as_str(), &train)?;
        let tr = m::mse(&values(&train)?, &f.predict(train.x.view())?.to_vec())?;
        let te = m::mse(&values(&test)?, &f.predict(test.x.view())?.to_vec())?;
        train_mse.push(tr);
        test_mse.push(te);
    }
    let best = (0..degrees.len())
        .min_by(|&a, &b| test_mse[a].total_cmp(&test_mse[b]))
        .expect("degrees");
    let mut t = T::new(["degree", "training MSE", "test MSE"]);
    for (i, d) in degrees.iter().enumerate() {
        t.push([d.to_string(), fixed(train_mse[i], 3), fixed(test_mse[i], 3)]);
    }
    let fig = Figure::lines(
        "Polynomial degree: training vs test error",
        "degree",
        "MSE (log10)",
        &[
            Series::new(
                "training",
                degrees
                    .iter()
                    .zip(&train_mse)
                    .map(|(&d, &e)| (d as f64, e.log10()))
                    .collect(),
            ),
            Series::new(
                "test",
                degrees
                    .iter()
                    .zip(&test_mse)
                    .map(|(&d, &e)| (d as f64, e.log10()))
                    .collect(),
            ),
        ],
        LineOptions {
            markers: true,
            ..LineOptions::default()
        },
    );
    let monotone = train_mse.windows(2).all(|w| w[1] <= w[0] * (1.0 + 1e-9));
    report.checks.push(Check::equal(
        "training error never rises with the degree (nested models)",
        monotone.to_string(),
        "true",
    ));
    report.checks.push(Check::greater(
        "degree 1 under-fits: its test error exceeds the best degree's",
        ("degree 1", test_mse[0]),
        (format!("degree {}", degrees[best]).as_str(), test_mse[best]),
        3,
    ));
    report.checks.push(Check::greater(
        "degree 12 over-fits: its test error exceeds the best degree's",
        ("degree 12", test_mse[11]),
        (format!("degree {}", degrees[best]).as_str(), test_mse[best]),
        3,
    ));
    report.checks.push(Check::equal(
        "the best test degree is between 2 and 5 (the truth is cubic)",
        ((2..=5).contains(&degrees[best])).to_string(),
        "true",
    ));
    report.metrics.push(Metric::new(
        "best polynomial degree",
        degrees[best] as f64,
        0,
    ));
    report.sections.push(
        Section::new("Under- and over-fitting")
            .para(
                "Polynomials of growing degree fitted by least squares to 30 points of a noisy \
                 cubic. Training error can only fall as terms are added; test error falls \
                 while the model gains what it lacked (under-fitting) and rises once it starts \
                 fitting the noise of its 30 points (over-fitting).",
            )
            .table(t)
            .figure(
                "degree_sweep",
                "Training and test MSE by polynomial degree",
                fig,
            ),
    );
    Ok(())
}

fn diabetes(report: &mut Report) -> Result<(), TopicError> {
    let table = classic::diabetes();
    let mut rows = Vec::new();
    // Full model, test_size = 0.2.
    let split = one_split("train_test_split:test_size=0.2,random_state=42", &table)?;
    let (train, test) = train_test(&table, &split);
    let f = fit("ols", &train)?;
    let (coef, intercept) = f.coefficients().ok_or("OLS has coefficients")?;
    let (yt, yp) = (values(&test)?, f.predict(test.x.view())?.to_vec());
    let r2 = m::r2(&yt, &yp, true)?;
    rows.push(Replication::number(
        ID,
        "diabetes OLS, test 0.2: R²",
        "0.45260",
        r2,
        5e-6,
    ));
    rows.push(Replication::number(
        ID,
        "diabetes OLS, test 0.2: MAE",
        "42.794",
        m::mae(&yt, &yp)?,
        5e-4,
    ));
    rows.push(Replication::number(
        ID,
        "diabetes OLS, test 0.2: MSE",
        "2900.19",
        m::mse(&yt, &yp)?,
        5e-3,
    ));
    rows.push(Replication::number(
        ID,
        "diabetes OLS, test 0.2: intercept",
        "151.3456",
        intercept,
        5e-5,
    ));
    let course = [
        "37.90", "-241.96", "542.43", "347.70", "-931.49", "518.06", "163.42", "275.32", "736.20",
        "48.67",
    ];
    for (i, c) in course.iter().enumerate() {
        rows.push(Replication::number(
            ID,
            format!(
                "diabetes OLS, test 0.2: coefficient of {}",
                table.feature_names[i]
            ),
            c,
            coef[i],
            5e-3,
        ));
    }
    let fig = Figure::scatter(
        "Diabetes: predicted vs measured progression (test rows)",
        "measured",
        "predicted",
        &[Series::new(
            "test patients",
            yt.iter().copied().zip(yp.iter().copied()).collect(),
        )],
        None,
    );
    report.metrics.push(Metric::new("diabetes test R²", r2, 5));
    // test_size = 0.1.
    let split = one_split("train_test_split:test_size=0.1,random_state=42", &table)?;
    let (train, test) = train_test(&table, &split);
    let f = fit("ols", &train)?;
    let (yt, yp) = (values(&test)?, f.predict(test.x.view())?.to_vec());
    rows.push(Replication::number(
        ID,
        "diabetes OLS, test 0.1: MSE",
        "2743.91",
        m::mse(&yt, &yp)?,
        5e-3,
    ));
    rows.push(Replication::number(
        ID,
        "diabetes OLS, test 0.1: R²",
        "0.55142",
        m::r2(&yt, &yp, true)?,
        5e-6,
    ));
    // Blood pressure alone, test_size = 0.1.
    let bp = select_features(&table, &["bp"])?;
    let (train, test) = train_test(&bp, &split);
    let f = fit("ols", &train)?;
    let (coef, _) = f.coefficients().ok_or("OLS has coefficients")?;
    let (yt, yp) = (values(&test)?, f.predict(test.x.view())?.to_vec());
    rows.push(Replication::number(
        ID,
        "diabetes bp alone, test 0.1: coefficient",
        "703.29",
        coef[0],
        5e-3,
    ));
    rows.push(Replication::number(
        ID,
        "diabetes bp alone, test 0.1: MSE",
        "4888.76",
        m::mse(&yt, &yp)?,
        5e-3,
    ));
    rows.push(Replication::number(
        ID,
        "diabetes bp alone, test 0.1: R²",
        "0.20078",
        m::r2(&yt, &yp, true)?,
        5e-6,
    ));
    report.sections.push(
        Section::new("Diabetes (course replication)")
            .para(
                "The course notebook's diabetes regressions, on scikit-learn's scaled features \
                 and its `train_test_split(random_state=42)` rows, reproduced by the port of \
                 NumPy's generator. The numbers are in the replication table below and in \
                 `reports/replication.md`. One feature (blood pressure) explains a fifth of \
                 the variance; all ten, about half.",
            )
            .figure(
                "diabetes_predicted",
                "Diabetes: predicted vs measured (test rows, test_size 0.2)",
                fig,
            ),
    );
    report.replication = rows;
    Ok(())
}
