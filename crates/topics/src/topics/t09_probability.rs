//! 09 — probability: the normal distribution, Bernoulli, binomial and multinomial
//! distributions, joint, marginal and conditional probability, Bayes' rule on a diagnostic
//! test, Shannon entropy and KL divergence, a Markov chain of room-to-room movement, and the
//! course's two-sample z-test on wine alcohol.

use std::f64::consts::{FRAC_2_SQRT_PI, PI, SQRT_2};

use ml4ns_data_io::synth::{self, SynthRng};
use ml4ns_data_io::{classic, Table};
use ml4ns_reporting::figure::{LineOptions, Series};
use ml4ns_reporting::{fixed, Check, Figure, Metric, Replication, Report, Section, Table as T};

use crate::common::codes;
use crate::{Context, TopicError};

const ID: &str = "09-probability";
/// Seed of this topic's own simulations (each simulation has its own stream).
const SEED: u64 = 9;
/// The rooms of the `inhome_monitoring` cohort, in its column order.
const ROOMS: [&str; 5] = ["bathroom", "bedroom", "kitchen", "lounge", "hallway"];
/// The periods of a day in the cohort, in time order.
const PERIODS: [&str; 4] = ["night", "morning", "afternoon", "evening"];

/// e^(−x²) without the rounding error of squaring x: x = hi + lo with hi² exact.
fn exp_neg_sq(x: f64) -> f64 {
    let hi = (x * 4096.0).trunc() / 4096.0;
    (-hi * hi).exp() * (-(x - hi) * (x + hi)).exp()
}

/// erf(x) by its series of positive terms, 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (2n+1)!!
/// (no cancellation; used for |x| < 1/√2).
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let (mut term, mut sum) = (x, x);
    let mut n = 0.0;
    while term.abs() > 1e-17 * sum.abs() && n < 500.0 {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
    }
    FRAC_2_SQRT_PI * exp_neg_sq(x) * sum
}

/// erfc(x) for x² ≥ 1/2 as the regularised upper incomplete gamma function Q(1/2, x²), by its
/// continued fraction (Legendre's, even part): the number of terms is found by Lentz's
/// method, then the fraction is evaluated bottom-up, which rounds less.
fn erfc_continued_fraction(x: f64) -> f64 {
    let (a, z) = (0.5, x * x);
    let b = |i: usize| z + 2.0 * i as f64 + 1.0 - a;
    let an = |i: usize| -(i as f64) * (i as f64 - a);
    let tiny = 1e-300;
    let (mut c, mut d) = (1.0 / tiny, 1.0 / b(0));
    let mut terms = 1000;
    for i in 1..1000 {
        d = an(i) * d + b(i);
        if d.abs() < tiny {
            d = tiny;
        }
        c = b(i) + an(i) / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        if (d * c - 1.0).abs() < 1e-16 {
            terms = i;
            break;
        }
    }
    let n = terms + 20;
    let mut t = b(n);
    for i in (1..=n).rev() {
        t = b(i - 1) + an(i) / t;
    }
    exp_neg_sq(x) * x / (PI.sqrt() * t)
}

/// The complementary error function erfc(x) = 1 − erf(x), accurate to a few units in the
/// last place (relative) for x up to 26, where it nears the smallest normal `f64`.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x < 0.0 {
        2.0 - erfc(-x)
    } else if x * x < 0.5 {
        1.0 - erf_series(x)
    } else {
        erfc_continued_fraction(x)
    }
}

/// Density of the normal distribution N(μ, σ²) at x.
pub fn normal_pdf(x: f64, mu: f64, sigma: f64) -> f64 {
    let z = (x - mu) / sigma;
    (-0.5 * z * z).exp() / (sigma * (2.0 * PI).sqrt())
}

/// Cumulative distribution function of N(μ, σ²) at x, Φ((x − μ)/σ) = erfc(−z/√2)/2, accurate
/// in both tails.
pub fn normal_cdf(x: f64, mu: f64, sigma: f64) -> f64 {
    0.5 * erfc(-(x - mu) / (sigma * SQRT_2))
}

/// ln n!.
fn ln_factorial(n: usize) -> f64 {
    (2..=n).map(|k| (k as f64).ln()).sum()
}

/// P(X = k) for X ~ Binomial(n, p).
fn binomial_pmf(k: usize, n: usize, p: f64) -> f64 {
    if k > n {
        return 0.0;
    }
    let ln_choose = ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k);
    let ln_p = |q: f64, m: usize| if m == 0 { 0.0 } else { m as f64 * q.ln() };
    (ln_choose + ln_p(p, k) + ln_p(1.0 - p, n - k)).exp()
}

/// P(X = counts) for X ~ Multinomial(Σ counts, p).
fn multinomial_pmf(counts: &[usize], p: &[f64]) -> f64 {
    let n: usize = counts.iter().sum();
    let mut ln = ln_factorial(n);
    for (&k, &q) in counts.iter().zip(p) {
        ln -= ln_factorial(k);
        if k > 0 {
            ln += k as f64 * q.ln();
        }
    }
    ln.exp()
}

/// Every way of writing n as an ordered sum of `parts` whole numbers ≥ 0.
fn compositions(n: usize, parts: usize) -> Vec<Vec<usize>> {
    if parts <= 1 {
        return vec![vec![n; parts]];
    }
    (0..=n)
        .rev()
        .flat_map(|k| {
            compositions(n - k, parts - 1)
                .into_iter()
                .map(move |mut c| {
                    c.insert(0, k);
                    c
                })
        })
        .collect()
}

/// Simpson's rule on [a, b] with `n` (even) intervals.
fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n)
        .map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (f(a) + inner + f(b)) * h / 3.0
}

/// Shannon entropy in bits.
fn entropy_bits(p: &[f64]) -> f64 {
    -p.iter()
        .filter(|&&v| v > 0.0)
        .map(|&v| v * v.log2())
        .sum::<f64>()
}

/// KL(p ‖ q) in bits (infinite where q = 0 < p).
fn kl_bits(p: &[f64], q: &[f64]) -> f64 {
    p.iter()
        .zip(q)
        .filter(|(&a, _)| a > 0.0)
        .map(|(&a, &b)| {
            if b > 0.0 {
                a * (a / b).log2()
            } else {
                f64::INFINITY
            }
        })
        .sum()
}

/// Counts as proportions.
fn normalise(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Probability",
        "How are the common distributions computed and checked, how do joint, marginal and \
         conditional probabilities and Bayes' rule fit together, how do entropy and KL \
         divergence measure regularity and difference, and is the wine cultivars' difference \
         in alcohol real?",
    );
    report.data = format!(
        "- The `inhome_monitoring` cohort (60 people living with dementia × 90 days, seed {}): \
         sensor firings per room (bathroom, bedroom, kitchen, lounge, hallway) and period of \
         the day (night, morning, afternoon, evening).\n\
         - scikit-learn's wine data (178 wines, 3 cultivars): alcohol of cultivars 0 and 1.\n\
         - Simulated populations and activity sequences drawn from this topic's seeded \
         generator (seed {SEED}, one stream per simulation).\n",
        synth::COMMITTED_SEED
    );
    normal(&mut report);
    discrete(&mut report);
    let rooms = room_states()?;
    joint(&mut report, &rooms)?;
    bayes(&mut report);
    entropy(&mut report);
    kl(&mut report, &rooms);
    markov(&mut report, &rooms)?;
    z_test(&mut report)?;
    Ok(report)
}

