//! Why a docs command failed: one enum over every command's errors, printed by the binary as
//! `error: ...`. Commands with richer failures keep their own enums (`GenerateError`,
//! `SourceError`) and are wrapped here.

use std::path::PathBuf;

use crate::diff::source::SourceError;
use crate::generate::GenerateError;

/// Why a command of this crate failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `generate` wrote nothing.
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// A tree to diff could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// An option's value cannot be used.
    #[error("{0}")]
    Usage(String),
    /// `--docs` is not a directory.
    #[error("`{0}` is not a directory")]
    NotADirectory(PathBuf),
    /// `check` found errors.
    #[error("`{docs}` has {count} error(s) (pass --allow-errors to exit 0 anyway)")]
    DocsErrors {
        /// The tree.
        docs: PathBuf,
        /// How many.
        count: usize,
    },
    /// `openapi` refuses a tree with errors.
    #[error("`{docs}` has {count} error(s) (listed above): fix them first")]
    ExportErrors {
        /// The tree.
        docs: PathBuf,
        /// How many.
        count: usize,
    },
    /// `check --deny warnings` found warnings.
    #[error("`{docs}` has {count} warning(s), denied by --deny warnings")]
    DeniedWarnings {
        /// The tree.
        docs: PathBuf,
        /// How many.
        count: usize,
    },
    /// A recording given to `drift` cannot be read as one.
    #[error("`{path}`: {message}")]
    Recording {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A file could not be read or written.
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        /// `read`, `write`, ...
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// An I/O error on `path`, for `map_err`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { action, path, source }
    }
}
