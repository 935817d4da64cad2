//! A throwaway PostgreSQL server for the test suite, on loopback port 55432.
//!
//! [`start`] finds the server binaries (`pg_config --bindir`, else Debian's
//! `/usr/lib/postgresql/<version>/bin`; as root it `apt-get install`s PostgreSQL 15 when
//! neither has them), creates a fresh cluster under `target/pg` (`initdb` with trust auth,
//! no fsync) and starts it with `pg_ctl`. It returns a [`PgServer`] guard that stops the
//! server when dropped, so the server goes away also when tests fail. A server that already
//! answers on the port is reused and left running. [`stop`] stops a server that an earlier
//! `cargo xtask pg-start` left running.
//!
//! PostgreSQL refuses to run as root: as root, the cluster directory belongs to the
//! `postgres` OS user and `initdb` / `pg_ctl` run through `runuser -u postgres --`, from `/`
//! (a directory that user can read). If that user cannot reach `target/pg` (say the clone is
//! under `/root`), or the socket path would be too long, the cluster goes to
//! `$TMPDIR/quarry-pg-55432` instead.

use std::fs;
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use crate::cmd::{self, Cmd};

/// Where the server listens (TCP only on loopback; tests connect over TCP).
pub(crate) const HOST: &str = "127.0.0.1";
/// A non-default port, so that a system PostgreSQL on 5432 is never touched.
pub(crate) const PORT: u16 = 55432;
/// Both the OS user that owns the cluster (when run as root) and the database superuser.
const SUPERUSER: &str = "postgres";
/// Makes sure libpq and its headers (`libpq-dev`, which brings `pg_config`) are
/// installed: the `quarry` crate links libpq through `pq-sys`. Installs them as root.
pub(crate) fn ensure_libpq() -> Result<(), String> {
    if Cmd::new("pg_config").arg("--libdir").run_captured().is_ok() {
        return Ok(());
    }
    if !running_as_root()? {
        return Err("libpq is missing (`pg_config` not found): install libpq-dev".into());
    }
    eprintln!("    libpq not found: installing libpq-dev");
    apt_install(&["libpq-dev"])
}

/// Makes sure PgBouncer is installed (Debian's package), for the tests that run quarry
/// and the service behind a PgBouncer of their own. Installs it as root.
pub(crate) fn ensure_pgbouncer() -> Result<(), String> {
    if ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
        .iter()
        .any(|p| std::path::Path::new(p).exists())
    {
        return Ok(());
    }
    if !running_as_root()? {
        return Err("pgbouncer is missing: install Debian's pgbouncer package".into());
    }
    eprintln!("    pgbouncer not found: installing it");
    apt_install(&["pgbouncer"])
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    Cmd::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .arg("update")
        .run()?;
    Cmd::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y"])
        .args(packages.iter().copied())
        .run()
}

/// The major version `apt-get` installs when no server binaries are found.
const APT_VERSION: &str = "15";
/// How long `pg_ctl` may wait for the server to start or stop.
const PG_CTL_TIMEOUT_SECS: &str = "60";

/// The URL of the throwaway server, as tests receive it in `QUARRY_PG_URL`.
pub(crate) fn url() -> String {
    format!("postgres://{SUPERUSER}@{HOST}:{PORT}/postgres")
}

/// A running server. Dropping it stops the server if [`start`] started it.
pub(crate) struct PgServer {
    url: String,
    /// The cluster this guard started, and so must stop; `None` for a reused server.
    started: Option<Cluster>,
}

impl PgServer {
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Whether [`start`] started this server (rather than reusing one already up).
    pub(crate) fn started_here(&self) -> bool {
        self.started.is_some()
    }

    /// Lets the server outlive this guard (for `cargo xtask pg-start`).
    pub(crate) fn keep_running(mut self) {
        self.started = None;
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if let Some(cluster) = self.started.take() {
            eprintln!("==> stopping PostgreSQL on {HOST}:{PORT}");
            if let Err(error) = cluster.stop() {
                eprintln!("warning: could not stop PostgreSQL: {error}");
            }
        }
    }
}