fn normal(report: &mut Report) {
    let grid: Vec<f64> = (-600..=600).map(|i| f64::from(i) / 100.0).collect();
    let params = [(0.0, 1.0), (0.0, 2.0), (1.0, 0.5)];
    let label = |(mu, s): (f64, f64)| format!("N({}, {}²)", fixed(mu, 0), fixed(s, 1));
    let curve =
        |f: &dyn Fn(f64) -> f64| -> Vec<(f64, f64)> { grid.iter().map(|&x| (x, f(x))).collect() };
    let pdfs: Vec<Series> = params
        .iter()
        .map(|&(mu, s)| Series::new(label((mu, s)), curve(&|x| normal_pdf(x, mu, s))))
        .collect();
    let cdfs: Vec<Series> = params
        .iter()
        .map(|&(mu, s)| Series::new(label((mu, s)), curve(&|x| normal_cdf(x, mu, s))))
        .collect();

    let phi196 = normal_cdf(1.96, 0.0, 1.0);
    // The 97.5 % quantile by bisection on Φ.
    let (mut lo, mut hi) = (0.0, 5.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if normal_cdf(mid, 0.0, 1.0) < 0.975 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let q975 = 0.5 * (lo + hi);
    let total = simpson(|x| normal_pdf(x, 0.0, 1.0), -12.0, 12.0, 24_000);
    let total_wide = simpson(|x| normal_pdf(x, 1.0, 0.5), -6.0, 8.0, 14_000);
    let cdf_err = [-3.0, -1.0, 0.0, 0.5, 1.0, 2.5]
        .iter()
        .map(|&x| {
            (simpson(|t| normal_pdf(t, 0.0, 1.0), -12.0, x, 20_000) - normal_cdf(x, 0.0, 1.0)).abs()
        })
        .fold(0.0, f64::max);
    let symmetric = grid
        .iter()
        .map(|&x| (normal_cdf(x, 0.0, 1.0) + normal_cdf(-x, 0.0, 1.0) - 1.0).abs())
        .fold(0.0, f64::max);

    let mut t = T::new(["x", "φ(x)", "Φ(x)", "P(|Z| > x) = 2(1 − Φ(x))"]);
    for x in [0.0, 1.0, 1.645, 1.96, 2.576, 3.0, 5.0] {
        t.push([
            fixed(x, 3),
            fixed(normal_pdf(x, 0.0, 1.0), 6),
            fixed(normal_cdf(x, 0.0, 1.0), 6),
            {
                let tail = 2.0 * normal_cdf(-x, 0.0, 1.0);
                if tail >= 1e-3 {
                    fixed(tail, 6)
                } else {
                    format!("{tail:.4e}")
                }
            },
        ]);
    }
    report.checks.push(Check::close(
        "Φ(1.96) (standard normal CDF from erfc)",
        phi196,
        0.9750021048517795,
        1e-12,
        10,
    ));
    report.checks.push(Check::close(
        "the 97.5 % quantile of N(0, 1), found by bisection on Φ",
        q975,
        1.959963984540054,
        1e-9,
        9,
    ));
    report.checks.push(Check::close(
        "the N(0, 1) density integrates to 1 (Simpson's rule on [−12, 12])",
        total,
        1.0,
        1e-12,
        12,
    ));
    report.checks.push(Check::close(
        "the N(1, 0.5²) density integrates to 1 (Simpson's rule on [−6, 8])",
        total_wide,
        1.0,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "Φ(x) equals the integral of the density up to x (largest difference at 6 points)",
        cdf_err,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "Φ(−x) + Φ(x) = 1 on [−6, 6] (largest difference)",
        symmetric,
        1e-12,
        12,
    ));
    report.sections.push(
        Section::new("The normal distribution")
            .para(
                "The density of N(μ, σ²) is φ(x) = exp(−(x − μ)² / 2σ²) / (σ√(2π)); its CDF \
                 Φ(x) = P(X ≤ x) has no closed form and is computed from the complementary \
                 error function, Φ(x) = erfc(−z/√2)/2 with z = (x − μ)/σ. erfc is evaluated \
                 here by a series for small arguments and a continued fraction for large ones, \
                 accurate in the far tail (needed for the z-test p-value below). Changing μ \
                 shifts the curve; changing σ stretches it while the area stays 1.",
            )
            .figure(
                "normal_pdf",
                "Normal densities",
                Figure::lines(
                    "Normal densities",
                    "x",
                    "φ(x)",
                    &pdfs,
                    LineOptions::default(),
                ),
            )
            .figure(
                "normal_cdf",
                "Normal cumulative distribution functions",
                Figure::lines(
                    "Normal CDFs",
                    "x",
                    "Φ(x) = P(X ≤ x)",
                    &cdfs,
                    LineOptions {
                        y_range: Some((0.0, 1.3)),
                        ..LineOptions::default()
                    },
                ),
            )
            .para("Standard normal values (the last column is the two-sided tail used by z-tests):")
            .table(t),
    );
}

fn discrete(report: &mut Report) {
    // Bernoulli and binomial.
    let (n, p) = (20usize, 0.3);
    let pmf: Vec<f64> = (0..=n).map(|k| binomial_pmf(k, n, p)).collect();
    let sum: f64 = pmf.iter().sum();
    let mean: f64 = pmf.iter().enumerate().map(|(k, q)| k as f64 * q).sum();
    let var: f64 = pmf
        .iter()
        .enumerate()
        .map(|(k, q)| (k as f64 - mean).powi(2) * q)
        .sum();
    let draws = 20_000;
    let mut rng = SynthRng::new(SEED, 1);
    let mut freq = vec![0.0; n + 1];
    let mut ones = 0usize;
    for _ in 0..draws {
        let k = (0..n).filter(|_| rng.bernoulli(p)).count();
        ones += k;
        freq[k] += 1.0 / draws as f64;
    }
    let bernoulli_mean = ones as f64 / (draws * n) as f64;
    let sim_gap = pmf
        .iter()
        .zip(&freq)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    report.checks.push(Check::close(
        "the Binomial(20, 0.3) probabilities sum to 1",
        sum,
        1.0,
        1e-12,
        12,
    ));
    report.checks.push(Check::close(
        "the Binomial(20, 0.3) mean equals np = 6",
        mean,
        n as f64 * p,
        1e-12,
        12,
    ));
    report.checks.push(Check::close(
        "the Binomial(20, 0.3) variance equals np(1 − p) = 4.2",
        var,
        n as f64 * p * (1.0 - p),
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "20,000 simulated sums of 20 Bernoulli(0.3) draws follow the binomial pmf (largest \
         difference in frequency)",
        sim_gap,
        0.01,
        4,
    ));
    let pmf_fig = Figure::bars(
        "Binomial(20, 0.3): P(X = k)",
        "probability",
        &pmf.iter()
            .enumerate()
            .map(|(k, &q)| (k.to_string(), q))
            .collect::<Vec<_>>(),
    );

    // Multinomial.
    let probs = [0.5, 0.3, 0.2];
    let m = 6;
    let outcomes = compositions(m, probs.len());
    let mpmf: Vec<f64> = outcomes
        .iter()
        .map(|c| multinomial_pmf(c, &probs))
        .collect();
    let msum: f64 = mpmf.iter().sum();
    let mut marginal = vec![0.0; m + 1];
    for (c, q) in outcomes.iter().zip(&mpmf) {
        marginal[c[0]] += q;
    }
    let marginal_gap = marginal
        .iter()
        .enumerate()
        .map(|(k, q)| (q - binomial_pmf(k, m, probs[0])).abs())
        .fold(0.0, f64::max);
    let mut ranked: Vec<(f64, &Vec<usize>)> = mpmf.iter().copied().zip(&outcomes).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut mt = T::new(["bathroom, kitchen, lounge firings", "probability"]);
    for (q, c) in ranked.iter().take(5) {
        mt.push([
            c.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            fixed(*q, 4),
        ]);
    }
    report.checks.push(Check::close(
        "the Multinomial(6; 0.5, 0.3, 0.2) probabilities of all 28 outcomes sum to 1",
        msum,
        1.0,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "one count of a multinomial is binomial: the marginal of the first count equals \
         Binomial(6, 0.5) (largest difference)",
        marginal_gap,
        1e-12,
        12,
    ));
    report.metrics.push(Metric::new(
        "simulated Bernoulli(0.3) mean",
        bernoulli_mean,
        4,
    ));
    report.sections.push(
        Section::new("Bernoulli, binomial and multinomial")
            .para(format!(
                "A Bernoulli(p) variable is 1 with probability p and 0 otherwise (mean p, \
                 variance p(1 − p)); over {} simulated Bernoulli(0.3) draws the mean is {}. The \
                 number of ones in n independent draws is Binomial(n, p), with \
                 P(X = k) = C(n, k) pᵏ (1 − p)ⁿ⁻ᵏ (computed here through ln k!). For n = 20, \
                 p = 0.3 the probabilities sum to {}, the mean is {} (np) and the variance {} \
                 (np(1 − p)).",
                draws * n,
                fixed(bernoulli_mean, 4),
                fixed(sum, 12),
                fixed(mean, 6),
                fixed(var, 6)
            ))
            .figure(
                "binomial_pmf",
                "The Binomial(20, 0.3) probability mass function",
                pmf_fig,
            )
            .para(format!(
                "The multinomial generalises the binomial to more than two outcomes: n draws \
                 each landing in category i with probability pᵢ, \
                 P(k₁, …, k_m) = n! / (k₁!⋯k_m!) · Π pᵢ^kᵢ. Six sensor firings shared by \
                 bathroom, kitchen and lounge with probabilities 0.5, 0.3 and 0.2 have {} \
                 possible outcomes; the five most likely:",
                outcomes.len()
            ))
            .table(mt),
    );
}

/// The dominant room of every (patient, day, period) of the cohort, in time order per patient.
struct RoomStates {
    /// Per patient, the state sequence: (period index, room index).
    sequences: Vec<Vec<(usize, usize)>>,
    /// How many periods had a tie for the most firings (broken at random).
    ties: usize,
    /// How many periods in all.
    total: usize,
    /// How many patient-days.
    days: usize,
    /// How many patients.
    patients: usize,
}

fn room_states() -> Result<RoomStates, TopicError> {
    let t: Table = synth::inhome_monitoring(60, 90, synth::COMMITTED_SEED).table()?;
    let groups = t.groups.as_ref().ok_or("the cohort has no patient ids")?;
    let day = t.time.as_ref().ok_or("the cohort has no day column")?;
    let mut cols = vec![[0usize; 5]; PERIODS.len()];
    for (pi, period) in PERIODS.iter().enumerate() {
        for (ri, room) in ROOMS.iter().enumerate() {
            let name = format!("act_{room}_{period}");
            cols[pi][ri] = t
                .feature_index(&name)
                .ok_or_else(|| format!("the cohort has no column {name}"))?;
        }
    }
    let mut order: Vec<usize> = (0..t.n_rows()).collect();
    order.sort_by(|&a, &b| {
        groups.ids[a]
            .cmp(&groups.ids[b])
            .then(day.values[a].total_cmp(&day.values[b]))
    });
    let mut rng = SynthRng::new(SEED, 2);
    let mut sequences: Vec<Vec<(usize, usize)>> = Vec::new();
    let (mut ties, mut total) = (0, 0);
    let mut previous: Option<(usize, f64)> = None;
    for &i in &order {
        let (g, d) = (groups.ids[i], day.values[i]);
        // A new sequence for each patient, and after any missing day.
        if previous.is_none_or(|(pg, pd)| pg != g || d - pd != 1.0) {
            sequences.push(Vec::new());
        }
        previous = Some((g, d));
        let seq = sequences.last_mut().ok_or("no sequence")?;
        for (pi, c) in cols.iter().enumerate() {
            let counts: Vec<f64> = c.iter().map(|&j| t.x[[i, j]]).collect();
            let max = counts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let best: Vec<usize> = (0..ROOMS.len()).filter(|&r| counts[r] == max).collect();
            let room = if best.len() == 1 {
                best[0]
            } else {
                ties += 1;
                best[rng.int_range(0, best.len() as i64 - 1) as usize]
            };
            seq.push((pi, room));
            total += 1;
        }
    }
    Ok(RoomStates {
        sequences,
        ties,
        total,
        days: t.n_rows(),
        patients: groups.names.len(),
    })
}

/// Joint probabilities P(period, room), rows periods.
fn joint_table(rooms: &RoomStates) -> Vec<Vec<f64>> {
    let mut joint = vec![vec![0.0; ROOMS.len()]; PERIODS.len()];
    for &(p, r) in rooms.sequences.iter().flatten() {
        joint[p][r] += 1.0 / rooms.total as f64;
    }
    joint
}

/// P(room | period), rows periods.
fn conditional_rooms(joint: &[Vec<f64>]) -> Vec<Vec<f64>> {
    joint.iter().map(|row| normalise(row)).collect()
}

fn joint(report: &mut Report, rooms: &RoomStates) -> Result<(), TopicError> {
    let joint = joint_table(rooms);
    let p_period: Vec<f64> = joint.iter().map(|r| r.iter().sum()).collect();
    let p_room: Vec<f64> = (0..ROOMS.len())
        .map(|r| joint.iter().map(|row| row[r]).sum())
        .collect();
    let cond = conditional_rooms(&joint);
    let total: f64 = p_period.iter().sum();
    let total_prob = (0..ROOMS.len())
        .map(|r| {
            let via: f64 = (0..PERIODS.len()).map(|p| cond[p][r] * p_period[p]).sum();
            (via - p_room[r]).abs()
        })
        .fold(0.0, f64::max);
    // Bayes' rule on the table: P(night | bedroom) from P(bedroom | night) vs from counts.
    let (night, bedroom) = (0, 1);
    let bayes = cond[night][bedroom] * p_period[night] / p_room[bedroom];
    let count = |f: &dyn Fn(usize, usize) -> bool| -> f64 {
        rooms
            .sequences
            .iter()
            .flatten()
            .filter(|&&(p, r)| f(p, r))
            .count() as f64
    };
    let by_counts = count(&|p, r| p == night && r == bedroom) / count(&|_, r| r == bedroom);
    let dependence = (0..PERIODS.len())
        .flat_map(|p| (0..ROOMS.len()).map(move |r| (p, r)))
        .map(|(p, r)| (joint[p][r] - p_period[p] * p_room[r]).abs())
        .fold(0.0, f64::max);
    let top: Vec<&str> = cond
        .iter()
        .map(|row| {
            let best = (0..ROOMS.len())
                .max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)))
                .unwrap_or(0);
            ROOMS[best]
        })
        .collect();
    if !(bayes.is_finite() && by_counts.is_finite()) {
        return Err("the bedroom is never the dominant room".into());
    }

    let mut header = vec!["period".to_string()];
    header.extend(ROOMS.iter().map(|r| r.to_string()));
    header.push("P(period)".into());
    let mut t = T::new(header);
    for (p, row) in joint.iter().enumerate() {
        let mut cells = vec![PERIODS[p].to_string()];
        cells.extend(row.iter().map(|&v| fixed(v, 4)));
        cells.push(fixed(p_period[p], 4));
        t.push(cells);
    }
    let mut last = vec!["P(room)".to_string()];
    last.extend(p_room.iter().map(|&v| fixed(v, 4)));
    last.push(fixed(total, 4));
    t.push(last);

    report.checks.push(Check::close(
        "the joint probabilities P(period, room) sum to 1",
        total,
        1.0,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "law of total probability: Σ_period P(room | period) P(period) = P(room) (largest \
         difference)",
        total_prob,
        1e-12,
        12,
    ));
    report.checks.push(Check::close(
        "Bayes' rule on the table: P(night | bedroom) = P(bedroom | night) P(night) / \
         P(bedroom) equals the count ratio",
        bayes,
        by_counts,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_least(
        "room and period are dependent: largest |P(period, room) − P(period) P(room)|",
        dependence,
        0.05,
        4,
    ));
    report.sections.push(
        Section::new("Joint, marginal and conditional probability")
            .para(format!(
                "Each period of each patient-day of the in-home cohort is labelled with its \
                 dominant room, the room whose sensors fired most in that period ({} periods; \
                 {} ties, {} %, were broken at random with a seeded generator). The joint \
                 distribution P(period, room) is the share of periods with both labels; \
                 summing a row or a column gives the marginals P(period) (¼ each, by design) \
                 and P(room):",
                rooms.total,
                rooms.ties,
                fixed(100.0 * rooms.ties as f64 / rooms.total as f64, 1)
            ))
            .table(t)
            .para(format!(
                "Conditioning divides by the marginal: P(room | period) = P(period, room) / \
                 P(period) is the heat map below (each row sums to 1). The rooms depend on the \
                 period — the most likely room is the {} at night, the {} in the morning, the \
                 {} in the afternoon and the {} in the evening — so P(period, room) ≠ \
                 P(period) P(room) (largest gap {}). Bayes' rule turns the conditioning \
                 around: P(night | bedroom) = P(bedroom | night) P(night) / P(bedroom) = {}.",
                top[0],
                top[1],
                top[2],
                top[3],
                fixed(dependence, 4),
                fixed(bayes, 4)
            ))
            .figure(
                "room_given_period",
                "P(room | period) in the in-home cohort",
                Figure::heatmap(
                    "P(dominant room | period)",
                    "room",
                    "period",
                    &names(&ROOMS),
                    &names(&PERIODS),
                    &cond,
                    2,
                ),
            ),
    );
    Ok(())
}

