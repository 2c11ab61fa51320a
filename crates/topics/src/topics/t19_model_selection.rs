//! 19 — model selection: nested cross-validation compares model families, each tuned in an
//! inner loop, and separates the honest estimate from the optimistic inner-loop best.

use std::collections::BTreeMap;

use ml4ns_data_io::synth;
use ml4ns_models::{Model, Pipeline, Scaling};
use ml4ns_reporting::{fixed, Check, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics as m;
use ml4ns_validation::selection::{
    grid_search, mean_std, nested_cv, splits_for, Param, ParamGrid, Params, Scoring,
};
use ml4ns_validation::Cv;

use crate::common::codes;
use crate::{Context, TopicError};

const ID: &str = "19-model-selection";
const OUTER: &str = "stratified_group_kfold:n_splits=5";
const INNER: &str = "stratified_group_kfold:n_splits=3";
const SCORING: Scoring = Scoring::BalancedAccuracy;

/// A model family: its spec prefix and the grid its inner loop searches.
struct Family {
    name: &'static str,
    model: &'static str,
    grid: ParamGrid,
}

fn nums(v: &[f64]) -> Vec<Param> {
    v.iter().map(|&x| Param::Num(x)).collect()
}

fn families() -> Vec<Family> {
    vec![
        Family {
            name: "logistic regression",
            model: "logistic",
            grid: ParamGrid::new().axis("c", nums(&[0.01, 0.1, 1.0, 10.0])),
        },
        Family {
            name: "k nearest neighbours",
            model: "knn",
            grid: ParamGrid::new().axis("k", nums(&[1.0, 5.0, 15.0, 45.0])),
        },
        Family {
            name: "Gaussian naive Bayes",
            model: "gaussian_nb",
            grid: ParamGrid::new().axis("var_smoothing", nums(&[1e-9, 1e-3, 1e-1])),
        },
        Family {
            name: "decision tree",
            model: "decision_tree",
            grid: ParamGrid::new().axis("max_depth", nums(&[2.0, 4.0, 8.0])),
        },
        Family {
            name: "random forest (50 trees)",
            model: "random_forest:n_trees=50,seed=0",
            grid: ParamGrid::new().axis("max_depth", nums(&[4.0, 8.0])),
        },
    ]
}

/// The spec of `model` with `params` (numbers as scikit-learn would print them).
fn spec(model: &str, params: &Params) -> String {
    let mut parts: Vec<String> = Vec::new();
    let (name, fixed_part) = model.split_once(':').unwrap_or((model, ""));
    if !fixed_part.is_empty() {
        parts.push(fixed_part.to_string());
    }
    for (k, v) in params {
        parts.push(format!("{k}={v}"));
    }
    if parts.is_empty() {
        name.to_string()
    } else {
        format!("{name}:{}", parts.join(","))
    }
}

fn params_text(params: &Params) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn learner(model: &str, params: &Params) -> Result<Pipeline, TopicError> {
    Ok(Pipeline::new(Model::parse(&spec(model, params))?).scaling(Scaling::Standard))
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Model selection",
        "Which model family should stage dementia severity, and how good will it really be? \
         Nested cross-validation answers both without letting the choice flatter the estimate.",
    );
    let table = synth::dementia_severity(150, synth::COMMITTED_SEED).table()?;
    let y = codes(&table)?;
    let n_classes = table
        .class_target()
        .ok_or("severity is a class target")?
        .classes
        .len();
    report.data = format!(
        "- The `dementia_severity` cohort (150 participants, {} visits, seed {}): {} numeric \
         features (`sex` is text and left out), target `severity`, {} ordered stages.\n\
         - Outer loop: 5 patient-wise stratified folds (`{OUTER}`); inner loop, on each outer \
         training set only: 3 patient-wise stratified folds (`{INNER}`). Scoring: balanced \
         accuracy (the stages are unequal in size). Features standardised inside every fit.\n",
        table.n_rows(),
        synth::COMMITTED_SEED,
        table.n_features(),
        n_classes,
    );
    let (outer, inner) = (Cv::parse(OUTER)?, Cv::parse(INNER)?);

    // Chance: predicting each training fold's most common stage.
    let mut chance = Vec::new();
    for s in splits_for(&outer, &table)? {
        let mut counts = vec![0usize; n_classes];
        s.train.iter().for_each(|&i| counts[y[i]] += 1);
        let majority = (0..n_classes)
            .max_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let truth: Vec<usize> = s.test.iter().map(|&i| y[i]).collect();
        chance.push(m::balanced_accuracy(&truth, &vec![majority; truth.len()])?);
    }
    let (chance_mean, _) = mean_std(&chance);

    let mut decision = T::new([
        "family",
        "grid",
        "chosen per outer fold",
        "inner-loop best (optimistic)",
        "outer test (honest)",
        "optimism",
    ]);
    let mut rows: Vec<(&str, f64, f64, f64, String)> = Vec::new();
    for f in families() {
        let folds = nested_cv(
            |p: &Params| -> Result<Pipeline, _> { learner(f.model, p) },
            &f.grid,
            &table,
            &outer,
            &inner,
            SCORING,
        )?;
        let inner_scores: Vec<f64> = folds.iter().map(|n| n.inner_score).collect();
        let outer_scores: Vec<f64> = folds.iter().map(|n| n.outer_score).collect();
        let (im, _) = mean_std(&inner_scores);
        let (om, osd) = mean_std(&outer_scores);
        let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
        for n in &folds {
            *chosen.entry(params_text(&n.params)).or_default() += 1;
        }
        let chosen_text = chosen
            .iter()
            .map(|(p, c)| format!("{p} (×{c})"))
            .collect::<Vec<_>>()
            .join("; ");
        let grid_text = f
            .grid
            .points()
            .iter()
            .map(params_text)
            .collect::<Vec<_>>()
            .join(" · ");
        decision.push([
            f.name.to_string(),
            grid_text,
            chosen_text,
            fixed(im, 3),
            format!("{} ± {}", fixed(om, 3), fixed(osd, 3)),
            format!("{:+.3}", im - om),
        ]);
        // The final model of a family: its grid searched on every row (for deployment only;
        // its CV score is not an estimate).
        let full = grid_search(
            |p: &Params| -> Result<Pipeline, _> { learner(f.model, p) },
            &f.grid,
            &table,
            &outer,
            SCORING,
        )?;
        rows.push((
            f.name,
            im,
            om,
            full.best_score(),
            spec(f.model, full.best_params()),
        ));
    }
    let winner = rows
        .iter()
        .fold(&rows[0], |b, r| if r.2 > b.2 { r } else { b })
        .clone();
    let best_inner = rows.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
    let best_flat = rows.iter().map(|r| r.3).fold(f64::NEG_INFINITY, f64::max);
    let mean_optimism = rows.iter().map(|r| r.1 - r.2).sum::<f64>() / rows.len() as f64;

    report.checks.push(Check::greater(
        "the chosen family beats predicting the most common stage",
        (winner.0, winner.2),
        ("majority stage", chance_mean),
        3,
    ));
    report.metrics.push(Metric::new(
        format!("honest balanced accuracy, {}", winner.0),
        winner.2,
        3,
    ));
    report.metrics.push(Metric::new(
        "best inner-loop score (optimistic)",
        best_inner,
        3,
    ));
    report.metrics.push(Metric::new(
        "mean optimism of the inner loop",
        mean_optimism,
        3,
    ));

    // Selection bias, isolated: labels that carry no signal.
    let noise = noise_experiment(&table)?;
    report.checks.push(Check::close(
        "on labels that carry no signal, the nested estimate stays at chance (mean over 5 label \
         draws)",
        noise.nested,
        0.5,
        0.05,
        3,
    ));
    report.checks.push(Check::at_least(
        "…while the best of the flat grid search claims skill that is not there (flat best − \
         nested, mean over 5 label draws)",
        noise.flat - noise.nested,
        0.04,
        3,
    ));
    report.metrics.push(Metric::new(
        "no-signal labels: flat grid-search best accuracy",
        noise.flat,
        3,
    ));

    let mut summary = T::new(["estimate", "balanced accuracy", "what it measures"]);
    summary.push([
        format!("nested CV, {}", winner.0),
        fixed(winner.2, 3),
        "the whole procedure (tune, then fit) on unseen patients: report this".to_string(),
    ]);
    summary.push([
        "best inner-loop score".to_string(),
        fixed(best_inner, 3),
        "the winner of a search, on smaller training sets (see below)".to_string(),
    ]);
    summary.push([
        "flat grid search, best over families".to_string(),
        fixed(best_flat, 3),
        "the same folds chose and scored the model: biased upwards".to_string(),
    ]);
    summary.push([
        "majority stage".to_string(),
        fixed(chance_mean, 3),
        "the floor".to_string(),
    ]);

    report.sections.push(
        Section::new("Nested cross-validation by family")
            .para(
                "Each family's grid is searched by the inner loop on the outer training \
                 patients only; the chosen setting is refitted on them and scored on the outer \
                 test patients, who took no part in the choice. The inner-loop best is the \
                 score that won the search; the outer score is what the procedure delivers. \
                 Their difference is the optimism a non-nested estimate would carry. The \
                 settings chosen per fold show how stable the choice is.",
            )
            .table(decision),
    );
    report.sections.push(
        Section::new("The decision")
            .para(format!(
                "Choose the family with the best honest estimate: {}, balanced accuracy {} on \
                 unseen patients (chance: {}). For deployment, its grid is searched once more \
                 on every patient, giving `{}`; that search's own score ({}) is not an \
                 estimate of anything, since it chose the setting.",
                winner.0,
                fixed(winner.2, 3),
                fixed(chance_mean, 3),
                winner.4,
                fixed(winner.3, 3),
            ))
            .table(summary)
            .para(format!(
                "Here the inner loop is {} on average ({:+.3}): two forces pull on it. \
                 Selecting the best of several noisy scores biases it upwards; inner fits see \
                 only 8/15 of the patients (3-fold inside 4/5), which biases it downwards. With \
                 a few hundred patient-days and small grids the second can win; neither \
                 bias touches the outer score.",
                if mean_optimism > 0.0 {
                    "optimistic"
                } else {
                    "pessimistic"
                },
                mean_optimism
            )),
    );
    let mut noise_table = T::new([
        "label draw (seed)",
        "flat grid search: best CV accuracy",
        "chosen",
        "nested CV accuracy",
    ]);
    for d in &noise.draws {
        noise_table.push([
            d.seed.to_string(),
            fixed(d.flat, 3),
            format!("`{}`", d.chosen),
            fixed(d.nested, 3),
        ]);
    }
    report.sections.push(
        Section::new("Selection bias on labels with no signal")
            .para(format!(
                "To see the selection bias alone, give each participant's first visit ({} \
                 rows) a label from a fair coin: no model can beat 0.5. Search {} settings \
                 (k-NN with k = 1…29, trees of depth 1…8, logistic regression with six C's) \
                 by stratified 5-fold CV. The flat search reports its best score ({} on \
                 average over 5 draws); nested CV, with the search inside each outer \
                 training set, reports {}, which is what the chosen model achieves on new \
                 rows.",
                noise.rows,
                noise.candidates,
                fixed(noise.flat, 3),
                fixed(noise.nested, 3)
            ))
            .table(noise_table),
    );
    Ok(report)
}