/// Starts a throwaway server, or reuses the one already answering on [`PORT`].
pub(crate) fn start() -> Result<PgServer, String> {
    let pg = Binaries::locate_or_install()?;
    if pg.is_ready()? {
        eprintln!(
            "    a PostgreSQL server already answers on {HOST}:{PORT}: reusing it (left running)"
        );
        return Ok(PgServer {
            url: url(),
            started: None,
        });
    }
    let cluster = Cluster::create(pg)?;
    cluster.start()?;
    Ok(PgServer {
        url: url(),
        started: Some(cluster),
    })
}

/// Stops the server that `cargo xtask pg-start` left running, if any.
pub(crate) fn stop() -> Result<(), String> {
    let Some(bindir) = find_bindir() else {
        eprintln!("PostgreSQL is not installed: nothing to stop");
        return Ok(());
    };
    let pg = Binaries::new(bindir)?;
    let mut stopped = false;
    for base in candidate_bases() {
        let cluster = Cluster {
            pg: pg.clone(),
            base,
        };
        if cluster.pid_file().exists() {
            cluster.stop()?;
            stopped = true;
        }
    }
    if stopped {
        Ok(())
    } else if pg.is_ready()? {
        Err(format!(
            "a PostgreSQL server answers on {HOST}:{PORT}, but xtask did not start it (no \
             postmaster.pid under {}): leaving it alone",
            candidate_bases()
                .iter()
                .map(|base| base.display().to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        ))
    } else {
        eprintln!("no PostgreSQL server is running on {HOST}:{PORT}: nothing to stop");
        Ok(())
    }
}

/// The directories a cluster may live in, preferred first.
fn candidate_bases() -> [PathBuf; 2] {
    [
        cmd::target_dir().join("pg"),
        std::env::temp_dir().join(format!("quarry-pg-{PORT}")),
    ]
}

/// The server binaries, and whether they must run as the `postgres` OS user.
#[derive(Clone)]
struct Binaries {
    bindir: PathBuf,
    as_postgres: bool,
}

impl Binaries {
    fn new(bindir: PathBuf) -> Result<Self, String> {
        Ok(Self {
            bindir,
            as_postgres: running_as_root()?,
        })
    }

    fn locate_or_install() -> Result<Self, String> {
        if let Some(bindir) = find_bindir() {
            return Self::new(bindir);
        }
        if !running_as_root()? {
            return Err(format!(
                "no PostgreSQL server binaries (`initdb`, `pg_ctl`) in `pg_config --bindir` \
                 or /usr/lib/postgresql/*/bin: install postgresql-{APT_VERSION}, or run as \
                 root so that xtask can install it"
            ));
        }
        eprintln!("    PostgreSQL server binaries not found: installing postgresql-{APT_VERSION}");
        apt_install(&[
            &format!("postgresql-{APT_VERSION}"),
            &format!("postgresql-client-{APT_VERSION}"),
            "libpq-dev",
        ])?;
        let bindir = find_bindir().ok_or_else(|| {
            format!(
                "installed postgresql-{APT_VERSION}, but still found no `initdb` in \
                 `pg_config --bindir` or /usr/lib/postgresql/*/bin"
            )
        })?;
        Self::new(bindir)
    }

    /// A server program (`initdb`, `pg_ctl`), run as `postgres` when we are root.
    fn tool(&self, name: &str) -> Cmd {
        let program = self.bindir.join(name);
        if self.as_postgres {
            Cmd::new("runuser")
                .args(["-u", SUPERUSER, "--"])
                .arg(program)
                .current_dir("/")
        } else {
            Cmd::new(program)
        }
    }

    /// Whether a server accepts connections on [`PORT`]; waits while one is starting up.
    fn is_ready(&self) -> Result<bool, String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let port = PORT.to_string();
            let output = Cmd::new(self.bindir.join("pg_isready"))
                .args(["-q", "-h", HOST, "-p", &port, "-U", SUPERUSER])
                .output()?;
            match output.status.code() {
                Some(0) => return Ok(true),
                // 1: the server is up but rejects connections (starting or shutting down).
                Some(1) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(200));
                }
                Some(1) => {
                    return Err(format!(
                        "the server on {HOST}:{PORT} still rejects connections after 30 s"
                    ));
                }
                // 2: nothing answered.
                Some(2) => return Ok(false),
                _ => {
                    return Err(format!(
                        "`pg_isready` failed ({}): {}",
                        output.status,
                        String::from_utf8_lossy(&output.stderr).trim()
                    ));
                }
            }
        }
    }
}

