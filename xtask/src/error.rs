//! Why an xtask command failed: one enum over every command's errors, printed by `main` as
//! `error: ...`. The docs commands' errors come from `plugchat_docs::Error`; regen keeps its
//! own enum, wrapped here.

use std::path::PathBuf;

use crate::regen::RegenError;
use crate::release::ReleaseError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error(transparent)]
    Regen(#[from] RegenError),
    #[error(transparent)]
    Release(#[from] ReleaseError),
    #[error(transparent)]
    Docs(#[from] plugchat_docs::Error),
    #[error(transparent)]
    Interop(#[from] crate::interop::InteropError),
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a spec file this xtask reads ({source}): run `cargo xtask regen`")]
    SpecFile {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("the generator refuses the spec:\n{0}")]
    Generator(#[from] plugchat_codegen::Error),
    #[error("cannot run cargo: {0}")]
    Cargo(#[source] std::io::Error),
    #[error("cargo {args} in {dir} failed:\n{stderr}")]
    CargoFailed { args: String, dir: PathBuf, stderr: String },
}

impl Error {
    /// An I/O error on `path`, for `map_err`.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { action, path, source }
    }
}