struct NoiseDraw {
    seed: u32,
    flat: f64,
    chosen: String,
    nested: f64,
}

struct Noise {
    rows: usize,
    candidates: usize,
    flat: f64,
    nested: f64,
    draws: Vec<NoiseDraw>,
}

/// Flat vs nested CV on coin-flip labels, over 5 seeded draws.
fn noise_experiment(table: &ml4ns_data_io::Table) -> Result<Noise, TopicError> {
    // One row per participant: the first visit.
    let groups = table.groups.as_ref().ok_or("participants are groups")?;
    let mut seen = std::collections::BTreeSet::new();
    let first: Vec<usize> = (0..table.n_rows())
        .filter(|&i| seen.insert(groups.ids[i]))
        .collect();
    let mut base = table.select_rows(&first);
    base.groups = None;
    base.time = None;
    let mut specs: Vec<String> = (1..=29).step_by(2).map(|k| format!("knn:k={k}")).collect();
    specs.extend((1..=8).map(|d| format!("decision_tree:max_depth={d}")));
    specs.extend(
        ["0.001", "0.01", "0.1", "1", "10", "100"]
            .iter()
            .map(|c| format!("logistic:c={c}")),
    );
    let grid = ParamGrid::new().axis(
        "spec",
        specs.iter().map(|s| Param::Text(s.clone())).collect(),
    );
    let make = |p: &Params| -> Result<Pipeline, ml4ns_validation::selection::BoxError> {
        let spec = match p.get("spec") {
            Some(Param::Text(s)) => s.clone(),
            _ => return Err("the grid has a spec axis".into()),
        };
        Ok(Pipeline::new(Model::parse(&spec)?).scaling(Scaling::Standard))
    };
    let cv = Cv::parse("stratified_kfold:n_splits=5,shuffle=true,random_state=0")?;
    let mut draws = Vec::new();
    for seed in 1..=5u32 {
        let mut rng = ml4ns_validation::RandomState::new(seed);
        let coin: Vec<usize> = (0..base.n_rows())
            .map(|_| rng.randint(0, 2) as usize)
            .collect();
        let mut t = base.clone();
        t.target = Some(ml4ns_data_io::Target::Classes(ml4ns_data_io::ClassTarget {
            name: "coin".into(),
            codes: coin.into(),
            classes: vec!["0".into(), "1".into()],
            first_seen: vec!["0".into(), "1".into()],
        }));
        let flat = grid_search(make, &grid, &t, &cv, Scoring::Accuracy)?;
        let chosen = match flat.best_params().get("spec") {
            Some(Param::Text(s)) => s.clone(),
            _ => String::new(),
        };
        let nested = nested_cv(make, &grid, &t, &cv, &cv, Scoring::Accuracy)?;
        let (nested_mean, _) = mean_std(&nested.iter().map(|f| f.outer_score).collect::<Vec<_>>());
        draws.push(NoiseDraw {
            seed,
            flat: flat.best_score(),
            chosen,
            nested: nested_mean,
        });
    }
    let mean = |f: fn(&NoiseDraw) -> f64| draws.iter().map(f).sum::<f64>() / draws.len() as f64;
    Ok(Noise {
        rows: base.n_rows(),
        candidates: specs.len(),
        flat: mean(|d| d.flat),
        nested: mean(|d| d.nested),
        draws,
    })
}