/// The directory of `initdb` / `pg_ctl`: `pg_config --bindir` if it has them, else the
/// newest `/usr/lib/postgresql/<version>/bin` that does (Debian puts no server binary on
/// PATH, and `pg_config` comes with libpq-dev, which a server install does not bring).
fn find_bindir() -> Option<PathBuf> {
    let from_pg_config = Cmd::new("pg_config")
        .arg("--bindir")
        .run_captured()
        .ok()
        .map(|output| PathBuf::from(cmd::stdout_text(&output)));
    let mut debian: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    debian.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    from_pg_config
        .into_iter()
        .chain(debian.into_iter().map(|(_, dir)| dir))
        .find(|dir| {
            ["initdb", "pg_ctl", "pg_isready"]
                .iter()
                .all(|tool| dir.join(tool).is_file())
        })
}

fn running_as_root() -> Result<bool, String> {
    let output = Cmd::new("id")
        .arg("-u")
        .run_captured()
        .map_err(|e| format!("could not tell whether we run as root: {e}"))?;
    Ok(cmd::stdout_text(&output) == "0")
}

/// A cluster directory: `data/` (the cluster), `sock/` (its Unix socket), `server.log`.
struct Cluster {
    pg: Binaries,
    base: PathBuf,
}

impl Cluster {
    fn data_dir(&self) -> PathBuf {
        self.base.join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.base.join("sock")
    }

    fn log_file(&self) -> PathBuf {
        self.base.join("server.log")
    }

    fn pid_file(&self) -> PathBuf {
        self.data_dir().join("postmaster.pid")
    }

    /// A fresh, empty cluster in the first candidate directory that works.
    fn create(pg: Binaries) -> Result<Self, String> {
        let mut refused = Vec::new();
        for base in candidate_bases() {
            let cluster = Self {
                pg: pg.clone(),
                base,
            };
            match cluster.prepare() {
                Ok(()) => {
                    cluster.initdb()?;
                    return Ok(cluster);
                }
                Err(why) => {
                    eprintln!("    cannot use {}: {why}", cluster.base.display());
                    refused.push(format!("{}: {why}", cluster.base.display()));
                }
            }
        }
        Err(format!(
            "no directory for the PostgreSQL cluster:\n{}",
            refused.join("\n")
        ))
    }

    /// Empties `base` (stopping a stale server left in it) and makes it usable by the user
    /// the server runs as.
    fn prepare(&self) -> Result<(), String> {
        // The server's socket path must fit in `sockaddr_un.sun_path` (108 bytes).
        let socket = self.socket_dir().join(format!(".s.PGSQL.{PORT}"));
        if socket.as_os_str().len() > 100 {
            return Err(format!(
                "the socket path {} is too long for a Unix socket",
                socket.display()
            ));
        }
        if self.base.to_string_lossy().contains('\'') {
            return Err("the path contains a single quote".to_owned());
        }
        if self.pid_file().exists() {
            // A server that was not stopped (killed xtask, crash). It does not answer on our
            // port, or `start` would have reused it: stop it the quick way.
            let _ = self.pg_ctl_stop("immediate");
        }
        if self.base.exists() {
            fs::remove_dir_all(&self.base)
                .map_err(|e| format!("could not remove the old cluster: {e}"))?;
        }
        fs::create_dir_all(self.socket_dir()).map_err(|e| format!("could not create it: {e}"))?;
        if self.pg.as_postgres {
            Cmd::new("chown")
                .args(["-R", &format!("{SUPERUSER}:")])
                .arg(&self.base)
                .run_captured()?;
            // `test -w` fails also when the user cannot traverse a parent directory.
            let reachable = Cmd::new("runuser")
                .args(["-u", SUPERUSER, "--", "test", "-w"])
                .arg(&self.base)
                .current_dir("/")
                .output()?;
            if !reachable.status.success() {
                let _ = fs::remove_dir_all(&self.base);
                return Err(format!("the `{SUPERUSER}` OS user cannot write there"));
            }
        }
        Ok(())
    }

