//! scikit-learn's cross-validation splitters, fold for fold.
//!
//! Every splitter reproduces scikit-learn 1.9's `model_selection` classes: the same fold
//! contents in the same order for the same arguments, including shuffled ones (through
//! [`RandomState`], a port of NumPy's legacy generator). Written by hand because exactness
//! to scikit-learn is the point; each is checked against fixtures from scikit-learn itself.
//!
//! Labels (`y`) and groups are integer codes (as [`ml4ns_data_io::Table`] holds them); only
//! their order matters, as for `np.unique`.
//!
//! One deliberate difference: where scikit-learn would fall back on NumPy's global,
//! unseeded generator (`shuffle=True` with `random_state=None`), this crate returns
//! [`SplitError::MissingRandomState`], because every result here must be reproducible.

use std::collections::{BTreeMap, BTreeSet};

use crate::random_state::RandomState;

/// One train/test split: 0-based row indices, in scikit-learn's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Training rows.
    pub train: Vec<usize>,
    /// Test rows.
    pub test: Vec<usize>,
}

impl Split {
    /// A split from a test mask: both sides in increasing order, as scikit-learn's
    /// mask-based splitters yield them.
    fn from_mask(mask: &[bool]) -> Split {
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for (i, &m) in mask.iter().enumerate() {
            if m {
                test.push(i)
            } else {
                train.push(i)
            }
        }
        Split { train, test }
    }

    fn from_test(n: usize, test: impl IntoIterator<Item = usize>) -> Split {
        let mut mask = vec![false; n];
        for i in test {
            mask[i] = true;
        }
        Split::from_mask(&mask)
    }
}

/// A train or test size: a fraction of the samples in (0, 1), or a count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Size {
    /// A fraction in (0, 1).
    Fraction(f64),
    /// A number of samples.
    Count(usize),
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Size::Fraction(x) => write!(f, "{x:?}"),
            Size::Count(n) => write!(f, "{n}"),
        }
    }
}

