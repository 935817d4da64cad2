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
