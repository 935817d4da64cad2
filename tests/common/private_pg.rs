//! PostgreSQL servers of a test's own, for the tests that restart or stop a server, or
//! need a streaming replica: the suite's shared server (`QUARRY_PG_URL`) is left alone.
//! `initdb` into a temporary folder, `pg_ctl` on a free loopback port, run as the
//! `postgres` OS user when the test runs as root (PostgreSQL refuses to run as root).
//! A server is stopped when dropped.
//!
//! Included by path where it is used (`tests/replicas.rs`, the service's HTTP test).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) struct PrivateServer {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PrivateServer {
    /// A new cluster, started.
    pub(crate) fn start() -> PrivateServer {
        let server = PrivateServer::new();
        server.run(
            server
                .tool("initdb")
                .arg("-D")
                .arg(server.data())
                .args(["-U", "postgres", "--auth=trust", "--no-sync", "--no-locale"])
                .args(["-E", "UTF8"]),
        );
        server.pg_ctl("start");
        server
    }

    /// A streaming replica of `primary` (`pg_basebackup -R`), started: read-only, and
    /// replaying what `primary` commits.
    pub(crate) fn replica_of(primary: &PrivateServer) -> PrivateServer {
        let server = PrivateServer::new();
        server.run(
            server
                .tool("pg_basebackup")
                .arg("-D")
                .arg(server.data())
                .args(["-R", "-X", "stream", "-h", "127.0.0.1", "-U", "postgres"])
                .args(["-p", &primary.port.to_string()]),
        );
        server.pg_ctl("start");
        server
    }

    fn new() -> PrivateServer {
        let output = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .expect("pg_config (libpq-dev) is installed");
        let bindir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        let uid = Command::new("id").arg("-u").output().unwrap();
        let as_postgres = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = PrivateServer {
            dir: tempfile::tempdir().unwrap(),
            bindir,
            port,
            as_postgres,
        };
        if as_postgres {
            server.run(
                Command::new("chown")
                    .args(["-R", "postgres:"])
                    .arg(server.dir.path()),
            );
        }
        server
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn tool(&self, name: &str) -> Command {
        let program = self.bindir.join(name);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"])
                .arg(program)
                .current_dir("/");
            cmd
        } else {
            Command::new(program)
        }
    }

    fn run(&self, cmd: &mut Command) {
        let output = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        assert!(
            output.status.success(),
            "{cmd:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
        );
    }

    /// `pg_ctl start`, `stop` or `restart` (fast shutdown), waiting for it to finish.
    pub(crate) fn pg_ctl(&self, action: &str) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k '{}' -c fsync=off -c synchronous_commit=off",
            self.port,
            self.socket_dir().display()
        );
        let mut cmd = self.tool("pg_ctl");
        cmd.arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-w", "-t", "30", "-m", "fast", "-o", &options, action]);
        self.run(&mut cmd);
    }

    fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The URL of its `postgres` database.
    pub(crate) fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// A PgBouncer of a test's own in front of a [`PrivateServer`], in transaction mode with
/// `pool_size` server connections (so that clients share them and change them between
/// transactions), on a free loopback port. Stopped when dropped.
pub(crate) struct PrivateBouncer {
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

impl PrivateBouncer {
    pub(crate) fn start(server: &PrivateServer, pool_size: u32) -> PrivateBouncer {
        let program = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("pgbouncer is not installed (`cargo xtask test` installs Debian's package)");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let bouncer = PrivateBouncer {
            dir: tempfile::tempdir().unwrap(),
            port,
            as_postgres: server.as_postgres,
        };
        let dir = bouncer.dir.path();
        std::fs::write(dir.join("users.txt"), "\"postgres\" \"\"\n").unwrap();
        std::fs::write(
            dir.join("pgbouncer.ini"),
            format!(
                "[databases]\n\
                 * = host=127.0.0.1 port={server_port}\n\
                 [pgbouncer]\n\
                 listen_addr = 127.0.0.1\n\
                 listen_port = {port}\n\
                 unix_socket_dir =\n\
                 auth_type = trust\n\
                 auth_file = {dir}/users.txt\n\
                 pool_mode = transaction\n\
                 default_pool_size = {pool_size}\n\
                 max_client_conn = 500\n\
                 logfile = {dir}/pgbouncer.log\n\
                 pidfile = {dir}/pgbouncer.pid\n",
                server_port = server.port,
                dir = dir.display(),
            ),
        )
        .unwrap();
        let mut cmd = if bouncer.as_postgres {
            server.run(Command::new("chown").args(["-R", "postgres:"]).arg(dir));
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--", program]).current_dir("/");
            cmd
        } else {
            Command::new(program)
        };
        // `-d`: it goes to the background once listening, its pid in the pid file.
        cmd.arg("-d").arg(dir.join("pgbouncer.ini"));
        server.run(&mut cmd);
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "pgbouncer did not listen within 10 s: {}",
                std::fs::read_to_string(dir.join("pgbouncer.log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        bouncer
    }

    /// The URL of database `db` through it, with quarry's statement cache off (PgBouncer
    /// 1.18 keeps no named statement across transactions).
    pub(crate) fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{db}?statement_cache=off",
            self.port
        )
    }
}

impl Drop for PrivateBouncer {
    fn drop(&mut self) {
        // The process this bouncer started, by the pid it wrote.
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("pgbouncer.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).output();
        }
    }
}