fn bayes(report: &mut Report) {
    let (prevalence, sensitivity, specificity) = (0.01, 0.9, 0.91);
    let posterior =
        |prev: f64, sens: f64, spec: f64| sens * prev / (sens * prev + (1.0 - spec) * (1.0 - prev));
    let exact = posterior(prevalence, sensitivity, specificity);
    let npv = specificity * (1.0 - prevalence)
        / (specificity * (1.0 - prevalence) + (1.0 - sensitivity) * prevalence);

    // A simulated population.
    let people = 100_000;
    let mut rng = SynthRng::new(SEED, 3);
    let (mut tp, mut fp, mut fn_, mut tn) = (0usize, 0usize, 0usize, 0usize);
    for _ in 0..people {
        let ill = rng.bernoulli(prevalence);
        let positive = rng.bernoulli(if ill { sensitivity } else { 1.0 - specificity });
        match (ill, positive) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    let f = |v: usize| v as f64;
    let by_counts = f(tp) / f(tp + fp);
    let emp_prev = f(tp + fn_) / f(people);
    let emp_sens = f(tp) / f(tp + fn_);
    let emp_spec = f(tn) / f(tn + fp);
    let bayes_on_sample = posterior(emp_prev, emp_sens, emp_spec);
    let se = (exact * (1.0 - exact) / f(tp + fp)).sqrt();

    let mut counts = T::new(["", "test positive", "test negative", "total"]);
    counts.push([
        "ill".to_string(),
        tp.to_string(),
        fn_.to_string(),
        (tp + fn_).to_string(),
    ]);
    counts.push([
        "healthy".to_string(),
        fp.to_string(),
        tn.to_string(),
        (fp + tn).to_string(),
    ]);
    counts.push([
        "total".to_string(),
        (tp + fp).to_string(),
        (fn_ + tn).to_string(),
        people.to_string(),
    ]);

    let mut by_prev = T::new([
        "prevalence",
        "P(ill | positive), specificity 0.91",
        "P(ill | positive), specificity 0.99",
    ]);
    let prevalences = [0.001, 0.01, 0.05, 0.1, 0.2, 0.5];
    for &pr in &prevalences {
        by_prev.push([
            fixed(pr, 3),
            fixed(posterior(pr, sensitivity, specificity), 4),
            fixed(posterior(pr, sensitivity, 0.99), 4),
        ]);
    }
    let grid: Vec<f64> = (1..=500).map(|i| f64::from(i) / 1000.0).collect();
    let curves: Vec<Series> = [specificity, 0.99]
        .iter()
        .map(|&spec| {
            Series::new(
                format!("specificity {}", fixed(spec, 2)),
                grid.iter()
                    .map(|&pr| (pr, posterior(pr, sensitivity, spec)))
                    .collect(),
            )
        })
        .collect();
    let increasing = grid.windows(2).all(|w| {
        posterior(w[1], sensitivity, specificity) > posterior(w[0], sensitivity, specificity)
    });

    report.checks.push(Check::close(
        "Bayes' rule on the simulated population's own prevalence, sensitivity and specificity \
         equals the count-based P(ill | positive)",
        bayes_on_sample,
        by_counts,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "the count-based P(ill | positive) of 100,000 simulated people agrees with Bayes' rule: \
         |difference| in binomial standard errors",
        (by_counts - exact).abs() / se,
        4.0,
        2,
    ));
    report.checks.push(Check::at_most(
        "base-rate effect: with 1 % prevalence a positive result from a 90 % sensitive test \
         still means P(ill | positive) below 0.2",
        exact,
        0.2,
        4,
    ));
    report.checks.push(Check::equal(
        "P(ill | positive) rises with prevalence (on 500 prevalences up to 0.5)",
        increasing.to_string(),
        "true",
    ));
    report
        .metrics
        .push(Metric::new("P(ill | positive) at 1 % prevalence", exact, 4));
    report.sections.push(
        Section::new("Bayes' rule: a diagnostic test")
            .para(format!(
                "A test with sensitivity P(positive | ill) = {} and specificity \
                 P(negative | healthy) = {}, used where the prevalence P(ill) is {}. Bayes' \
                 rule gives the probability of illness after a positive result:\n\n\
                 P(ill | positive) = P(positive | ill) P(ill) / [P(positive | ill) P(ill) + \
                 P(positive | healthy) P(healthy)] = {} × {} / ({} × {} + {} × {}) = {}\n\n\
                 and after a negative one P(healthy | negative) = {}. Most positives are false \
                 because healthy people vastly outnumber ill ones.",
                fixed(sensitivity, 2),
                fixed(specificity, 2),
                fixed(prevalence, 2),
                fixed(sensitivity, 2),
                fixed(prevalence, 2),
                fixed(sensitivity, 2),
                fixed(prevalence, 2),
                fixed(1.0 - specificity, 2),
                fixed(1.0 - prevalence, 2),
                fixed(exact, 4),
                fixed(npv, 6)
            ))
            .para(format!(
                "The same by counting: {} simulated people, each ill with probability {} and \
                 testing positive with the test's error rates. Of the {} positives {} are ill, \
                 {}; Bayes' rule applied to this population's own prevalence ({}), sensitivity \
                 ({}) and specificity ({}) gives exactly the same number.",
                people,
                fixed(prevalence, 2),
                tp + fp,
                tp,
                fixed(by_counts, 4),
                fixed(emp_prev, 4),
                fixed(emp_sens, 4),
                fixed(emp_spec, 4)
            ))
            .table(counts)
            .para("The posterior depends strongly on the prior (the prevalence):")
            .table(by_prev)
            .figure(
                "posterior_by_prevalence",
                "P(ill | positive) against prevalence, sensitivity 0.9",
                Figure::lines(
                    "P(ill | positive), sensitivity 0.9",
                    "prevalence P(ill)",
                    "P(ill | positive)",
                    &curves,
                    LineOptions {
                        y_range: Some((0.0, 1.3)),
                        ..LineOptions::default()
                    },
                ),
            ),
    );
}

/// A daily routine: the room (index into `ROOMS`) of each hour.
const ROUTINE: [usize; 24] = [
    1, 1, 1, 1, 1, 1, 1, 0, 2, 4, 3, 3, 2, 3, 3, 3, 3, 4, 2, 3, 3, 3, 0, 1,
];

/// Plug-in entropies H(room) and H(room | hour) of `days` simulated days in which each hour
/// the person leaves the routine for a uniformly random room with probability `q`.
fn simulated_entropies(q: f64, days: usize, rng: &mut SynthRng) -> (f64, f64) {
    let mut by_hour = vec![vec![0.0; ROOMS.len()]; 24];
    for _ in 0..days {
        for (h, &room) in ROUTINE.iter().enumerate() {
            let r = if rng.bernoulli(q) {
                rng.int_range(0, ROOMS.len() as i64 - 1) as usize
            } else {
                room
            };
            by_hour[h][r] += 1.0;
        }
    }
    let all: Vec<f64> = (0..ROOMS.len())
        .map(|r| by_hour.iter().map(|c| c[r]).sum())
        .collect();
    let conditional = by_hour
        .iter()
        .map(|c| entropy_bits(&normalise(c)))
        .sum::<f64>()
        / 24.0;
    (entropy_bits(&normalise(&all)), conditional)
}

/// H(room | hour) of the routine with deviation probability q, exactly.
fn exact_conditional_entropy(q: f64) -> f64 {
    let k = ROOMS.len() as f64;
    let mut p = vec![q / k; ROOMS.len()];
    p[0] += 1.0 - q;
    entropy_bits(&p)
}

fn entropy(report: &mut Report) {
    let days = 28;
    let mut rng = SynthRng::new(SEED, 4);
    let qs: Vec<f64> = (0..=10).map(|i| f64::from(i) / 10.0).collect();
    let sims: Vec<(f64, f64)> = qs
        .iter()
        .map(|&q| simulated_entropies(q, days, &mut rng))
        .collect();
    let fine: Vec<f64> = (0..=100).map(|i| f64::from(i) / 100.0).collect();
    let exact: Vec<(f64, f64)> = fine
        .iter()
        .map(|&q| (q, exact_conditional_entropy(q)))
        .collect();
    let monotone = exact.windows(2).all(|w| w[1].1 > w[0].1);
    let max_bits = (ROOMS.len() as f64).log2();
    let (regular, irregular) = (sims[1], sims[9]);
    let mut t = T::new([
        "person",
        "leaves the routine each hour with probability",
        "H(room), bits",
        "H(room | hour), bits",
        "H(room | hour), exact",
    ]);
    for (name, i) in [("regular", 1), ("irregular", 9)] {
        t.push([
            name.to_string(),
            fixed(qs[i], 1),
            fixed(sims[i].0, 3),
            fixed(sims[i].1, 3),
            fixed(exact_conditional_entropy(qs[i]), 3),
        ]);
    }
    report.checks.push(Check::greater(
        "entropy falls when activity becomes regular: simulated H(room | hour), irregular vs \
         regular person",
        ("irregular", irregular.1),
        ("regular", regular.1),
        3,
    ));
    report.checks.push(Check::equal(
        "the plug-in estimates fall below the exact H(room | hour) for both people",
        [1, 9]
            .iter()
            .all(|&i| sims[i].1 < exact_conditional_entropy(qs[i]))
            .to_string(),
        "true",
    ));
    report.checks.push(Check::equal(
        "the exact H(room | hour) rises with the chance of leaving the routine (101 values \
         on [0, 1])",
        monotone.to_string(),
        "true",
    ));
    report.checks.push(Check::close(
        "a fully random day reaches the maximum entropy log₂ 5 bits",
        exact_conditional_entropy(1.0),
        max_bits,
        1e-12,
        6,
    ));
    report.checks.push(Check::close(
        "a fully regular day has H(room | hour) = 0",
        sims[0].1,
        0.0,
        1e-12,
        6,
    ));
    report.metrics.push(Metric::new(
        "H(room | hour), regular person (bits)",
        regular.1,
        3,
    ));
    report.metrics.push(Metric::new(
        "H(room | hour), irregular person (bits)",
        irregular.1,
        3,
    ));
    let series = [
        Series::new("H(room | hour), exact", exact),
        Series::new(
            format!("H(room | hour), {days} simulated days"),
            qs.iter().zip(&sims).map(|(&q, s)| (q, s.1)).collect(),
        ),
        Series::new(
            format!("H(room), {days} simulated days"),
            qs.iter().zip(&sims).map(|(&q, s)| (q, s.0)).collect(),
        ),
    ];
    report.sections.push(
        Section::new("Entropy of activity patterns")
            .para(format!(
                "Shannon entropy H(p) = −Σ pᵢ log₂ pᵢ is the average surprise of an outcome, in \
                 bits: 0 when one outcome is certain, log₂ 5 = {} when five rooms are equally \
                 likely. A simulated person follows a fixed hourly routine (bedroom at night, \
                 kitchen at meal times, lounge in between) but each hour, with probability q, \
                 is in a uniformly random room instead; {days} days are simulated for each q. \
                 The entropy of the room given the hour of day measures how predictable the \
                 day is and rises with q; the entropy of the room alone is high (about {} bits) \
                 even for a perfectly regular day, because a routine visits several rooms — \
                 regularity is predictability given the time, not staying in one room.",
                fixed(max_bits, 3),
                fixed(sims[0].0, 2)
            ))
            .para(format!(
                "The plug-in estimate (observed frequencies put into the formula) is biased \
                 low: with {days} observations per hour, rare rooms often go unobserved. Here \
                 it falls below the exact value for both people; the ordering is unaffected."
            ))
            .table(t)
            .figure(
                "entropy_by_regularity",
                "Entropy of the room visited against the chance of leaving the routine",
                Figure::lines(
                    "Entropy of activity patterns",
                    "probability of leaving the routine each hour",
                    "entropy (bits)",
                    &series,
                    LineOptions {
                        markers: true,
                        y_range: Some((0.0, 3.2)),
                        ..LineOptions::default()
                    },
                ),
            ),
    );
}

fn kl(report: &mut Report, rooms: &RoomStates) {
    let cond = conditional_rooms(&joint_table(rooms));
    let (morning, evening) = (&cond[1], &cond[3]);
    let (pq, qp) = (kl_bits(morning, evening), kl_bits(evening, morning));
    let self_kl = kl_bits(morning, morning);
    // Gibbs' inequality on random pairs of distributions (Dirichlet(1, …, 1) draws).
    let mut rng = SynthRng::new(SEED, 5);
    let mut draw = |k: usize| -> Vec<f64> {
        let e: Vec<f64> = (0..k).map(|_| -(1.0 - rng.uniform()).ln()).collect();
        normalise(&e)
    };
    let min_kl = (0..1000)
        .map(|_| {
            let (p, q) = (draw(5), draw(5));
            kl_bits(&p, &q)
        })
        .fold(f64::INFINITY, f64::min);
    // Two normals: closed form (nats) vs numerical integration.
    let ((m1, s1), (m2, s2)): ((f64, f64), (f64, f64)) = ((0.0, 1.0), (1.0, 2.0));
    let closed = (s2 / s1).ln() + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2.0 * s2 * s2) - 0.5;
    let closed_rev = (s1 / s2).ln() + (s2 * s2 + (m2 - m1) * (m2 - m1)) / (2.0 * s1 * s1) - 0.5;
    let numeric = simpson(
        |x| {
            let p = normal_pdf(x, m1, s1);
            if p > 0.0 {
                p * (p / normal_pdf(x, m2, s2)).ln()
            } else {
                0.0
            }
        },
        -15.0,
        15.0,
        30_000,
    );
    let mut t = T::new(["distributions", "KL(p ‖ q)", "KL(q ‖ p)"]);
    t.push([
        "p = P(room | morning), q = P(room | evening), in-home cohort".to_string(),
        format!("{} bits", fixed(pq, 4)),
        format!("{} bits", fixed(qp, 4)),
    ]);
    t.push([
        "p = N(0, 1), q = N(1, 2²)".to_string(),
        format!("{} nats", fixed(closed, 4)),
        format!("{} nats", fixed(closed_rev, 4)),
    ]);
    report
        .checks
        .push(Check::close("KL(p ‖ p) = 0", self_kl, 0.0, 1e-15, 6));
    report.checks.push(Check::at_least(
        "Gibbs' inequality: KL ≥ 0 (smallest of 1,000 random pairs of 5-outcome distributions)",
        min_kl,
        0.0,
        6,
    ));
    report.checks.push(Check::at_least(
        "KL is not symmetric: |KL(N(0,1) ‖ N(1,2²)) − KL(N(1,2²) ‖ N(0,1))| (nats)",
        (closed - closed_rev).abs(),
        0.1,
        4,
    ));
    report.checks.push(Check::close(
        "KL(N(0,1) ‖ N(1,2²)): numerical integral equals the closed form (nats)",
        numeric,
        closed,
        1e-10,
        10,
    ));
    report.sections.push(
        Section::new("KL divergence")
            .para(
                "The Kullback–Leibler divergence KL(p ‖ q) = Σ pᵢ log(pᵢ / qᵢ) is the extra \
                 surprise, on average over p, of using q where p is true (bits with log₂, nats \
                 with ln). It is never negative, zero only when p = q, and not symmetric, so it \
                 is not a distance. For two normals KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ln(σ₂/σ₁) + \
                 (σ₁² + (μ₁ − μ₂)²) / (2σ₂²) − ½; a numerical integral of p ln(p/q) agrees.",
            )
            .table(t)
            .para(format!(
                "The dominant room in the morning and in the evening differ by about the same \
                 amount in both directions ({} vs {} bits); the two normals show the asymmetry: \
                 coding the wide N(1, 2²) with the narrow N(0, 1) costs {} times as much as the \
                 reverse, because N(0, 1) gives the wide one's tails almost no probability.",
                fixed(pq, 3),
                fixed(qp, 3),
                fixed(closed_rev / closed, 1)
            )),
    );
}

