//! 01 — representation: the same information, represented two ways, is easy or hard for the
//! same model.

use ml4ns_data_io::{synth, Table, Target};
use ml4ns_reporting::figure::Series;
use ml4ns_reporting::{fixed, Check, Figure, Metric, Report, Section, Table as T};
use ml4ns_validation::metrics as m;
use ndarray::{Array1, Array2};

use crate::common::{codes, fit, one_split, predict_codes, train_test};
use crate::{Context, TopicError};

const ID: &str = "01-representation";

/// Produce the report.
pub fn run(_ctx: &Context) -> Result<Report, TopicError> {
    let mut report = Report::new(
        ID,
        "Representation",
        "Can a change of representation, with no new information, turn a problem a linear \
         model cannot solve into one it solves perfectly?",
    );
    report.data = format!(
        "- The `concentric_rings` cohort (600 points, two rings of radius 1 and 2, seed {}).\n\
         - The whole numbers 1–1000, written in Roman numerals and in decimal place value.\n",
        synth::COMMITTED_SEED
    );
    rings(&mut report)?;
    numerals(&mut report)?;
    Ok(report)
}

fn accuracy_on_split(table: &Table, spec: &str) -> Result<f64, TopicError> {
    let split = one_split("train_test_split:test_size=0.3,random_state=0", table)?;
    let (train, test) = train_test(table, &split);
    let f = fit(spec, &train)?;
    Ok(m::accuracy(
        &codes(&test)?,
        &predict_codes(f.as_ref(), test.x.view())?,
    )?)
}

fn rings(report: &mut Report) -> Result<(), TopicError> {
    let cartesian = synth::concentric_rings(600, synth::COMMITTED_SEED).table()?;
    let mut polar = cartesian.clone();
    polar.x = Array2::from_shape_fn((cartesian.n_rows(), 2), |(i, j)| {
        let (a, b) = (cartesian.x[[i, 0]], cartesian.x[[i, 1]]);
        if j == 0 {
            a.hypot(b)
        } else {
            b.atan2(a)
        }
    });
    polar.feature_names = vec!["r".into(), "theta".into()];
    let spec = "logistic:c=1.0";
    let acc_cart = accuracy_on_split(&cartesian, spec)?;
    let acc_polar = accuracy_on_split(&polar, spec)?;
    let by_ring = |t: &Table, c: usize| -> Vec<(f64, f64)> {
        let y = &t.class_target().expect("classes").codes;
        (0..t.n_rows())
            .filter(|&i| y[i] == c)
            .map(|i| (t.x[[i, 0]], t.x[[i, 1]]))
            .collect()
    };
    let t = T::new([
        "representation",
        "features",
        "logistic regression test accuracy",
    ])
    .row(["Cartesian", "x1, x2", &fixed(acc_cart, 3)])
    .row(["polar", "r, θ", &fixed(acc_polar, 3)]);
    report.checks.push(Check::at_most(
        "a line cannot separate the rings in Cartesian coordinates",
        acc_cart,
        0.7,
        3,
    ));
    report.checks.push(Check::at_least(
        "in polar coordinates the same model separates them",
        acc_polar,
        0.99,
        3,
    ));
    report
        .metrics
        .push(Metric::new("rings accuracy, Cartesian", acc_cart, 3));
    report
        .metrics
        .push(Metric::new("rings accuracy, polar", acc_polar, 3));
    report.sections.push(
        Section::new("Concentric rings: Cartesian vs polar")
            .para(
                "The class is the ring, a function of the radius alone. In (x1, x2) no straight \
                 line separates the rings; in (r, θ) the boundary is r = 1.5, a straight line. \
                 Same points, same model (logistic regression, 30 % held out), different \
                 representation.",
            )
            .table(t)
            .figure(
                "rings_cartesian",
                "The rings in Cartesian coordinates",
                Figure::scatter(
                    "Cartesian (x1, x2)",
                    "x1",
                    "x2",
                    &[
                        Series::new("ring 0", by_ring(&cartesian, 0)),
                        Series::new("ring 1", by_ring(&cartesian, 1)),
                    ],
                    None,
                ),
            )
            .figure(
                "rings_polar",
                "The same points in polar coordinates",
                Figure::scatter(
                    "Polar (r, θ)",
                    "r",
                    "θ (radians)",
                    &[
                        Series::new("ring 0", by_ring(&polar, 0)),
                        Series::new("ring 1", by_ring(&polar, 1)),
                    ],
                    None,
                ),
            ),
    );
    Ok(())
}

const ROMAN: [(usize, &str); 13] = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
];

