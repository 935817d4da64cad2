//! [`Migration`] and [`Migrations`]: migrations as values, embedded in the binary by
//! `embed_migrations!` or read from a folder at run time.

use super::error::MigrationError;
use super::source;
use crate::error::QueryResult;
use std::borrow::Cow;
use std::path::Path;

/// One migration: its version, name and SQL.
///
/// `embed_migrations!` makes them from `migrations/<version>_<name>/{up.sql, down.sql}`
/// at build time; [`Migrations::from_dir`] reads the same folder at run time;
/// [`Migration::new`] takes the parts as values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    version: Cow<'static, str>,
    name: Cow<'static, str>,
    up: Cow<'static, str>,
    down: Option<Cow<'static, str>>,
    up_no_transaction: bool,
    down_no_transaction: bool,
}

impl Migration {
    /// A migration that `embed_migrations!` checked at build time.
    #[doc(hidden)]
    pub const fn embedded(
        version: &'static str,
        name: &'static str,
        up: &'static str,
        down: Option<&'static str>,
        up_no_transaction: bool,
        down_no_transaction: bool,
    ) -> Self {
        Migration {
            version: Cow::Borrowed(version),
            name: Cow::Borrowed(name),
            up: Cow::Borrowed(up),
            down: match down {
                Some(down) => Some(Cow::Borrowed(down)),
                None => None,
            },
            up_no_transaction,
            down_no_transaction,
        }
    }

    /// A migration from its parts. The version is digits (and `-`); a script whose first
    /// line is `-- quarry: no-transaction` must be exactly one statement.
    ///
    /// ```
    /// use quarry::migrate::Migration;
    ///
    /// let m = Migration::new("0001", "create_users", "CREATE TABLE users (id INTEGER);", None)?;
    /// assert_eq!(m.version(), "0001");
    /// assert!(Migration::new("one", "create_users", "SELECT 1", None).is_err());
    /// # Ok::<(), quarry::Error>(())
    /// ```
    pub fn new(
        version: impl Into<String>,
        name: impl Into<String>,
        up: impl Into<String>,
        down: Option<String>,
    ) -> QueryResult<Self> {
        let version = version.into();
        Migration::checked(version.clone(), name.into(), up.into(), down)
            .map_err(|message| MigrationError::Invalid { version, message }.into())
    }

    /// A migration from its parts, or what is wrong with them.
    fn checked(
        version: String,
        name: String,
        up: String,
        down: Option<String>,
    ) -> Result<Self, String> {
        if source::version_order(&version).is_none() {
            return Err("the version must be digits (and `-`)".to_owned());
        }
        for (file, sql) in [("up.sql", Some(&up)), ("down.sql", down.as_ref())] {
            if let Some(message) = sql.and_then(|sql| source::check_no_transaction(sql)) {
                return Err(format!("{file}: {message}"));
            }
        }
        Ok(Migration {
            up_no_transaction: source::wants_no_transaction(&up),
            down_no_transaction: down.as_deref().is_some_and(source::wants_no_transaction),
            version: Cow::Owned(version),
            name: Cow::Owned(name),
            up: Cow::Owned(up),
            down: down.map(Cow::Owned),
        })
    }

    /// The version, as its folder name spells it (`0001`, `2024-05-01-120000`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The name: the folder name after the version.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SQL that applies the migration.
    pub fn up_sql(&self) -> &str {
        &self.up
    }

    /// The SQL that reverts it, if it has a `down.sql`.
    pub fn down_sql(&self) -> Option<&str> {
        self.down.as_deref()
    }

    /// Whether `up.sql` runs outside a transaction (`-- quarry: no-transaction`).
    pub fn up_runs_outside_transaction(&self) -> bool {
        self.up_no_transaction
    }

    /// Whether `down.sql` runs outside a transaction.
    pub fn down_runs_outside_transaction(&self) -> bool {
        self.down_no_transaction
    }

    /// The checksum the tracking table records: SHA-256 of the normalized `up.sql`
    /// (without a byte order mark, with LF line ends, without trailing blanks), in hex.
    pub fn checksum(&self) -> String {
        super::checksum::checksum(&self.up)
    }

    /// The version as a number, for ordering. Checked when the migration was made.
    pub(crate) fn order(&self) -> u64 {
        source::version_order(&self.version).unwrap_or(u64::MAX)
    }
}

/// A set of migrations, in version order: what `embed_migrations!` gives, or
/// [`Migrations::from_dir`] reads. Its methods ([`run_pending`](Self::run_pending),
/// [`revert_last`](Self::revert_last), [`status`](Self::status), …) run them.
#[derive(Debug, Clone)]
pub struct Migrations {
    list: Cow<'static, [Migration]>,
}

impl Migrations {
    /// Migrations that `embed_migrations!` checked and sorted at build time.
    #[doc(hidden)]
    pub const fn embedded(list: &'static [Migration]) -> Self {
        Migrations {
            list: Cow::Borrowed(list),
        }
    }

    /// A set of the given migrations, sorted by version; two with the same version are
    /// an error.
    pub fn new(mut list: Vec<Migration>) -> QueryResult<Self> {
        list.sort_by_key(Migration::order);
        if let Some(pair) = list.windows(2).find(|p| p[0].order() == p[1].order()) {
            return Err(MigrationError::Invalid {
                version: pair[1].version().to_owned(),
                message: format!(
                    "two migrations have this version: `{}` and `{}`",
                    pair[0].name(),
                    pair[1].name()
                ),
            }
            .into());
        }
        Ok(Migrations {
            list: Cow::Owned(list),
        })
    }

    /// Reads the migrations of a folder at run time: one sub-folder per migration,
    /// named `<version>_<name>`, holding `up.sql` and, optionally, `down.sql`. This is
    /// what the `quarry` CLI runs; `embed_migrations!` reads the same layout at build
    /// time.
    pub fn from_dir(dir: impl AsRef<Path>) -> QueryResult<Self> {
        let folder_error = |e: source::FolderError| MigrationError::Folder {
            path: e.path,
            message: e.message,
        };
        let mut list = Vec::new();
        for found in source::find_migrations(dir.as_ref()).map_err(folder_error)? {
            let up = source::read_sql(&found.up).map_err(folder_error)?;
            let down = match &found.down {
                Some(path) => Some(source::read_sql(path).map_err(folder_error)?),
                None => None,
            };
            let folder = found.up.parent().unwrap_or(&found.up).to_owned();
            let migration =
                Migration::checked(found.version, found.name, up, down).map_err(|message| {
                    MigrationError::Folder {
                        path: folder,
                        message,
                    }
                })?;
            list.push(migration);
        }
        Migrations::new(list)
    }

    /// The migrations, in version order.
    pub fn iter(&self) -> std::slice::Iter<'_, Migration> {
        self.list.iter()
    }

    /// The number of migrations.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The migration of `version`, if the set has it.
    pub fn get(&self, version: &str) -> Option<&Migration> {
        self.list.iter().find(|m| m.version() == version)
    }
}

impl<'a> IntoIterator for &'a Migrations {
    type Item = &'a Migration;
    type IntoIter = std::slice::Iter<'a, Migration>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