fn markov(report: &mut Report, rooms: &RoomStates) -> Result<(), TopicError> {
    let k = ROOMS.len();
    let mut counts = vec![vec![0.0; k]; k];
    let mut occupancy = vec![0.0; k];
    let mut transitions = 0usize;
    for seq in &rooms.sequences {
        for &(_, r) in seq {
            occupancy[r] += 1.0;
        }
        for w in seq.windows(2) {
            counts[w[0].1][w[1].1] += 1.0;
            transitions += 1;
        }
    }
    if counts.iter().any(|row| row.iter().sum::<f64>() == 0.0) {
        return Err("a room is never left, so its transition row is undefined".into());
    }
    let p: Vec<Vec<f64>> = counts.iter().map(|row| normalise(row)).collect();
    let occupancy = normalise(&occupancy);
    let step = |pi: &[f64]| -> Vec<f64> {
        (0..k)
            .map(|j| (0..k).map(|i| pi[i] * p[i][j]).sum())
            .collect()
    };
    let mut pi = vec![1.0 / k as f64; k];
    let mut iterations = 0;
    for it in 1..=10_000 {
        let next = step(&pi);
        let change = next
            .iter()
            .zip(&pi)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        pi = next;
        iterations = it;
        if change < 1e-16 {
            break;
        }
    }
    let row_sums = p
        .iter()
        .map(|row| (row.iter().sum::<f64>() - 1.0).abs())
        .fold(0.0, f64::max);
    let fixed_point = step(&pi)
        .iter()
        .zip(&pi)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let pi_sum: f64 = pi.iter().sum();
    let vs_occupancy = pi
        .iter()
        .zip(&occupancy)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let row_entropy: Vec<f64> = p.iter().map(|row| entropy_bits(row)).collect();
    let rate: f64 = pi.iter().zip(&row_entropy).map(|(a, h)| a * h).sum();
    let h_pi = entropy_bits(&pi);

    let mut header = vec!["from \\ to".to_string()];
    header.extend(ROOMS.iter().map(|r| r.to_string()));
    header.push("transitions".into());
    let mut t = T::new(header);
    for (i, row) in p.iter().enumerate() {
        let mut cells = vec![ROOMS[i].to_string()];
        cells.extend(row.iter().map(|&v| fixed(v, 4)));
        cells.push(fixed(counts[i].iter().sum(), 0));
        t.push(cells);
    }
    let mut st = T::new([
        "room",
        "stationary π",
        "share of all periods",
        "entropy of the next room (bits)",
    ]);
    for r in 0..k {
        st.push([
            ROOMS[r].to_string(),
            fixed(pi[r], 4),
            fixed(occupancy[r], 4),
            fixed(row_entropy[r], 3),
        ]);
    }

    report.checks.push(Check::at_most(
        "every row of the transition matrix sums to 1 (largest difference)",
        row_sums,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "the stationary distribution is a fixed point: max |πP − π|",
        fixed_point,
        1e-12,
        12,
    ));
    report.checks.push(Check::close(
        "the stationary distribution sums to 1",
        pi_sum,
        1.0,
        1e-12,
        12,
    ));
    report.checks.push(Check::at_most(
        "π matches how often each room is the state (largest difference; only the ends of \
         the 60 sequences differ)",
        vs_occupancy,
        0.01,
        4,
    ));
    report.checks.push(Check::greater(
        "knowing the current room makes the next one more predictable: H(π) vs the entropy \
         rate Σ πᵢ H(Pᵢ·) (bits)",
        ("H(π)", h_pi),
        ("rate", rate),
        3,
    ));
    report
        .metrics
        .push(Metric::new("Markov chain entropy rate (bits)", rate, 3));
    report.sections.push(
        Section::new("A Markov chain of room-to-room movement")
            .para(format!(
                "The cohort records counts of sensor firings, not the sequence of rooms \
                 visited, so the chain is defined on coarser states: the state of a patient in \
                 a period is that period's dominant room (as above), and a transition is from \
                 one period to the next — night → morning → afternoon → evening → the next \
                 day's night — within each patient ({} patients × {} days; {} transitions). \
                 The transition matrix P, with Pᵢⱼ = P(next state j | state i), is estimated by \
                 counting transitions and dividing by each row's total. The chain is \
                 time-homogeneous: the same P at every step, although the real movement depends \
                 on the time of day (previous section), so it describes the average step.",
                rooms.patients,
                rooms.days / rooms.patients.max(1),
                transitions
            ))
            .table(t)
            .figure(
                "transition_matrix",
                "Estimated transition matrix (rows: current room)",
                Figure::heatmap(
                    "P(next room | current room)",
                    "next room",
                    "current room",
                    &names(&ROOMS),
                    &names(&ROOMS),
                    &p,
                    2,
                ),
            )
            .para(format!(
                "The stationary distribution π solves πP = π: the long-run share of time in \
                 each room whatever the starting room. Power iteration (π ← πP from the uniform \
                 distribution) converged in {iterations} steps. It agrees with the share of \
                 periods spent in each room, as it should for a chain estimated from long \
                 sequences. The entropy rate Σ πᵢ H(Pᵢ·) = {} bits is the uncertainty about the \
                 next room given the current one, below H(π) = {} bits without it.",
                fixed(rate, 3),
                fixed(h_pi, 3)
            ))
            .table(st),
    );
    Ok(())
}

