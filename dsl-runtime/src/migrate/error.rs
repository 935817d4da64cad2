//! [`MigrationError`]: what can go wrong with migrations, beside a plain database error.

use crate::error::Error;
use std::path::PathBuf;

/// Why migrations could not be loaded, checked or applied. It reaches callers as
/// [`Error::Migration`].
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// A migrations folder, or a migration in it, is malformed.
    #[error("{}: {message}", path.display())]
    Folder {
        /// The file or folder at fault.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// A migration given as values is malformed (a bad version, a `no-transaction`
    /// script of several statements, a version given twice).
    #[error("migration {version}: {message}")]
    Invalid {
        /// The migration's version.
        version: String,
        /// What is wrong with it.
        message: String,
    },

    /// A migration that the database records as applied has been edited since: its
    /// normalized `up.sql` no longer has the checksum it was applied with. Nothing was
    /// run. Undo the edit (write a new migration instead), or, when the edit is
    /// deliberate and the database already matches it, record the new text with
    /// [`Migrations::rehash`](super::Migrations::rehash) (`quarry migration rehash`).
    #[error(
        "migration {version}_{name} was edited after it was applied (checksum {applied_checksum:.12}… \
         when applied, {current_checksum:.12}… now); write a new migration instead, or record the \
         edit with `rehash` if it was deliberate. What changed in up.sql:\n{diff}"
    )]
    Edited {
        /// The migration's version.
        version: String,
        /// The migration's name.
        name: String,
        /// The checksum recorded when it was applied.
        applied_checksum: String,
        /// The checksum of its text now.
        current_checksum: String,
        /// The lines that differ, `-` as applied and `+` as it is now.
        diff: String,
    },

    /// A migration's SQL failed. Its transaction was rolled back, so nothing of it is
    /// left, and the tracking table records it as failed (see
    /// [`Migrations::status`](super::Migrations::status)); the migrations after it were
    /// not run.
    #[error("migration {version}_{name} failed ({direction}), nothing of it was kept: {cause}")]
    Failed {
        /// The migration's version.
        version: String,
        /// The migration's name.
        name: String,
        /// `up` or `down`.
        direction: &'static str,
        /// The database's error.
        #[source]
        cause: Error,
    },

    /// The migration to revert has no `down.sql`.
    #[error("migration {version}_{name} has no down.sql, so it cannot be reverted")]
    NoDown {
        /// The migration's version.
        version: String,
        /// The migration's name.
        name: String,
    },

    /// The database records a migration as applied that this set of migrations does
    /// not hold (a newer build applied it, or its folder was removed).
    #[error(
        "the database records migration {version}_{name} as applied, but it is not among \
         these migrations"
    )]
    Unknown {
        /// The recorded version.
        version: String,
        /// The recorded name.
        name: String,
    },

    /// [`Migrations::rehash`](super::Migrations::rehash) was asked for a version that
    /// these migrations do not have.
    #[error("there is no migration {version} among these migrations")]
    NoSuchVersion {
        /// The version asked for.
        version: String,
    },

    /// [`Migrations::rehash`](super::Migrations::rehash) was asked for a migration that
    /// is not recorded as applied.
    #[error("migration {version} is not recorded as applied, so there is nothing to rehash")]
    NotApplied {
        /// The version asked for.
        version: String,
    },
}

impl From<MigrationError> for Error {
    fn from(e: MigrationError) -> Self {
        Error::Migration(Box::new(e))
    }
}
