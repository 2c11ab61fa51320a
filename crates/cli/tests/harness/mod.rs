//! Running the `ml4ns` binary as users do, with std only (no assert_cmd: its `bstr`
//! dependency changes the features of a crate polars shares, which would make tests and
//! `cargo xtask` compile polars twice).

use std::process::{Command, Output};

/// The `ml4ns` binary built for these tests.
pub fn ml4ns() -> Cmd {
    Cmd(Command::new(env!("CARGO_BIN_EXE_ml4ns")))
}

/// A command being built.
pub struct Cmd(Command);

impl Cmd {
    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.0.args(args);
        self
    }

    pub fn output(mut self) -> std::io::Result<Output> {
        self.0.stdin(std::process::Stdio::null()).output()
    }

    pub fn assert(self) -> Assert {
        Assert(self.output().expect("binary runs"))
    }
}

/// Assertions on a finished run.
pub struct Assert(Output);

impl Assert {
    fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.0.status.code(),
            String::from_utf8_lossy(&self.0.stdout),
            String::from_utf8_lossy(&self.0.stderr)
        )
    }
    pub fn success(self) -> Assert {
        assert!(
            self.0.status.success(),
            "expected success: {}",
            self.describe()
        );
        self
    }
    pub fn code(self, code: i32) -> Assert {
        assert_eq!(self.0.status.code(), Some(code), "{}", self.describe());
        self
    }
    pub fn stdout(self, p: impl Into<predicate::Pred>) -> Assert {
        let p = p.into();
        assert!(
            p.check(&String::from_utf8_lossy(&self.0.stdout)),
            "stdout {p:?}: {}",
            self.describe()
        );
        self
    }
    pub fn stderr(self, p: impl Into<predicate::Pred>) -> Assert {
        let p = p.into();
        assert!(
            p.check(&String::from_utf8_lossy(&self.0.stderr)),
            "stderr {p:?}: {}",
            self.describe()
        );
        self
    }
}

/// Text predicates, named as the `predicates` crate names them.
pub mod predicate {
    /// A check on a whole output.
    #[derive(Debug)]
    pub enum Pred {
        Contains(String),
        StartsWith(String),
        Equals(String),
        IsEmpty,
    }

    impl Pred {
        pub fn check(&self, text: &str) -> bool {
            match self {
                Pred::Contains(s) => text.contains(s.as_str()),
                Pred::StartsWith(s) => text.starts_with(s.as_str()),
                Pred::Equals(s) => text == s,
                Pred::IsEmpty => text.is_empty(),
            }
        }
    }

    impl From<&str> for Pred {
        fn from(s: &str) -> Pred {
            Pred::Equals(s.to_string())
        }
    }

    pub mod str {
        use super::Pred;
        pub fn contains(s: &str) -> Pred {
            Pred::Contains(s.to_string())
        }
        pub fn starts_with(s: &str) -> Pred {
            Pred::StartsWith(s.to_string())
        }
        pub fn is_empty() -> Pred {
            Pred::IsEmpty
        }
    }
}
