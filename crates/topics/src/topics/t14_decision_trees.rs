//! exploration

use ml4ns_data_io::synth;
use ml4ns_models::Model;
use ml4ns_reporting::Report;

use crate::common::{codes, one_split, predict_codes, train_test};
use crate::{Context, TopicError};

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    for noise in [0.1, 0.15, 0.2, 0.25, 0.3] {
        for seed in [synth::COMMITTED_SEED, 42] {
            let t = synth::moons(500, noise, seed).table()?;
            let split = one_split("train_test_split:test_size=0.25,random_state=42", &t)?;
            let (tr, te) = train_test(&t, &split);
            let mut out = Vec::new();
            for d in ["1", "2", "5", "10", "none"] {
                let f = Model::parse(&format!("decision_tree:max_depth={d}"))?.fit(&tr)?;
                let a = ml4ns_validation::metrics::accuracy(
                    &codes(&te)?,
                    &predict_codes(f.as_ref(), te.x.view())?,
                )?;
                let b = ml4ns_validation::metrics::accuracy(
                    &codes(&tr)?,
                    &predict_codes(f.as_ref(), tr.x.view())?,
                )?;
                out.push(format!("{a:.3}/{b:.3}"));
            }
            eprintln!("DBG noise {noise} seed {seed}: {}", out.join(" "));
        }
    }
    let t = synth::moons(500, 0.2, 1).table()?;
    let f = Model::parse("decision_tree:criterion=entropy,max_depth=1")?.fit(&t)?;
    eprintln!("{}", f.describe(&t.feature_names, &["a".into(), "b".into()]).unwrap_or_default());
    let ih = synth::inhome_monitoring(60, 90, synth::COMMITTED_SEED).table()?;
    eprintln!("{:?} {:?}", ih.feature_names, ih.class_target().map(|c| c.counts()));
    let dm = synth::dementia_severity(150, synth::COMMITTED_SEED).table()?;
    eprintln!("{:?} {:?} {:?}", dm.feature_names, dm.class_target().map(|c| (c.counts(), c.classes.clone())), dm.ignored_columns);
    Err("exploring".into())
}