fn mean_sd(x: &[f64], ddof: f64) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let ss: f64 = x.iter().map(|v| (v - mean).powi(2)).sum();
    (mean, (ss / (n - ddof)).sqrt())
}

fn z_test(report: &mut Report) -> Result<(), TopicError> {
    let wine = classic::wine();
    let j = wine
        .feature_index("alcohol")
        .ok_or("wine has no alcohol column")?;
    let y = codes(&wine)?;
    let class = |c: usize| -> Vec<f64> {
        (0..wine.n_rows())
            .filter(|&i| y[i] == c)
            .map(|i| wine.x[[i, j]])
            .collect()
    };
    let (a, b) = (class(0), class(1));
    let (n0, n1) = (a.len() as f64, b.len() as f64);
    if a.len() < 2 || b.len() < 2 {
        return Err("too few wines in a class".into());
    }
    let ((m0, s0p), (_, s0s)) = (mean_sd(&a, 0.0), mean_sd(&a, 1.0));
    let ((m1, s1p), (_, s1s)) = (mean_sd(&b, 0.0), mean_sd(&b, 1.0));
    let unpooled = |s0: f64, s1: f64| (m0 - m1) / (s0 * s0 / n0 + s1 * s1 / n1).sqrt();
    let pooled_sd = (((n0 - 1.0) * s0s * s0s + (n1 - 1.0) * s1s * s1s) / (n0 + n1 - 2.0)).sqrt();
    let z_pooled = (m0 - m1) / (pooled_sd * (1.0 / n0 + 1.0 / n1).sqrt());
    let candidates = [
        (
            "population sd (ddof = 0)",
            "unpooled: s₀²/n₀ + s₁²/n₁",
            unpooled(s0p, s1p),
        ),
        (
            "sample sd (ddof = 1)",
            "unpooled: s₀²/n₀ + s₁²/n₁",
            unpooled(s0s, s1s),
        ),
        ("sample sd (ddof = 1)", "pooled: s²(1/n₀ + 1/n₁)", z_pooled),
    ];
    let p_two = erfc(z_pooled / SQRT_2);
    // The tail by numerical integration of the density, as an independent check of erfc.
    let tail = 2.0
        * simpson(
            |x| normal_pdf(x, 0.0, 1.0),
            z_pooled,
            z_pooled + 3.0,
            20_000,
        );

    // Which conventions reproduce the course's printed numbers.
    let (course_sd0, course_sd1, course_z) = (0.45819, 0.53416, 16.478551);
    let sd_match = [("ddof = 0", s0p, s1p), ("ddof = 1", s0s, s1s)]
        .iter()
        .filter(|(_, a, b)| (a - course_sd0).abs() <= 5e-6 && (b - course_sd1).abs() <= 5e-6)
        .map(|(name, _, _)| *name)
        .collect::<Vec<_>>()
        .join(", ");
    let z_match = candidates
        .iter()
        .filter(|(_, _, z)| (z - course_z).abs() <= 5e-7)
        .map(|(sd, var, _)| format!("{sd}, {}", var.split(':').next().unwrap_or(var)))
        .collect::<Vec<_>>()
        .join("; ");

    let mut t = T::new(["standard deviations", "variance of the difference", "z"]);
    for (sd, var, z) in candidates {
        t.push([sd.to_string(), var.to_string(), fixed(z, 6)]);
    }
    let mut summary = T::new([
        "cultivar",
        "n",
        "mean alcohol",
        "sd (ddof = 0)",
        "sd (ddof = 1)",
    ]);
    summary.push([
        "class_0".to_string(),
        a.len().to_string(),
        fixed(m0, 5),
        fixed(s0p, 5),
        fixed(s0s, 5),
    ]);
    summary.push([
        "class_1".to_string(),
        b.len().to_string(),
        fixed(m1, 5),
        fixed(s1p, 5),
        fixed(s1s, 5),
    ]);
    let lo = m1 - 4.0 * s1s;
    let hi = m0 + 4.0 * s0s;
    let xs: Vec<f64> = (0..=400)
        .map(|i| lo + (hi - lo) * f64::from(i) / 400.0)
        .collect();
    let fig = Figure::lines(
        "Alcohol of cultivars 0 and 1 as normal densities",
        "alcohol (% vol)",
        "density",
        &[
            Series::new(
                "class_0",
                xs.iter().map(|&x| (x, normal_pdf(x, m0, s0s))).collect(),
            ),
            Series::new(
                "class_1",
                xs.iter().map(|&x| (x, normal_pdf(x, m1, s1s))).collect(),
            ),
        ],
        LineOptions::default(),
    );

    report.checks.push(Check::equal(
        "the course's printed standard deviations are population sds",
        sd_match,
        "ddof = 0",
    ));
    report.checks.push(Check::equal(
        "the course's z = 16.478551 is the pooled-variance statistic",
        z_match,
        "sample sd (ddof = 1), pooled",
    ));
    report.checks.push(Check::close(
        "the two-sided p-value from erfc equals twice the numerically integrated tail \
         (relative difference)",
        (p_two - tail) / tail,
        0.0,
        1e-9,
        12,
    ));
    report.replication.push(Replication::number(
        ID,
        "wine alcohol, class 0: mean",
        "13.74475",
        m0,
        5e-6,
    ));
    report.replication.push(Replication::number(
        ID,
        "wine alcohol, class 0: sd (population, ddof = 0)",
        "0.45819",
        s0p,
        5e-6,
    ));
    report.replication.push(Replication::exact(
        ID,
        "wine alcohol, class 0: n",
        "59",
        a.len().to_string(),
    ));
    report.replication.push(Replication::number(
        ID,
        "wine alcohol, class 1: mean",
        "12.27873",
        m1,
        5e-6,
    ));
    report.replication.push(Replication::number(
        ID,
        "wine alcohol, class 1: sd (population, ddof = 0)",
        "0.53416",
        s1p,
        5e-6,
    ));
    report.replication.push(Replication::exact(
        ID,
        "wine alcohol, class 1: n",
        "71",
        b.len().to_string(),
    ));
    report.replication.push(Replication::number(
        ID,
        "wine alcohol, class 0 vs 1: z (pooled variance)",
        "16.478551",
        z_pooled,
        5e-7,
    ));
    report.replication.push(Replication::exact(
        ID,
        "wine alcohol, class 0 vs 1: two-sided p",
        "5.2e-61",
        format!("{p_two:.1e}"),
    ));
    report
        .metrics
        .push(Metric::new("wine alcohol z, class 0 vs 1", z_pooled, 6));
    report.sections.push(
        Section::new("A two-sample z-test: alcohol of wine cultivars 0 and 1 (course replication)")
            .para(
                "Is the mean alcohol of cultivar 0 different from that of cultivar 1? Under the \
                 null hypothesis of equal means, the difference of the sample means divided by \
                 its standard error is approximately N(0, 1) for samples this large; the \
                 two-sided p-value is P(|Z| ≥ |z|) = erfc(|z|/√2).",
            )
            .table(summary)
            .figure(
                "alcohol_densities",
                "Normal densities with each cultivar's mean and sample sd",
                fig,
            )
            .para(format!(
                "The course prints the population standard deviations (NumPy's default \
                 `std`, ddof = 0), but its z statistic is not built from them: of the usual \
                 forms, only the pooled-variance one — sample variances (ddof = 1) pooled \
                 over both classes, s²(1/n₀ + 1/n₁), as in statsmodels' `ztest` default \
                 (`usevar='pooled'`) and numerically equal to Student's t of \
                 `scipy.stats.ttest_ind` — gives the course's value. It gives z = {} and a \
                 two-sided p-value of {p_two:.2e} from the normal distribution: a difference \
                 of {} % vol is about {} standard errors, far beyond chance.",
                fixed(z_pooled, 6),
                fixed(m0 - m1, 3),
                fixed(z_pooled, 1)
            ))
            .table(t),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_is_accurate_in_both_tails() {
        // Values from mpmath at 40 digits.
        for (x, v) in [
            (0.0, 1.0),
            (0.5, 0.4795001221869534),
            (1.0, 0.15729920705028513),
            (3.0, 2.209049699858544e-05),
            (10.0, 2.088487583762545e-45),
            (-1.0, 1.8427007929497148),
        ] {
            assert!(((erfc(x) - v) / v).abs() < 2e-15, "erfc({x}) = {}", erfc(x));
        }
        assert!((normal_cdf(1.96, 0.0, 1.0) - 0.9750021048517795).abs() < 1e-15);
    }

    #[test]
    fn distributions_sum_to_one() {
        let s: f64 = (0..=10).map(|k| binomial_pmf(k, 10, 0.4)).sum();
        assert!((s - 1.0).abs() < 1e-13);
        assert_eq!(compositions(3, 3).len(), 10);
        assert!((multinomial_pmf(&[1, 1], &[0.5, 0.5]) - 0.5).abs() < 1e-15);
        assert_eq!(entropy_bits(&[0.5, 0.5]), 1.0);
        assert_eq!(kl_bits(&[1.0, 0.0], &[0.0, 1.0]), f64::INFINITY);
    }
}