/// Why a split cannot be made. Each variant has the meaning of the scikit-learn error it
/// mirrors.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// A hyper-parameter is out of range (e.g. `n_splits=1` for k-fold).
    #[error("{splitter}: {message}")]
    InvalidParameter {
        /// The splitter.
        splitter: &'static str,
        /// What is wrong.
        message: String,
    },
    /// `random_state` was given but `shuffle` is false (scikit-learn raises the same).
    #[error("{splitter}: setting a random_state has no effect since shuffle is false; leave random_state unset or set shuffle=true")]
    RandomStateWithoutShuffle {
        /// The splitter.
        splitter: &'static str,
    },
    /// Shuffling was asked for without a seed (scikit-learn would use an unseeded generator).
    #[error(
        "{splitter}: shuffling needs an explicit random_state so that results are reproducible"
    )]
    MissingRandomState {
        /// The splitter.
        splitter: &'static str,
    },
    /// More folds than samples.
    #[error("{splitter}: cannot have n_splits={n_splits} greater than the number of samples: n_samples={n_samples}")]
    TooManySplits {
        /// The splitter.
        splitter: &'static str,
        /// Folds asked for.
        n_splits: usize,
        /// Samples available.
        n_samples: usize,
    },
    /// Too few samples for the scheme (leave-one-out on one sample, time series too short...).
    #[error("{splitter}: {message}")]
    TooFewSamples {
        /// The splitter.
        splitter: &'static str,
        /// What is wrong.
        message: String,
    },
    /// More folds than groups, or too few groups to leave some out.
    #[error("{splitter}: {message}")]
    TooFewGroups {
        /// The splitter.
        splitter: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Every class has fewer members than folds (stratified k-fold), or a class is too small
    /// to be split (stratified shuffle split).
    #[error("{splitter}: {message}")]
    ClassTooSmall {
        /// The splitter.
        splitter: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A splitter that needs labels or groups was not given them.
    #[error("{splitter}: the '{what}' parameter should not be None")]
    Missing {
        /// The splitter.
        splitter: &'static str,
        /// `y`, `groups` or `test_fold`.
        what: &'static str,
    },
    /// Labels, groups or folds of the wrong length.
    #[error("{splitter}: {what} has {len} entries but there are {n_samples} samples")]
    LengthMismatch {
        /// The splitter.
        splitter: &'static str,
        /// `y`, `groups` or `test_fold`.
        what: &'static str,
        /// Its length.
        len: usize,
        /// Number of samples.
        n_samples: usize,
    },
    /// A train/test size is out of range or they do not fit together.
    #[error("{splitter}: {message}")]
    InvalidSize {
        /// The splitter.
        splitter: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A spec string could not be parsed.
    #[error("{0}")]
    Spec(String),
}

type Result<T> = std::result::Result<T, SplitError>;

/// A cross-validation scheme: every splitter of scikit-learn's `model_selection`.
///
/// Build one directly or parse a spec string with [`Cv::parse`], e.g.
/// `stratified_group_kfold:n_splits=5` or `time_series_split:n_splits=4,gap=2`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Cv {
    /// `KFold`.
    KFold {
        /// Number of folds (≥ 2).
        n_splits: usize,
        /// Shuffle before splitting.
        shuffle: bool,
        /// Seed (required with shuffle, forbidden without).
        random_state: Option<u32>,
    },
    /// `StratifiedKFold`.
    StratifiedKFold {
        /// Number of folds (≥ 2).
        n_splits: usize,
        /// Shuffle within classes.
        shuffle: bool,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `GroupKFold`.
    GroupKFold {
        /// Number of folds (≥ 2).
        n_splits: usize,
        /// Shuffle the groups (scikit-learn ≥ 1.6).
        shuffle: bool,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `StratifiedGroupKFold`.
    StratifiedGroupKFold {
        /// Number of folds (≥ 2).
        n_splits: usize,
        /// Shuffle the groups.
        shuffle: bool,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `LeaveOneOut`.
    LeaveOneOut,
    /// `LeavePOut`.
    LeavePOut {
        /// Samples left out per split.
        p: usize,
    },
    /// `LeaveOneGroupOut`.
    LeaveOneGroupOut,
    /// `LeavePGroupsOut`.
    LeavePGroupsOut {
        /// Groups left out per split.
        n_groups: usize,
    },
    /// `PredefinedSplit`: `test_fold[i]` is the fold in which sample `i` is tested (−1: never).
    PredefinedSplit {
        /// Test fold of each sample.
        test_fold: Vec<i64>,
        /// The column holding the folds, when parsed from a spec (`column=NAME`).
        column: Option<String>,
    },
    /// `RepeatedKFold`.
    RepeatedKFold {
        /// Folds per repeat.
        n_splits: usize,
        /// Repeats.
        n_repeats: usize,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `RepeatedStratifiedKFold`.
    RepeatedStratifiedKFold {
        /// Folds per repeat.
        n_splits: usize,
        /// Repeats.
        n_repeats: usize,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `ShuffleSplit`.
    ShuffleSplit {
        /// Number of splits.
        n_splits: usize,
        /// Test size (default 0.1 when neither size is given).
        test_size: Option<Size>,
        /// Train size (default: the complement of the test size).
        train_size: Option<Size>,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `StratifiedShuffleSplit`.
    StratifiedShuffleSplit {
        /// Number of splits.
        n_splits: usize,
        /// Test size (default 0.1).
        test_size: Option<Size>,
        /// Train size.
        train_size: Option<Size>,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `GroupShuffleSplit` (sizes count groups, not samples).
    GroupShuffleSplit {
        /// Number of splits.
        n_splits: usize,
        /// Test size (default 0.2).
        test_size: Option<Size>,
        /// Train size.
        train_size: Option<Size>,
        /// Seed.
        random_state: Option<u32>,
    },
    /// `TimeSeriesSplit`.
    TimeSeriesSplit {
        /// Number of splits (≥ 2).
        n_splits: usize,
        /// Maximum training-set size.
        max_train_size: Option<usize>,
        /// Test-set size (default `n_samples / (n_splits + 1)`).
        test_size: Option<usize>,
        /// Samples left out between train and test.
        gap: usize,
    },
    /// `train_test_split` as a one-split scheme.
    TrainTestSplit {
        /// Test size (default 0.25).
        test_size: Option<Size>,
        /// Train size.
        train_size: Option<Size>,
        /// Seed (required when shuffling).
        random_state: Option<u32>,
        /// Shuffle (default true).
        shuffle: bool,
        /// Stratify by `y`.
        stratify: bool,
    },
}

impl Cv {
    /// k-fold without shuffling.
    pub fn kfold(n_splits: usize) -> Cv {
        Cv::KFold {
            n_splits,
            shuffle: false,
            random_state: None,
        }
    }

    /// scikit-learn's `check_cv(k)`: stratified k-fold for classifiers given labels,
    /// k-fold otherwise.
    pub fn check_cv(n_splits: usize, classifier: bool, have_labels: bool) -> Cv {
        if classifier && have_labels {
            Cv::StratifiedKFold {
                n_splits,
                shuffle: false,
                random_state: None,
            }
        } else {
            Cv::kfold(n_splits)
        }
    }

    /// The splitter's scikit-learn name in snake case, as in spec strings.
    pub fn name(&self) -> &'static str {
        match self {
            Cv::KFold { .. } => "kfold",
            Cv::StratifiedKFold { .. } => "stratified_kfold",
            Cv::GroupKFold { .. } => "group_kfold",
            Cv::StratifiedGroupKFold { .. } => "stratified_group_kfold",
            Cv::LeaveOneOut => "leave_one_out",
            Cv::LeavePOut { .. } => "leave_p_out",
            Cv::LeaveOneGroupOut => "leave_one_group_out",
            Cv::LeavePGroupsOut { .. } => "leave_p_groups_out",
            Cv::PredefinedSplit { .. } => "predefined_split",
            Cv::RepeatedKFold { .. } => "repeated_kfold",
            Cv::RepeatedStratifiedKFold { .. } => "repeated_stratified_kfold",
            Cv::ShuffleSplit { .. } => "shuffle_split",
            Cv::StratifiedShuffleSplit { .. } => "stratified_shuffle_split",
            Cv::GroupShuffleSplit { .. } => "group_shuffle_split",
            Cv::TimeSeriesSplit { .. } => "time_series_split",
            Cv::TrainTestSplit { .. } => "train_test_split",
        }
    }

    /// Whether the scheme needs labels.
    pub fn needs_labels(&self) -> bool {
        matches!(
            self,
            Cv::StratifiedKFold { .. }
                | Cv::StratifiedGroupKFold { .. }
                | Cv::RepeatedStratifiedKFold { .. }
                | Cv::StratifiedShuffleSplit { .. }
                | Cv::TrainTestSplit { stratify: true, .. }
        )
    }

    /// Whether the scheme needs groups.
    pub fn needs_groups(&self) -> bool {
        matches!(
            self,
            Cv::GroupKFold { .. }
                | Cv::StratifiedGroupKFold { .. }
                | Cv::LeaveOneGroupOut
                | Cv::LeavePGroupsOut { .. }
                | Cv::GroupShuffleSplit { .. }
        )
    }

    /// Check the hyper-parameters alone (what scikit-learn checks in constructors).
    ///
    /// # Errors
    ///
    /// - [`SplitError::InvalidParameter`] when `n_splits` is below 2 (k-fold schemes, their
    ///   repeated forms and [`Cv::TimeSeriesSplit`]) or 0 (shuffle splits), `n_repeats` is 0, `p`
    ///   or `n_groups` is 0, or a [`Cv::TrainTestSplit`] stratifies without shuffling;
    /// - [`SplitError::RandomStateWithoutShuffle`] when a k-fold scheme has a `random_state` but
    ///   `shuffle` is false;
    /// - [`SplitError::MissingRandomState`] when a scheme shuffles (k-fold with `shuffle`, the
    ///   repeated k-folds, the shuffle splits, a shuffling train/test split) without a
    ///   `random_state`.
    pub fn check(&self) -> Result<()> {
        let name = self.name();
        let kfold = |n_splits: usize, shuffle: bool, random_state: Option<u32>| {
            if n_splits <= 1 {
                return Err(SplitError::InvalidParameter {
                    splitter: name,
                    message: format!(
                        "k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got n_splits={n_splits}"
                    ),
                });
            }
            if !shuffle && random_state.is_some() {
                return Err(SplitError::RandomStateWithoutShuffle { splitter: name });
            }
            if shuffle && random_state.is_none() {
                return Err(SplitError::MissingRandomState { splitter: name });
            }
            Ok(())
        };
        match self {
            Cv::KFold {
                n_splits,
                shuffle,
                random_state,
            }
            | Cv::StratifiedKFold {
                n_splits,
                shuffle,
                random_state,
            }
            | Cv::GroupKFold {
                n_splits,
                shuffle,
                random_state,
            }
            | Cv::StratifiedGroupKFold {
                n_splits,
                shuffle,
                random_state,
            } => kfold(*n_splits, *shuffle, *random_state),
            Cv::TimeSeriesSplit { n_splits, .. } => kfold(*n_splits, false, None),
            Cv::RepeatedKFold {
                n_splits,
                n_repeats,
                random_state,
            }
            | Cv::RepeatedStratifiedKFold {
                n_splits,
                n_repeats,
                random_state,
            } => {
                if *n_repeats == 0 {
                    return Err(SplitError::InvalidParameter {
                        splitter: name,
                        message: "number of repetitions must be greater than 0".into(),
                    });
                }
                kfold(*n_splits, true, *random_state)
            }
            Cv::ShuffleSplit {
                n_splits,
                random_state,
                ..
            }
            | Cv::StratifiedShuffleSplit {
                n_splits,
                random_state,
                ..
            }
            | Cv::GroupShuffleSplit {
                n_splits,
                random_state,
                ..
            } => {
                if *n_splits == 0 {
                    return Err(SplitError::InvalidParameter {
                        splitter: name,
                        message: "n_splits must be at least 1".into(),
                    });
                }
                if random_state.is_none() {
                    return Err(SplitError::MissingRandomState { splitter: name });
                }
                Ok(())
            }
            Cv::TrainTestSplit {
                random_state,
                shuffle,
                stratify,
                ..
            } => {
                if !shuffle && *stratify {
                    return Err(SplitError::InvalidParameter {
                        splitter: name,
                        message: "stratified train/test split is not implemented for shuffle=false"
                            .into(),
                    });
                }
                if *shuffle && random_state.is_none() {
                    return Err(SplitError::MissingRandomState { splitter: name });
                }
                Ok(())
            }
            Cv::LeavePOut { p } if *p == 0 => Err(SplitError::InvalidParameter {
                splitter: name,
                message: "p must be at least 1".into(),
            }),
            Cv::LeavePGroupsOut { n_groups } if *n_groups == 0 => {
                Err(SplitError::InvalidParameter {
                    splitter: name,
                    message: "n_groups must be at least 1".into(),
                })
            }
            _ => Ok(()),
        }
    }

    /// Split `n_samples` rows. `y` holds class codes and `groups` group codes, one per row;
    /// each is required only by the schemes that use it.
    ///
    /// # Errors
    ///
    /// - every error of [`Cv::check`], checked first;
    /// - [`SplitError::LengthMismatch`] when `y`, `groups` or a [`Cv::PredefinedSplit`]'s
    ///   `test_fold` has not `n_samples` entries;
    /// - [`SplitError::Missing`] when the scheme needs `y` ([`Cv::needs_labels`]) or `groups`
    ///   ([`Cv::needs_groups`]) and none is given, or a directly built [`Cv::PredefinedSplit`] has
    ///   an empty `test_fold` ([`SplitError::Spec`] instead when it was parsed with `column=NAME`
    ///   and its folds were never filled in);
    /// - [`SplitError::TooManySplits`] when a (repeated) k-fold scheme has more folds than samples;
    /// - [`SplitError::TooFewSamples`] for leave-one-out on fewer than 2 samples, leave-p-out with
    ///   `n_samples ≤ p`, and a time-series split with more folds (`n_splits + 1`) than samples
    ///   or no training row left before the first test fold
    ///   (`n_samples ≤ gap + n_splits · test_size`);
    /// - [`SplitError::TooFewGroups`] when (stratified) group k-fold has more folds than groups,
    ///   leave-one-group-out has fewer than 2 groups, or leave-p-groups-out has `n_groups` or fewer
    ///   groups;
    /// - [`SplitError::ClassTooSmall`] when every class has fewer members than folds (stratified
    ///   k-fold, its repeated form, stratified group k-fold) or, for the stratified shuffle split
    ///   and a stratified train/test split, a class has a single member;
    /// - [`SplitError::InvalidSize`] for the shuffle splits and the train/test split when a count
    ///   is 0 or not below the number of samples (of groups for [`Cv::GroupShuffleSplit`]), a
    ///   fraction is outside (0, 1), two fractions add up to more than 1, the two counts to more
    ///   than the samples, the training set would be empty, or (stratified) the train or test count
    ///   is below the number of classes.
    pub fn split(
        &self,
        n_samples: usize,
        y: Option<&[usize]>,
        groups: Option<&[usize]>,
    ) -> Result<Vec<Split>> {
        self.check()?;
        let name = self.name();
        let need = |what: &'static str, v: Option<&'_ [usize]>| -> Result<()> {
            if let Some(v) = v {
                if v.len() != n_samples {
                    return Err(SplitError::LengthMismatch {
                        splitter: name,
                        what,
                        len: v.len(),
                        n_samples,
                    });
                }
            }
            Ok(())
        };
        need("y", y)?;
        need("groups", groups)?;
        let labels = || {
            y.ok_or(SplitError::Missing {
                splitter: name,
                what: "y",
            })
        };
        let grouping = || {
            groups.ok_or(SplitError::Missing {
                splitter: name,
                what: "groups",
            })
        };
        match self {
            Cv::KFold {
                n_splits,
                random_state,
                ..
            }
            | Cv::StratifiedKFold {
                n_splits,
                random_state,
                ..
            }
            | Cv::GroupKFold {
                n_splits,
                random_state,
                ..
            }
            | Cv::StratifiedGroupKFold {
                n_splits,
                random_state,
                ..
            } => {
                check_n_splits(name, *n_splits, n_samples)?;
                // A fresh generator per call, as `check_random_state(int)` makes one.
                let mut rng = random_state.map(RandomState::new);
                let rng = rng.as_mut();
                match self {
                    Cv::KFold { .. } => Ok(kfold(n_samples, *n_splits, rng)),
                    Cv::StratifiedKFold { .. } => stratified_kfold(name, labels()?, *n_splits, rng),
                    Cv::GroupKFold { .. } => group_kfold(name, grouping()?, *n_splits, rng),
                    _ => stratified_group_kfold(name, labels()?, grouping()?, *n_splits, rng),
                }
            }
            Cv::LeaveOneOut => {
                if n_samples <= 1 {
                    return Err(SplitError::TooFewSamples {
                        splitter: name,
                        message: format!("cannot perform LeaveOneOut with n_samples={n_samples}"),
                    });
                }
                Ok((0..n_samples)
                    .map(|i| Split::from_test(n_samples, [i]))
                    .collect())
            }
            Cv::LeavePOut { p } => {
                if n_samples <= *p {
                    return Err(SplitError::TooFewSamples {
                        splitter: name,
                        message: format!(
                            "p={p} must be strictly less than the number of samples={n_samples}"
                        ),
                    });
                }
                Ok(combinations(n_samples, *p)
                    .into_iter()
                    .map(|c| Split::from_test(n_samples, c))
                    .collect())
            }
            Cv::LeaveOneGroupOut => {
                let groups = grouping()?;
                let unique: BTreeSet<usize> = groups.iter().copied().collect();
                if unique.len() <= 1 {
                    return Err(SplitError::TooFewGroups {
                        splitter: name,
                        message: format!(
                            "the groups parameter contains fewer than 2 unique groups ({}); LeaveOneGroupOut expects at least 2",
                            unique.len()
                        ),
                    });
                }
                Ok(unique
                    .iter()
                    .map(|&g| Split::from_mask(&groups.iter().map(|&x| x == g).collect::<Vec<_>>()))
                    .collect())
            }
            Cv::LeavePGroupsOut { n_groups } => {
                let groups = grouping()?;
                let unique: Vec<usize> = groups
                    .iter()
                    .copied()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if *n_groups >= unique.len() {
                    return Err(SplitError::TooFewGroups {
                        splitter: name,
                        message: format!(
                            "the groups parameter contains fewer than (or equal to) n_groups ({n_groups}) unique groups ({}); LeavePGroupsOut expects at least n_groups + 1 ({})",
                            unique.len(),
                            n_groups + 1
                        ),
                    });
                }
                Ok(combinations(unique.len(), *n_groups)
                    .into_iter()
                    .map(|combo| {
                        let chosen: BTreeSet<usize> = combo.iter().map(|&i| unique[i]).collect();
                        Split::from_mask(
                            &groups
                                .iter()
                                .map(|g| chosen.contains(g))
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect())
            }
            Cv::PredefinedSplit { test_fold, column } => {
                if test_fold.is_empty() {
                    return Err(match column {
                        Some(c) => SplitError::Spec(format!(
                            "predefined_split: the folds of column '{c}' were not provided"
                        )),
                        None => SplitError::Missing {
                            splitter: name,
                            what: "test_fold",
                        },
                    });
                }
                if test_fold.len() != n_samples {
                    return Err(SplitError::LengthMismatch {
                        splitter: name,
                        what: "test_fold",
                        len: test_fold.len(),
                        n_samples,
                    });
                }
                let folds: BTreeSet<i64> = test_fold.iter().copied().filter(|&f| f != -1).collect();
                Ok(folds
                    .iter()
                    .map(|&f| {
                        Split::from_mask(&test_fold.iter().map(|&x| x == f).collect::<Vec<_>>())
                    })
                    .collect())
            }
            Cv::RepeatedKFold {
                n_splits,
                n_repeats,
                random_state,
            } => {
                let mut rng = RandomState::new(random_state.expect("checked"));
                let mut out = Vec::new();
                for _ in 0..*n_repeats {
                    check_n_splits(name, *n_splits, n_samples)?;
                    out.extend(kfold(n_samples, *n_splits, Some(&mut rng)));
                }
                Ok(out)
            }
            Cv::RepeatedStratifiedKFold {
                n_splits,
                n_repeats,
                random_state,
            } => {
                let y = labels()?;
                let mut rng = RandomState::new(random_state.expect("checked"));
                let mut out = Vec::new();
                for _ in 0..*n_repeats {
                    check_n_splits(name, *n_splits, n_samples)?;
                    out.extend(stratified_kfold(name, y, *n_splits, Some(&mut rng))?);
                }
                Ok(out)
            }
            Cv::ShuffleSplit {
                n_splits,
                test_size,
                train_size,
                random_state,
            } => {
                let (n_train, n_test) =
                    validate_shuffle_split(name, n_samples, *test_size, *train_size, 0.1)?;
                let mut rng = RandomState::new(random_state.expect("checked"));
                Ok(shuffle_split(
                    n_samples, n_train, n_test, *n_splits, &mut rng,
                ))
            }
            Cv::StratifiedShuffleSplit {
                n_splits,
                test_size,
                train_size,
                random_state,
            } => {
                let (n_train, n_test) =
                    validate_shuffle_split(name, n_samples, *test_size, *train_size, 0.1)?;
                let mut rng = RandomState::new(random_state.expect("checked"));
                stratified_shuffle_split(name, labels()?, n_train, n_test, *n_splits, &mut rng)
            }
            Cv::GroupShuffleSplit {
                n_splits,
                test_size,
                train_size,
                random_state,
            } => {
                let groups = grouping()?;
                let unique: Vec<usize> = groups
                    .iter()
                    .copied()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let index: BTreeMap<usize, usize> =
                    unique.iter().enumerate().map(|(i, &g)| (g, i)).collect();
                let (n_train, n_test) =
                    validate_shuffle_split(name, unique.len(), *test_size, *train_size, 0.2)?;
                let mut rng = RandomState::new(random_state.expect("checked"));
                Ok(
                    shuffle_split(unique.len(), n_train, n_test, *n_splits, &mut rng)
                        .into_iter()
                        .map(|s| {
                            let mut side = vec![0u8; unique.len()];
                            s.train.iter().for_each(|&g| side[g] = 1);
                            s.test.iter().for_each(|&g| side[g] = 2);
                            let pick = |k: u8| {
                                (0..n_samples)
                                    .filter(|&i| side[index[&groups[i]]] == k)
                                    .collect()
                            };
                            Split {
                                train: pick(1),
                                test: pick(2),
                            }
                        })
                        .collect(),
                )
            }
            Cv::TimeSeriesSplit {
                n_splits,
                max_train_size,
                test_size,
                gap,
            } => time_series_split(
                name,
                n_samples,
                *n_splits,
                *max_train_size,
                *test_size,
                *gap,
            ),
            Cv::TrainTestSplit {
                test_size,
                train_size,
                random_state,
                shuffle,
                stratify,
            } => {
                let (n_train, n_test) =
                    validate_shuffle_split(name, n_samples, *test_size, *train_size, 0.25)?;
                if !shuffle {
                    return Ok(vec![Split {
                        train: (0..n_train).collect(),
                        test: (n_train..n_train + n_test).collect(),
                    }]);
                }
                // scikit-learn re-validates the counts in the shuffle splitter it builds.
                let (n_train, n_test) = validate_shuffle_split(
                    name,
                    n_samples,
                    Some(Size::Count(n_test)),
                    Some(Size::Count(n_train)),
                    0.1,
                )?;
                let mut rng = RandomState::new(random_state.expect("checked"));
                if *stratify {
                    stratified_shuffle_split(name, labels()?, n_train, n_test, 1, &mut rng)
                } else {
                    Ok(shuffle_split(n_samples, n_train, n_test, 1, &mut rng))
                }
            }
        }
    }
}

fn check_n_splits(name: &'static str, n_splits: usize, n_samples: usize) -> Result<()> {
    if n_splits > n_samples {
        return Err(SplitError::TooManySplits {
            splitter: name,
            n_splits,
            n_samples,
        });
    }
    Ok(())
}

/// `KFold._iter_test_indices`.
fn kfold(n: usize, n_splits: usize, rng: Option<&mut RandomState>) -> Vec<Split> {
    let mut indices: Vec<usize> = (0..n).collect();
    if let Some(rng) = rng {
        rng.shuffle(&mut indices);
    }
    let mut out = Vec::with_capacity(n_splits);
    let mut start = 0;
    for k in 0..n_splits {
        let size = n / n_splits + usize::from(k < n % n_splits);
        out.push(Split::from_test(
            n,
            indices[start..start + size].iter().copied(),
        ));
        start += size;
    }
    out
}

/// Sorted unique values, the inverse (index of each value's unique), and counts.
fn unique_inverse(values: &[usize]) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let unique: Vec<usize> = values
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index: BTreeMap<usize, usize> = unique.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let inverse: Vec<usize> = values.iter().map(|v| index[v]).collect();
    let mut counts = vec![0; unique.len()];
    for &i in &inverse {
        counts[i] += 1;
    }
    (unique, inverse, counts)
}

/// `StratifiedKFold._make_test_folds` + masks.
fn stratified_kfold(
    name: &'static str,
    y: &[usize],
    n_splits: usize,
    rng: Option<&mut RandomState>,
) -> Result<Vec<Split>> {
    let n = y.len();
    let (unique, inverse, _) = unique_inverse(y);
    // Classes re-coded in order of first appearance (`class_perm`).
    let mut first_index = vec![usize::MAX; unique.len()];
    for (i, &k) in inverse.iter().enumerate() {
        first_index[k] = first_index[k].min(i);
    }
    let mut order: Vec<usize> = (0..unique.len()).collect();
    order.sort_by_key(|&k| first_index[k]);
    let mut rank = vec![0; unique.len()];
    for (r, &k) in order.iter().enumerate() {
        rank[k] = r;
    }
    let encoded: Vec<usize> = inverse.iter().map(|&k| rank[k]).collect();
    let n_classes = unique.len();
    let mut counts = vec![0usize; n_classes];
    for &k in &encoded {
        counts[k] += 1;
    }
    if counts.iter().all(|&c| n_splits > c) {
        return Err(SplitError::ClassTooSmall {
            splitter: name,
            message: format!(
                "n_splits={n_splits} cannot be greater than the number of members in each class"
            ),
        });
    }
    let mut sorted = encoded.clone();
    sorted.sort_unstable();
    let mut allocation = vec![vec![0usize; n_classes]; n_splits];
    for (i, &k) in sorted.iter().enumerate() {
        allocation[i % n_splits][k] += 1;
    }
    let mut test_folds = vec![0usize; n];
    let mut rng = rng;
    for k in 0..n_classes {
        let mut folds: Vec<usize> = (0..n_splits)
            .flat_map(|f| std::iter::repeat_n(f, allocation[f][k]))
            .collect();
        if let Some(rng) = rng.as_deref_mut() {
            rng.shuffle(&mut folds);
        }
        let mut next = folds.into_iter();
        for (i, &e) in encoded.iter().enumerate() {
            if e == k {
                test_folds[i] = next.next().expect("allocation covers the class");
            }
        }
    }
    Ok((0..n_splits)
        .map(|f| Split::from_mask(&test_folds.iter().map(|&t| t == f).collect::<Vec<_>>()))
        .collect())
}

/// `GroupKFold._iter_test_indices`.
fn group_kfold(
    name: &'static str,
    groups: &[usize],
    n_splits: usize,
    rng: Option<&mut RandomState>,
) -> Result<Vec<Split>> {
    let (unique, inverse, counts) = unique_inverse(groups);
    if n_splits > unique.len() {
        return Err(SplitError::TooFewGroups {
            splitter: name,
            message: format!(
                "cannot have number of splits n_splits={n_splits} greater than the number of groups: {}",
                unique.len()
            ),
        });
    }
    let group_to_fold: Vec<usize> = match rng {
        Some(rng) => {
            // `rng.permutation(unique_groups)` then `np.array_split` into n_splits parts.
            let perm = rng.permutation(unique.len());
            let mut fold_of = vec![0; unique.len()];
            let mut start = 0;
            for f in 0..n_splits {
                let size = unique.len() / n_splits + usize::from(f < unique.len() % n_splits);
                for &g in &perm[start..start + size] {
                    fold_of[g] = f;
                }
                start += size;
            }
            fold_of
        }
        None => {
            // Largest groups first (stable argsort reversed), each to the lightest fold.
            let mut order: Vec<usize> = (0..unique.len()).collect();
            order.sort_by_key(|&g| counts[g]);
            order.reverse();
            let mut load = vec![0usize; n_splits];
            let mut fold_of = vec![0; unique.len()];
            for &g in &order {
                let lightest = (0..n_splits)
                    .min_by_key(|&f| (load[f], f))
                    .expect("n_splits ≥ 2");
                load[lightest] += counts[g];
                fold_of[g] = lightest;
            }
            fold_of
        }
    };
    Ok((0..n_splits)
        .map(|f| {
            Split::from_mask(
                &inverse
                    .iter()
                    .map(|&g| group_to_fold[g] == f)
                    .collect::<Vec<_>>(),
            )
        })
        .collect())
}

/// NumPy's pairwise summation (`pairwise_sum` in `loops_utils.h`) for a contiguous 1-D
/// reduction, so that means and standard deviations round as NumPy's do.
fn np_sum(a: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = a.len();
    if n < 8 {
        return a.iter().fold(-0.0, |acc, &x| acc + x);
    }
    if n <= BLOCK {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - (n % 8) {
            for k in 0..8 {
                r[k] += a[i + k];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        return res;
    }
    let mut n2 = n / 2;
    n2 -= n2 % 8;
    np_sum(&a[..n2]) + np_sum(&a[n2..])
}

/// `np.std(a)` of a contiguous 1-D array (population standard deviation).
fn np_std(a: &[f64]) -> f64 {
    let n = a.len() as f64;
    let mean = np_sum(a) / n;
    let sq: Vec<f64> = a.iter().map(|x| (x - mean) * (x - mean)).collect();
    (np_sum(&sq) / n).sqrt()
}

/// `StratifiedGroupKFold._iter_test_indices`.
fn stratified_group_kfold(
    name: &'static str,
    y: &[usize],
    groups: &[usize],
    n_splits: usize,
    rng: Option<&mut RandomState>,
) -> Result<Vec<Split>> {
    let n = y.len();
    let (_, y_inv, y_cnt) = unique_inverse(y);
    if y_cnt.iter().all(|&c| n_splits > c) {
        return Err(SplitError::ClassTooSmall {
            splitter: name,
            message: format!(
                "n_splits={n_splits} cannot be greater than the number of members in each class"
            ),
        });
    }
    let n_classes = y_cnt.len();
    let (_, mut groups_inv, groups_cnt) = unique_inverse(groups);
    let n_groups = groups_cnt.len();
    if n_splits > n_groups {
        return Err(SplitError::TooFewGroups {
            splitter: name,
            message: format!(
                "cannot have number of splits n_splits={n_splits} greater than the number of groups: {n_groups}"
            ),
        });
    }
    let mut per_group = vec![vec![0.0f64; n_classes]; n_groups];
    for (&c, &g) in y_inv.iter().zip(&groups_inv) {
        per_group[g][c] += 1.0;
    }
    if let Some(rng) = rng {
        let mut perm: Vec<usize> = (0..n_groups).collect();
        rng.shuffle(&mut perm);
        per_group = perm.iter().map(|&p| per_group[p].clone()).collect();
        let mut inv_perm = vec![0; n_groups];
        for (i, &p) in perm.iter().enumerate() {
            inv_perm[p] = i;
        }
        groups_inv = groups_inv.iter().map(|&g| inv_perm[g]).collect();
    }
    // Groups with the most uneven class spread first (stable argsort of −std).
    let spread: Vec<f64> = per_group.iter().map(|row| np_std(row)).collect();
    let mut order: Vec<usize> = (0..n_groups).collect();
    order.sort_by(|&a, &b| (-spread[a]).total_cmp(&-spread[b]));
    let y_cnt_f: Vec<f64> = y_cnt.iter().map(|&c| c as f64).collect();
    let mut per_fold = vec![vec![0.0f64; n_classes]; n_splits];
    let mut fold_of_group = vec![usize::MAX; n_groups];
    for &g in &order {
        let counts = &per_group[g];
        let mut best = 0;
        let mut min_eval = f64::INFINITY;
        let mut min_samples = f64::INFINITY;
        for i in 0..n_splits {
            for c in 0..n_classes {
                per_fold[i][c] += counts[c];
            }
            // std over folds (axis 0) of per_fold / y_cnt, for each class; then their mean.
            let std_per_class: Vec<f64> = (0..n_classes)
                .map(|c| {
                    let col: Vec<f64> =
                        (0..n_splits).map(|f| per_fold[f][c] / y_cnt_f[c]).collect();
                    axis0_std(&col)
                })
                .collect();
            for c in 0..n_classes {
                per_fold[i][c] -= counts[c];
            }
            let fold_eval = np_sum(&std_per_class) / n_classes as f64;
            let samples: f64 = per_fold[i].iter().sum();
            let close = (fold_eval - min_eval).abs() <= 1e-8 + 1e-5 * min_eval.abs();
            if fold_eval < min_eval || (close && samples < min_samples) {
                min_eval = fold_eval;
                min_samples = samples;
                best = i;
            }
        }
        for c in 0..n_classes {
            per_fold[best][c] += counts[c];
        }
        fold_of_group[g] = best;
    }
    Ok((0..n_splits)
        .map(|f| {
            Split::from_mask(
                &(0..n)
                    .map(|i| fold_of_group[groups_inv[i]] == f)
                    .collect::<Vec<_>>(),
            )
        })
        .collect())
}

/// `np.std(a, axis=0)` for one column of a C-contiguous matrix: NumPy reduces along a
/// non-contiguous axis row by row, i.e. with a sequential sum.
fn axis0_std(col: &[f64]) -> f64 {
    let n = col.len() as f64;
    let mean = col.iter().fold(0.0, |a, &x| a + x) / n;
    let var = col.iter().fold(0.0, |a, &x| a + (x - mean) * (x - mean)) / n;
    var.sqrt()
}

/// `_validate_shuffle_split`: (n_train, n_test).
fn validate_shuffle_split(
    name: &'static str,
    n_samples: usize,
    test_size: Option<Size>,
    train_size: Option<Size>,
    default_test: f64,
) -> Result<(usize, usize)> {
    let test_size = match (test_size, train_size) {
        (None, None) => Some(Size::Fraction(default_test)),
        (t, _) => t,
    };
    let bad = |what: &str, s: Size| {
        SplitError::InvalidSize {
        splitter: name,
        message: format!(
            "{what}={s} should be either positive and smaller than the number of samples {n_samples} or a float in the (0, 1) range"
        ),
    }
    };
    for (what, size) in [("test_size", test_size), ("train_size", train_size)] {
        match size {
            Some(Size::Count(c)) if c >= n_samples || c == 0 => {
                return Err(bad(what, size.expect("some")))
            }
            Some(Size::Fraction(f)) if !(f > 0.0 && f < 1.0) => {
                return Err(bad(what, size.expect("some")))
            }
            _ => {}
        }
    }
    if let (Some(Size::Fraction(a)), Some(Size::Fraction(b))) = (train_size, test_size) {
        if a + b > 1.0 {
            return Err(SplitError::InvalidSize {
                splitter: name,
                message: format!(
                    "the sum of test_size and train_size = {:?}, should be in the (0, 1) range; reduce test_size and/or train_size",
                    a + b
                ),
            });
        }
    }
    let to_count = |s: Size, ceil: bool| match s {
        Size::Count(c) => c,
        Size::Fraction(f) if ceil => (f * n_samples as f64).ceil() as usize,
        Size::Fraction(f) => (f * n_samples as f64).floor() as usize,
    };
    let mut n_test = test_size.map(|s| to_count(s, true));
    let mut n_train = train_size.map(|s| to_count(s, false));
    match (n_train, n_test) {
        (None, Some(t)) => n_train = Some(n_samples - t),
        (Some(t), None) => n_test = Some(n_samples - t),
        _ => {}
    }
    let (n_train, n_test) = (n_train.expect("set above"), n_test.expect("set above"));
    if n_train + n_test > n_samples {
        return Err(SplitError::InvalidSize {
            splitter: name,
            message: format!(
                "the sum of train_size and test_size = {}, should be smaller than the number of samples {n_samples}; reduce test_size and/or train_size",
                n_train + n_test
            ),
        });
    }
    if n_train == 0 {
        return Err(SplitError::InvalidSize {
            splitter: name,
            message: format!(
                "with n_samples={n_samples}, test_size={} and train_size={}, the resulting train set will be empty",
                test_size.map_or("None".into(), |s| s.to_string()),
                train_size.map_or("None".into(), |s| s.to_string())
            ),
        });
    }
    Ok((n_train, n_test))
}

/// `ShuffleSplit._iter_indices` (indices in permutation order).
fn shuffle_split(
    n: usize,
    n_train: usize,
    n_test: usize,
    n_splits: usize,
    rng: &mut RandomState,
) -> Vec<Split> {
    (0..n_splits)
        .map(|_| {
            let perm = rng.permutation(n);
            Split {
                test: perm[..n_test].to_vec(),
                train: perm[n_test..n_test + n_train].to_vec(),
            }
        })
        .collect()
}

/// `_approximate_mode`: per-class draws summing to `n_draws`, ties broken at random.
fn approximate_mode(class_counts: &[usize], n_draws: usize, rng: &mut RandomState) -> Vec<usize> {
    let total = class_counts.iter().sum::<usize>() as f64;
    let continuous: Vec<f64> = class_counts
        .iter()
        .map(|&c| c as f64 / total * n_draws as f64)
        .collect();
    let mut floored: Vec<f64> = continuous.iter().map(|c| c.floor()).collect();
    let mut need = (n_draws as f64 - np_sum(&floored)) as i64;
    if need > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, f)| c - f)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup();
        for value in values {
            let inds: Vec<usize> = (0..remainder.len())
                .filter(|&i| remainder[i] == value)
                .collect();
            let add_now = inds.len().min(need as usize);
            for i in rng.choice_without_replacement(&inds, add_now) {
                floored[i] += 1.0;
            }
            need -= add_now as i64;
            if need == 0 {
                break;
            }
        }
    }
    floored.iter().map(|&f| f as usize).collect()
}

/// `StratifiedShuffleSplit._iter_indices`.
fn stratified_shuffle_split(
    name: &'static str,
    y: &[usize],
    n_train: usize,
    n_test: usize,
    n_splits: usize,
    rng: &mut RandomState,
) -> Result<Vec<Split>> {
    let (unique, inverse, counts) = unique_inverse(y);
    let small: Vec<String> = unique
        .iter()
        .zip(&counts)
        .filter(|(_, &c)| c < 2)
        .map(|(u, _)| u.to_string())
        .collect();
    if !small.is_empty() {
        return Err(SplitError::ClassTooSmall {
            splitter: name,
            message: format!(
                "the least populated classes in y have only 1 member, which is too few; the minimum number of groups for any class cannot be less than 2; classes with too few members are: [{}]",
                small.join(", ")
            ),
        });
    }
    let n_classes = unique.len();
    if n_train < n_classes {
        return Err(SplitError::InvalidSize {
            splitter: name,
            message: format!(
                "the train_size = {n_train} should be greater or equal to the number of classes = {n_classes}"
            ),
        });
    }
    if n_test < n_classes {
        return Err(SplitError::InvalidSize {
            splitter: name,
            message: format!(
                "the test_size = {n_test} should be greater or equal to the number of classes = {n_classes}"
            ),
        });
    }
    // Row indices of each class, in row order (stable argsort of the class codes).
    let mut class_indices: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &k) in inverse.iter().enumerate() {
        class_indices[k].push(i);
    }
    let mut out = Vec::with_capacity(n_splits);
    for _ in 0..n_splits {
        let n_i = approximate_mode(&counts, n_train, rng);
        let remaining: Vec<usize> = counts.iter().zip(&n_i).map(|(c, n)| c - n).collect();
        let t_i = approximate_mode(&remaining, n_test, rng);
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for k in 0..n_classes {
            let perm = rng.permutation(counts[k]);
            let rows: Vec<usize> = perm.iter().map(|&p| class_indices[k][p]).collect();
            train.extend_from_slice(&rows[..n_i[k]]);
            test.extend_from_slice(&rows[n_i[k]..n_i[k] + t_i[k]]);
        }
        let train = rng.permuted(&train);
        let test = rng.permuted(&test);
        out.push(Split { train, test });
    }
    Ok(out)
}

/// `TimeSeriesSplit._split`.
fn time_series_split(
    name: &'static str,
    n_samples: usize,
    n_splits: usize,
    max_train_size: Option<usize>,
    test_size: Option<usize>,
    gap: usize,
) -> Result<Vec<Split>> {
    let n_folds = n_splits + 1;
    let test_size = test_size.unwrap_or(n_samples / n_folds);
    if n_folds > n_samples {
        return Err(SplitError::TooFewSamples {
            splitter: name,
            message: format!(
                "cannot have number of folds={n_folds} greater than the number of samples={n_samples}"
            ),
        });
    }
    if n_samples as i64 - gap as i64 - (test_size * n_splits) as i64 <= 0 {
        return Err(SplitError::TooFewSamples {
            splitter: name,
            message: format!(
                "too many splits={n_splits} for number of samples={n_samples} with test_size={test_size} and gap={gap}"
            ),
        });
    }
    let mut out = Vec::with_capacity(n_splits);
    let mut test_start = n_samples - n_splits * test_size;
    while test_start < n_samples {
        let train_end = test_start.saturating_sub(gap);
        let train_start = match max_train_size {
            Some(m) if m > 0 && m < train_end => train_end - m,
            _ => 0,
        };
        out.push(Split {
            train: (train_start..train_end).collect(),
            test: (test_start..(test_start + test_size).min(n_samples)).collect(),
        });
        if test_size == 0 {
            break;
        }
        test_start += test_size;
    }
    Ok(out)
}

/// All `k`-subsets of `0..n` in lexicographic order (`itertools.combinations`).
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    if k > n {
        return out;
    }
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        out.push(idx.clone());
        // The rightmost position that can still move right.
        let Some(i) = (0..k).rev().find(|&i| idx[i] != i + n - k) else {
            return out;
        };
        idx[i] += 1;
        for j in i + 1..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

/// Every splitter name a spec string may use, with its keys.
pub const SPEC_NAMES: &[(&str, &[&str])] = &[
    ("kfold", &["n_splits", "shuffle", "random_state"]),
    ("stratified_kfold", &["n_splits", "shuffle", "random_state"]),
    ("group_kfold", &["n_splits", "shuffle", "random_state"]),
    (
        "stratified_group_kfold",
        &["n_splits", "shuffle", "random_state"],
    ),
    ("leave_one_out", &[]),
    ("leave_p_out", &["p"]),
    ("leave_one_group_out", &[]),
    ("leave_p_groups_out", &["n_groups"]),
    ("predefined_split", &["column"]),
    ("repeated_kfold", &["n_splits", "n_repeats", "random_state"]),
    (
        "repeated_stratified_kfold",
        &["n_splits", "n_repeats", "random_state"],
    ),
    (
        "shuffle_split",
        &["n_splits", "test_size", "train_size", "random_state"],
    ),
    (
        "stratified_shuffle_split",
        &["n_splits", "test_size", "train_size", "random_state"],
    ),
    (
        "group_shuffle_split",
        &["n_splits", "test_size", "train_size", "random_state"],
    ),
    (
        "time_series_split",
        &["n_splits", "max_train_size", "test_size", "gap"],
    ),
    (
        "train_test_split",
        &[
            "test_size",
            "train_size",
            "random_state",
            "shuffle",
            "stratify",
        ],
    ),
];

impl std::str::FromStr for Cv {
    type Err = SplitError;
    fn from_str(s: &str) -> Result<Cv> {
        Cv::parse(s)
    }
}

impl Cv {
    /// Parse `name[:key=value,...]` with scikit-learn's class names in snake case and its
    /// defaults for omitted keys, e.g. `kfold:n_splits=5,shuffle=true,random_state=42`,
    /// `group_kfold:n_splits=5`, `time_series_split:n_splits=4,gap=2`,
    /// `shuffle_split:n_splits=10,test_size=0.2,random_state=0` (a size with a decimal point is
    /// a fraction, without one a count). Unknown names and keys are errors listing the valid
    /// ones; the parsed scheme is [`Cv::check`]ed.
    ///
    /// # Errors
    ///
    /// Returns [`SplitError::Spec`] when the name is not one of [`SPEC_NAMES`], a part is not
    /// `key=value`, a key is unknown for the scheme or given twice, a value does not parse (a whole
    /// number, `true`/`false`, a `random_state` in `0..=4294967295` or `none`, a size), or a
    /// required key (`p`, `n_groups`) is missing; and any error of [`Cv::check`] on the parsed
    /// scheme (e.g. [`SplitError::MissingRandomState`] for `shuffle=true` without a seed).
    pub fn parse(spec: &str) -> Result<Cv> {
        let spec = spec.trim();
        let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
        let Some((_, keys)) = SPEC_NAMES.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = SPEC_NAMES.iter().map(|(n, _)| *n).collect();
            return Err(SplitError::Spec(format!(
                "unknown cross-validation scheme '{name}'; valid schemes: {}",
                names.join(", ")
            )));
        };
        let mut params: BTreeMap<&str, &str> = BTreeMap::new();
        for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return Err(SplitError::Spec(format!(
                    "{name}: expected key=value, got '{part}'"
                )));
            };
            let k = k.trim();
            if !keys.contains(&k) {
                return Err(SplitError::Spec(format!(
                    "{name}: unknown key '{k}'; valid keys: {}",
                    if keys.is_empty() {
                        "none".to_string()
                    } else {
                        keys.join(", ")
                    }
                )));
            }
            if params.insert(k, v.trim()).is_some() {
                return Err(SplitError::Spec(format!("{name}: key '{k}' given twice")));
            }
        }
        let p = Params { name, params };
        let cv = match name {
            "kfold" | "stratified_kfold" | "group_kfold" | "stratified_group_kfold" => {
                let n_splits = p.usize("n_splits")?.unwrap_or(5);
                let shuffle = p.bool("shuffle")?.unwrap_or(false);
                let random_state = p.seed()?;
                match name {
                    "kfold" => Cv::KFold {
                        n_splits,
                        shuffle,
                        random_state,
                    },
                    "stratified_kfold" => Cv::StratifiedKFold {
                        n_splits,
                        shuffle,
                        random_state,
                    },
                    "group_kfold" => Cv::GroupKFold {
                        n_splits,
                        shuffle,
                        random_state,
                    },
                    _ => Cv::StratifiedGroupKFold {
                        n_splits,
                        shuffle,
                        random_state,
                    },
                }
            }
            "leave_one_out" => Cv::LeaveOneOut,
            "leave_p_out" => Cv::LeavePOut {
                p: p.required_usize("p")?,
            },
            "leave_one_group_out" => Cv::LeaveOneGroupOut,
            "leave_p_groups_out" => Cv::LeavePGroupsOut {
                n_groups: p.required_usize("n_groups")?,
            },
            "predefined_split" => Cv::PredefinedSplit {
                test_fold: Vec::new(),
                column: p.params.get("column").map(|c| c.to_string()),
            },
            "repeated_kfold" | "repeated_stratified_kfold" => {
                let n_splits = p.usize("n_splits")?.unwrap_or(5);
                let n_repeats = p.usize("n_repeats")?.unwrap_or(10);
                let random_state = p.seed()?;
                if name == "repeated_kfold" {
                    Cv::RepeatedKFold {
                        n_splits,
                        n_repeats,
                        random_state,
                    }
                } else {
                    Cv::RepeatedStratifiedKFold {
                        n_splits,
                        n_repeats,
                        random_state,
                    }
                }
            }
            "shuffle_split" | "stratified_shuffle_split" | "group_shuffle_split" => {
                let n_splits = p.usize("n_splits")?.unwrap_or(10);
                let test_size = p.size("test_size")?;
                let train_size = p.size("train_size")?;
                let random_state = p.seed()?;
                match name {
                    "shuffle_split" => Cv::ShuffleSplit {
                        n_splits,
                        test_size,
                        train_size,
                        random_state,
                    },
                    "stratified_shuffle_split" => Cv::StratifiedShuffleSplit {
                        n_splits,
                        test_size,
                        train_size,
                        random_state,
                    },
                    _ => Cv::GroupShuffleSplit {
                        n_splits,
                        test_size,
                        train_size,
                        random_state,
                    },
                }
            }
            "time_series_split" => Cv::TimeSeriesSplit {
                n_splits: p.usize("n_splits")?.unwrap_or(5),
                max_train_size: p.usize("max_train_size")?,
                test_size: p.usize("test_size")?,
                gap: p.usize("gap")?.unwrap_or(0),
            },
            _ => Cv::TrainTestSplit {
                test_size: p.size("test_size")?,
                train_size: p.size("train_size")?,
                random_state: p.seed()?,
                shuffle: p.bool("shuffle")?.unwrap_or(true),
                stratify: p.bool("stratify")?.unwrap_or(false),
            },
        };
        cv.check()?;
        Ok(cv)
    }
}

struct Params<'a> {
    name: &'a str,
    params: BTreeMap<&'a str, &'a str>,
}

impl Params<'_> {
    fn bad(&self, key: &str, value: &str, expected: &str) -> SplitError {
        SplitError::Spec(format!("{}: {key}={value} is not {expected}", self.name))
    }
    fn usize(&self, key: &str) -> Result<Option<usize>> {
        self.params
            .get(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| self.bad(key, v, "a whole number ≥ 0"))
            })
            .transpose()
    }
    fn required_usize(&self, key: &str) -> Result<usize> {
        self.usize(key)?
            .ok_or_else(|| SplitError::Spec(format!("{}: the key '{key}' is required", self.name)))
    }
    fn bool(&self, key: &str) -> Result<Option<bool>> {
        self.params
            .get(key)
            .map(|v| match *v {
                "true" | "True" => Ok(true),
                "false" | "False" => Ok(false),
                _ => Err(self.bad(key, v, "true or false")),
            })
            .transpose()
    }
    fn seed(&self) -> Result<Option<u32>> {
        self.params
            .get("random_state")
            .map(|v| match *v {
                "none" | "None" => Ok(None),
                _ => v
                    .parse()
                    .map(Some)
                    .map_err(|_| self.bad("random_state", v, "an integer in 0..=4294967295")),
            })
            .transpose()
            .map(Option::flatten)
    }
    fn size(&self, key: &str) -> Result<Option<Size>> {
        self.params
            .get(key)
            .map(|v| {
                if v.contains(['.', 'e', 'E']) {
                    v.parse()
                        .map(Size::Fraction)
                        .map_err(|_| self.bad(key, v, "a fraction or a count"))
                } else {
                    v.parse()
                        .map(Size::Count)
                        .map_err(|_| self.bad(key, v, "a fraction or a count"))
                }
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_are_lexicographic() {
        assert_eq!(
            combinations(4, 2),
            [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
        );
        assert_eq!(combinations(3, 3), [[0, 1, 2]]);
        assert_eq!(combinations(3, 0), [Vec::<usize>::new()]);
    }

    #[test]
    fn np_sum_matches_sequential_for_short_arrays() {
        let a = [0.1, 0.2, 0.3];
        assert_eq!(np_sum(&a), 0.1 + 0.2 + 0.3);
        let b: Vec<f64> = (0..20).map(|i| i as f64 * 0.1).collect();
        assert!((np_sum(&b) - 19.0).abs() < 1e-12);
    }

    #[test]
    fn kfold_tests_every_sample_once_including_the_remainder() {
        let splits = Cv::kfold(3).split(10, None, None).unwrap();
        let mut tested: Vec<usize> = splits.iter().flat_map(|s| s.test.clone()).collect();
        tested.sort_unstable();
        assert_eq!(tested, (0..10).collect::<Vec<_>>());
        assert_eq!(splits[0].test, [0, 1, 2, 3]);
    }
}