/// A whole number (1–3999) in Roman numerals.
pub fn to_roman(mut n: usize) -> String {
    let mut out = String::new();
    for (v, s) in ROMAN {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// The value of a Roman numeral (subtractive notation); `None` for other characters.
pub fn from_roman(s: &str) -> Option<usize> {
    let value = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let digits: Vec<usize> = s.chars().map(value).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, &d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|&next| next > d) {
            total -= d as i64;
        } else {
            total += d as i64;
        }
    }
    usize::try_from(total).ok()
}

fn numerals(report: &mut Report) -> Result<(), TopicError> {
    // CCXVI ÷ VI, done by changing representation.
    let (a, b) = (
        from_roman("CCXVI").ok_or("bad numeral")?,
        from_roman("VI").ok_or("bad numeral")?,
    );
    let quotient = to_roman(a / b);
    report.checks.push(Check::equal(
        "CCXVI ÷ VI, computed in place value and written back in Roman numerals",
        format!("{quotient} ({a} ÷ {b} = {})", a / b),
        "XXXVI (216 ÷ 6 = 36)",
    ));
    let round_trip = (1..=3999).all(|n| from_roman(&to_roman(n)) == Some(n));
    report.checks.push(Check::equal(
        "Roman numerals round-trip for 1–3999",
        round_trip.to_string(),
        "true",
    ));

    // Is n even? From the symbols of its Roman numeral vs from its decimal digits.
    let n = 1000;
    let symbols = ['I', 'V', 'X', 'L', 'C', 'D', 'M'];
    let roman = Array2::from_shape_fn((n, symbols.len()), |(i, j)| {
        to_roman(i + 1).chars().filter(|&c| c == symbols[j]).count() as f64
    });
    let digits = Array2::from_shape_fn((n, 30), |(i, j)| {
        let v = i + 1;
        let digit = (v / 10usize.pow((j / 10) as u32)) % 10;
        f64::from(u8::from(digit == j % 10))
    });
    let even: Array1<usize> = (1..=n).map(|v| usize::from(v % 2 == 0)).collect();
    let make = |x: Array2<f64>, names: Vec<String>| -> Result<Table, TopicError> {
        Ok(
            Table::from_features("numbers 1-1000", x, names)?.with_target(Target::Classes(
                ml4ns_data_io::ClassTarget {
                    name: "even".into(),
                    codes: even.clone(),
                    classes: vec!["odd".into(), "even".into()],
                    first_seen: vec!["odd".into(), "even".into()],
                },
            ))?,
        )
    };
    let roman_table = make(
        roman,
        symbols.iter().map(|c| format!("count_{c}")).collect(),
    )?;
    let digit_table = make(
        digits,
        (0..30)
            .map(|j| format!("{}_{}", ["units", "tens", "hundreds"][j / 10], j % 10))
            .collect(),
    )?;
    let spec = "logistic:c=100.0,max_iter=1000";
    let acc_roman = accuracy_on_split(&roman_table, spec)?;
    let acc_digits = accuracy_on_split(&digit_table, spec)?;
    let t = T::new(["representation", "features", "test accuracy (is n even?)"])
        .row([
            "Roman numeral",
            "count of each symbol I V X L C D M",
            &fixed(acc_roman, 3),
        ])
        .row([
            "place value",
            "one-hot units, tens and hundreds digits",
            &fixed(acc_digits, 3),
        ]);
    report.checks.push(Check::at_least(
        "from decimal digits, evenness is linear (the units digit) and learnt exactly",
        acc_digits,
        0.999,
        3,
    ));
    report.checks.push(Check::greater(
        "from Roman symbol counts the same model does worse",
        ("digits", acc_digits),
        ("Roman", acc_roman),
        3,
    ));
    report
        .metrics
        .push(Metric::new("parity from Roman symbols", acc_roman, 3));
    report.sections.push(
        Section::new("Roman numerals vs place value")
            .para(
                "CCXVI ÷ VI is awkward in Roman numerals and trivial in place value (216 ÷ 6 = \
                 36 = XXXVI): the representation, not the information, decides how hard the \
                 arithmetic is. The same holds for a model: told the symbols of a Roman \
                 numeral, logistic regression must infer evenness from a parity of symbol \
                 counts (I and V count odd, subtractive pairs like IV and IX change the \
                 parity), which is not linear; told the decimal digits, it only needs the \
                 units digit.",
            )
            .table(t),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn roman_numerals() {
        assert_eq!(super::to_roman(1994), "MCMXCIV");
        assert_eq!(super::from_roman("MCMXCIV"), Some(1994));
        assert_eq!(super::from_roman("CCXVI"), Some(216));
        assert_eq!(super::from_roman("ABC"), None);
    }
}
