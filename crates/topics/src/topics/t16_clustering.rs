//! 16 — clustering: the k-means elbow, choosing k by silhouette and by BIC, DBSCAN on a
//! non-convex set, and agreement with true labels.

use ml4ns_data_io::{classic, synth, Table};
use ml4ns_models::{ClusterFit, Clustering, Model};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Replication, Report, Section, Table as T};
use ml4ns_validation::metrics as m;

use crate::common::{codes, standardise_all};
use crate::{Context, TopicError};

const ID: &str = "16-clustering";

fn cluster(spec: &str, t: &Table) -> Result<Clustering, TopicError> {
    Ok(Model::parse(spec)?.cluster(t.x.view())?)
}

fn inertia(c: &Clustering) -> f64 {
    match &c.fit {
        ClusterFit::KMeans { inertia, .. } => *inertia,
        _ => f64::NAN,
    }
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Clustering",
        "How many clusters are there, do different criteria agree, and when does k-means fail \
         where a density method succeeds?",
    );
    report.data = format!(
        "- scikit-learn's iris (150 flowers, 4 measurements) and wine (178 wines, 13 \
         measurements), standardised (StandardScaler on all rows; clustering uses no labels, \
         the true species and cultivars are only used to score agreement).\n\
         - The `concentric_rings` cohort (600 points, seed {}).\n",
        synth::COMMITTED_SEED
    );
    let iris = standardise_all(&classic::iris());
    let wine = standardise_all(&classic::wine());

    // Elbow curves.
    let ks: Vec<usize> = (1..=10).collect();
    let mut wcss = Vec::new();
    for (name, t) in [("iris", &iris), ("wine", &wine)] {
        let mut v = Vec::new();
        for &k in &ks {
            v.push(inertia(&cluster(
                &format!("kmeans:k={k},n_init=10,seed=0"),
                t,
            )?));
        }
        wcss.push((name, v));
    }
    let iris_wcss = &wcss[0].1;
    for (k, course) in [(1, "600.0"), (2, "222.4"), (3, "139.8")] {
        report.replication.push(Replication::number(
            ID,
            format!("standardised iris, k-means WCSS for k = {k}"),
            course,
            iris_wcss[k - 1],
            0.05,
        ));
    }
    report.checks.push(Check::equal(
        "WCSS never rises with k (best of 10 seeded inits)",
        wcss.iter()
            .all(|(_, v)| v.windows(2).all(|w| w[1] <= w[0] + 1e-9))
            .to_string(),
        "true",
    ));
    let elbow = Figure::lines(
        "k-means elbow: within-cluster sum of squares",
        "k",
        "WCSS",
        &wcss
            .iter()
            .map(|(name, v)| {
                Series::new(
                    *name,
                    ks.iter().zip(v).map(|(&k, &w)| (k as f64, w)).collect(),
                )
            })
            .collect::<Vec<_>>(),
        LineOptions {
            markers: true,
            ..LineOptions::default()
        },
    );

    // Choosing k on wine: silhouette, Davies–Bouldin, GMM BIC.
    let mut choice = T::new(["k", "silhouette (↑)", "Davies–Bouldin (↓)", "GMM BIC (↓)"]);
    let (mut best_sil, mut best_db, mut best_bic) = (
        (0, f64::NEG_INFINITY),
        (0, f64::INFINITY),
        (0, f64::INFINITY),
    );
    for k in 2..=6 {
        let c = cluster(&format!("kmeans:k={k},n_init=10,seed=0"), &wine)?;
        let l = c.labels_with_noise_cluster();
        let sil = m::silhouette(wine.x.view(), &l)?;
        let db = m::davies_bouldin(wine.x.view(), &l)?;
        let g = cluster(&format!("gmm:n_components={k},n_init=3,seed=0"), &wine)?;
        let bic = match &g.fit {
            ClusterFit::Gmm(f) => f.bic,
            _ => f64::NAN,
        };
        if sil > best_sil.1 {
            best_sil = (k, sil);
        }
        if db < best_db.1 {
            best_db = (k, db);
        }
        if bic < best_bic.1 {
            best_bic = (k, bic);
        }
        choice.push([k.to_string(), fixed(sil, 4), fixed(db, 4), fixed(bic, 1)]);
    }
    let k3 = cluster("kmeans:k=3,n_init=10,seed=0", &wine)?;
    let ari_wine = m::adjusted_rand(&codes(&wine)?, &k3.labels_with_noise_cluster())?;
    report.checks.push(Check::at_least(
        "k-means with k = 3 recovers wine's three cultivars (adjusted Rand index)",
        ari_wine,
        0.85,
        3,
    ));
    report
        .metrics
        .push(Metric::new("wine k-means ARI (k = 3)", ari_wine, 3));

    // Non-convex clusters.
    let rings = synth::concentric_rings(600, synth::COMMITTED_SEED).table()?;
    let truth = codes(&rings)?;
    let km = cluster("kmeans:k=2,n_init=10,seed=0", &rings)?;
    let db = cluster("dbscan:eps=0.35,min_samples=5", &rings)?;
    let (ari_km, ari_db) = (
        m::adjusted_rand(&truth, &km.labels_with_noise_cluster())?,
        m::adjusted_rand(&truth, &db.labels_with_noise_cluster())?,
    );
    report.checks.push(Check::at_most(
        "k-means cannot separate concentric rings (ARI)",
        ari_km,
        0.1,
        3,
    ));
    report.checks.push(Check::at_least(
        "DBSCAN follows the rings (ARI)",
        ari_db,
        0.99,
        3,
    ));
    report
        .metrics
        .push(Metric::new("rings ARI, k-means", ari_km, 3));
    report
        .metrics
        .push(Metric::new("rings ARI, DBSCAN", ari_db, 3));
    let by = |lab: &[usize], c: usize| -> Vec<(f64, f64)> {
        (0..rings.n_rows())
            .filter(|&i| lab[i] == c)
            .map(|i| (rings.x[[i, 0]], rings.x[[i, 1]]))
            .collect()
    };
    let (lk, ld) = (
        km.labels_with_noise_cluster(),
        db.labels_with_noise_cluster(),
    );

    report.sections.push(
        Section::new("The elbow")
            .para(
                "Within-cluster sum of squares (k-means' objective, scikit-learn's `inertia_`) \
                 for k = 1…10, best of 10 k-means++ starts. It always falls as k grows; the \
                 \"elbow\" where it stops falling steeply suggests k. The course's iris values \
                 are in the replication table below.",
            )
            .figure("elbow", "WCSS by k for standardised iris and wine", elbow),
    );
    report.sections.push(
        Section::new("Choosing k on wine")
            .para(format!(
                "Criteria disagree in general; here silhouette picks k = {}, Davies–Bouldin \
                 k = {} and the Gaussian mixture's BIC k = {}. Wine has three cultivars; with \
                 k = 3, k-means matches them with adjusted Rand index {}.",
                best_sil.0,
                best_db.0,
                best_bic.0,
                fixed(ari_wine, 3)
            ))
            .table(choice),
    );
    report.sections.push(
        Section::new("Non-convex clusters")
            .para(format!(
                "k-means draws straight boundaries between centres, so it halves the rings \
                 (ARI {}); DBSCAN grows clusters through dense neighbourhoods (ε = 0.35, 5 \
                 points) and follows each ring (ARI {}).",
                fixed(ari_km, 3),
                fixed(ari_db, 3)
            ))
            .figure(
                "rings_kmeans",
                "k-means (k = 2) on the rings",
                Figure::scatter(
                    "k-means, k = 2",
                    "x1",
                    "x2",
                    &[
                        Series::new("cluster 0", by(&lk, 0)),
                        Series::new("cluster 1", by(&lk, 1)),
                    ],
                    None,
                ),
            )
            .figure(
                "rings_dbscan",
                "DBSCAN on the rings",
                Figure::scatter(
                    "DBSCAN, eps = 0.35",
                    "x1",
                    "x2",
                    &[
                        Series::new("cluster 0", by(&ld, 0)),
                        Series::new("cluster 1", by(&ld, 1)),
                    ],
                    None,
                ),
            ),
    );
    Ok(report)
}