    fn initdb(&self) -> Result<(), String> {
        let as_whom = if self.pg.as_postgres {
            format!(" (as OS user {SUPERUSER})")
        } else {
            String::new()
        };
        eprintln!("    initdb {}{as_whom}", self.data_dir().display());
        self.pg
            .tool("initdb")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-U", SUPERUSER, "--auth=trust", "--no-sync", "--no-locale"])
            .args(["-E", "UTF8"])
            .run_captured()?;
        Ok(())
    }

    fn start(&self) -> Result<(), String> {
        let started = Instant::now();
        // `pg_ctl` hands `-o` to a shell: quote the one path in it (`prepare` refused `'`).
        let options = format!(
            "-c listen_addresses={HOST} -p {PORT} -k '{}' -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            self.socket_dir().display()
        );
        let result = self
            .pg
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.log_file())
            .args(["-w", "-t", PG_CTL_TIMEOUT_SECS, "-o", &options, "start"])
            .run_captured();
        if let Err(error) = result {
            // A server that was slow to start may still come up: do not leave it behind.
            let _ = self.pg_ctl_stop("immediate");
            return Err(format!(
                "PostgreSQL did not start: {error}\nlast lines of {}:\n{}",
                self.log_file().display(),
                self.log_tail(20)
            ));
        }
        eprintln!(
            "    PostgreSQL up on {HOST}:{PORT} in {:.1}s (log: {})",
            started.elapsed().as_secs_f64(),
            self.log_file().display()
        );
        Ok(())
    }

    /// Stops the server and deletes its data (the log stays, for reading after a failure).
    fn stop(&self) -> Result<(), String> {
        if let Err(error) = self.pg_ctl_stop("fast") {
            // A server that was killed leaves its pid file: then there is only data to remove.
            if self.is_running().unwrap_or(true) {
                return Err(error);
            }
            eprintln!("    the server had already exited");
        }
        fs::remove_dir_all(self.data_dir()).map_err(|e| {
            format!(
                "stopped PostgreSQL, but could not remove {}: {e}",
                self.data_dir().display()
            )
        })?;
        eprintln!(
            "    PostgreSQL stopped; removed {}",
            self.data_dir().display()
        );
        Ok(())
    }

    /// Whether a server runs on this cluster (`pg_ctl status` exits 3 when none does).
    fn is_running(&self) -> Result<bool, String> {
        let output = self
            .pg
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .arg("status")
            .output()?;
        match output.status.code() {
            Some(0) => Ok(true),
            Some(3) => Ok(false),
            _ => Err(format!(
                "`pg_ctl status` on {} failed ({}): {}",
                self.data_dir().display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )),
        }
    }

    fn pg_ctl_stop(&self, mode: &str) -> Result<(), String> {
        self.pg
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", mode, "-w", "-t", PG_CTL_TIMEOUT_SECS, "stop"])
            .run_captured()
            .map(drop)
    }

    fn log_tail(&self, lines: usize) -> String {
        match fs::read_to_string(self.log_file()) {
            Ok(log) => {
                let all: Vec<&str> = log.lines().collect();
                all[all.len().saturating_sub(lines)..].join("\n")
            }
            Err(e) => format!("(could not read it: {e})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_names_the_throwaway_server() {
        assert_eq!(url(), "postgres://postgres@127.0.0.1:55432/postgres");
    }

    #[test]
    fn clusters_live_under_target_first() {
        let [first, second] = candidate_bases();
        assert!(first.ends_with("pg"));
        assert!(second.ends_with("quarry-pg-55432"));
    }
}
