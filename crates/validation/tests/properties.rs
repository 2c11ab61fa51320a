//! Properties every splitter must have, on random sizes, labels and groups.

use std::collections::BTreeSet;

use ml4ns_validation::Cv;
use proptest::prelude::*;

fn layout() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, usize, u32)> {
    (6usize..80).prop_flat_map(|n| {
        (
            proptest::collection::vec(0usize..3, n),
            proptest::collection::vec(0usize..12, n),
            2usize..5,
            any::<u32>(),
        )
    })
}

fn check_partition(n: usize, splits: &[ml4ns_validation::Split], every_row_tested_once: bool) {
    let mut tested = vec![0usize; n];
    for s in splits {
        let train: BTreeSet<usize> = s.train.iter().copied().collect();
        assert_eq!(train.len(), s.train.len(), "train has duplicates");
        assert!(
            s.test.iter().all(|t| !train.contains(t)),
            "train and test overlap"
        );
        assert!(s.train.iter().chain(&s.test).all(|&i| i < n));
        s.test.iter().for_each(|&t| tested[t] += 1);
        if every_row_tested_once {
            assert_eq!(
                s.train.len() + s.test.len(),
                n,
                "k-fold splits cover every row"
            );
        }
    }
    if every_row_tested_once {
        assert!(
            tested.iter().all(|&c| c == 1),
            "each row tested exactly once: {tested:?}"
        );
    }
}

fn check_groups(groups: &[usize], splits: &[ml4ns_validation::Split]) {
    for s in splits {
        let test_groups: BTreeSet<usize> = s.test.iter().map(|&i| groups[i]).collect();
        assert!(
            s.train.iter().all(|&i| !test_groups.contains(&groups[i])),
            "a group straddles train and test"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kfold_family_partitions_the_rows((y, _groups, k, seed) in layout()) {
        let n = y.len();
        for spec in [
            format!("kfold:n_splits={k}"),
            format!("kfold:n_splits={k},shuffle=true,random_state={seed}"),
        ] {
            let splits = Cv::parse(&spec).unwrap().split(n, None, None).unwrap();
            check_partition(n, &splits, true);
            // Fold sizes differ by at most one: linfa's k-fold drops the n % k remainder; ours tests it.
            let sizes: Vec<usize> = splits.iter().map(|s| s.test.len()).collect();
            prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
        }
        if let Ok(splits) = Cv::parse(&format!("stratified_kfold:n_splits={k},shuffle=true,random_state={seed}"))
            .unwrap()
            .split(n, Some(&y), None)
        {
            check_partition(n, &splits, true);
            // Each class is spread as evenly as possible over the folds.
            for class in 0..3 {
                let total = y.iter().filter(|&&c| c == class).count();
                for s in &splits {
                    let in_fold = s.test.iter().filter(|&&i| y[i] == class).count();
                    prop_assert!(in_fold >= total / k && in_fold <= total.div_ceil(k));
                }
            }
        }
    }

    #[test]
    fn group_splitters_never_split_a_group((y, groups, k, seed) in layout()) {
        let n = y.len();
        for spec in [
            format!("group_kfold:n_splits={k}"),
            format!("group_kfold:n_splits={k},shuffle=true,random_state={seed}"),
            format!("stratified_group_kfold:n_splits={k}"),
            format!("stratified_group_kfold:n_splits={k},shuffle=true,random_state={seed}"),
            "leave_one_group_out".to_string(),
            format!("group_shuffle_split:n_splits=3,test_size=0.3,random_state={seed}"),
        ] {
            match Cv::parse(&spec).unwrap().split(n, Some(&y), Some(&groups)) {
                Ok(splits) => {
                    let kfold = spec.contains("kfold") || spec.starts_with("leave_one_group_out");
                    check_partition(n, &splits, kfold);
                    check_groups(&groups, &splits);
                }
                Err(e) => {
                    // Only when there are too few groups or classes for the scheme.
                    let distinct = groups.iter().collect::<BTreeSet<_>>().len();
                    let msg = e.to_string();
                    prop_assert!(distinct <= k || msg.contains("class") || msg.contains("train set will be empty"), "{spec}: {msg}");
                }
            }
        }
    }

    #[test]
    fn shuffle_and_time_series_splits_are_disjoint((y, _groups, k, seed) in layout()) {
        let n = y.len();
        let splits = Cv::parse(&format!("shuffle_split:n_splits={k},test_size=0.25,random_state={seed}"))
            .unwrap()
            .split(n, None, None)
            .unwrap();
        check_partition(n, &splits, false);
        prop_assert!(splits.iter().all(|s| s.test.len() == (n as f64 * 0.25).ceil() as usize));
        if let Ok(splits) = Cv::parse(&format!("time_series_split:n_splits={k},gap=1")).unwrap().split(n, None, None) {
            check_partition(n, &splits, false);
            for s in &splits {
                // The past predicts the future: every training row precedes every test row, with the gap.
                prop_assert!(s.train.iter().max().unwrap() + 1 < *s.test.iter().min().unwrap());
            }
        }
    }
}
