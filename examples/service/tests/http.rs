//! The service started on a loopback port and driven over HTTP, on SQLite and on
//! PostgreSQL (`QUARRY_PG_URL`): every CRUD path and error mapping, then a bounded load
//! (16 clients × 500 mixed requests) with no error, no lost write (the final counts
//! checked in the database) and no connection left checked out of the pool.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use quarry::pool::PoolConfig;
use quarry::pool::deadpool::Pool;
use quarry::prelude::*;
use serde_json::{Value, json};
use service::Db;
use service::schema::{orders, posts, users};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One HTTP/1.1 connection to the service, kept alive across requests.
struct Client {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Client {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Client {
            sender,
            host: addr.to_string(),
        }
    }

    /// Sends a request; the status and the JSON body (`Null` when empty).
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(StatusCode, Value), String> {
        self.sender.ready().await.map_err(|e| e.to_string())?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host);
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| e.to_string())?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .map_err(|e| format!("{status}: not JSON ({e}): {bytes:?}"))?
        };
        Ok((status, value))
    }

    async fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, value) = self
            .send(method.clone(), path, body.map(|b| b.to_string()))
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{method} {path}: {value}"
        );
        (status, value)
    }

    async fn get(&mut self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    async fn patch(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(body)).await
    }

    async fn delete(&mut self, path: &str) -> StatusCode {
        self.call(Method::DELETE, path, None).await.0
    }
}

/// Starts the service on a free loopback port.
async fn start<C: Db>(url: &str) -> (SocketAddr, Pool<C>) {
    let config = PoolConfig::new(8).checkout_timeout(Duration::from_secs(10));
    let (router, pool) = service::app::<C>(url, &config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (addr, pool)
}

fn id_of(value: &Value) -> i64 {
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {value}"))
}

/// Every CRUD path and every error mapping.
async fn crud_and_errors<C: Db>(addr: SocketAddr, url: &str, unique_constraint: &str) {
    let mut c = Client::connect(addr).await;

    // Create, and the audit timestamps.
    let (status, ada) = c
        .post(
            "/users",
            json!({ "email": "ada@example.com", "name": "Ada" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ada}");
    let ada_id = id_of(&ada);
    assert_eq!(ada["created_at"], ada["updated_at"]);

    // A unique violation: 409 with the constraint, not the database's message.
    let (status, body) = c
        .post(
            "/users",
            json!({ "email": "ada@example.com", "name": "Ada again" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({ "error": "conflict", "constraint": unique_constraint })
    );

    // Bad input: 422, whatever is wrong with it.
    for bad in [
        "{not json".to_owned(),
        json!({ "email": "grace@example.com" }).to_string(),
        json!({ "email": "no-at-sign", "name": "Grace" }).to_string(),
        json!({ "email": "grace@example.com", "name": "   " }).to_string(),
        json!({ "email": "grace@example.com", "name": 7 }).to_string(),
    ] {
        let (status, body) = c
            .send(Method::POST, "/users", Some(bad.clone()))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(body["error"], "invalid", "{bad}: {body}");
    }
    for path in [
        "/users/abc",
        "/users?per_page=0",
        "/users?page=0",
        "/users?page=x",
        "/posts?user_id=x",
    ] {
        let (status, body) = c.get(path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
    }

    // Not found: 404.
    for path in ["/users/999999", "/posts/999999", "/orders/999999"] {
        let (status, body) = c.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["error"], "not_found");
    }
    assert_eq!(c.delete("/users/999999").await, StatusCode::NOT_FOUND);
    let (status, _) = c.patch("/users/999999", json!({ "name": "Nobody" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = c
        .post("/users/999999/posts", json!({ "title": "T", "body": "B" }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Read and update.
    let (status, got) = c.get(&format!("/users/{ada_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["name"], "Ada");
    let (status, body) = c.patch(&format!("/users/{ada_id}"), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (status, renamed) = c
        .patch(&format!("/users/{ada_id}"), json!({ "name": "Ada L." }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "Ada L.");
    assert_eq!(renamed["created_at"], ada["created_at"]);
    let created: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(renamed["created_at"].clone()).unwrap();
    let updated: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(renamed["updated_at"].clone()).unwrap();
    assert!(updated > created, "{renamed}");
    let (status, grace) = c
        .post(
            "/users",
            json!({ "email": "grace@example.com", "name": "Grace" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = c
        .patch(
            &format!("/users/{}", id_of(&grace)),
            json!({ "email": "ada@example.com" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["constraint"], unique_constraint);

    // Posts.
    let (status, post) = c
        .post(
            &format!("/users/{ada_id}/posts"),
            json!({ "title": "Notes", "body": "On the engine" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{post}");
    let post_id = id_of(&post);
    assert_eq!(post["user_id"], ada_id);
    let (status, _) = c
        .post(
            &format!("/users/{ada_id}/posts"),
            json!({ "title": "", "body": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, page) = c.get(&format!("/posts?user_id={ada_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["title"], "Notes");
    let (status, edited) = c
        .patch(
            &format!("/posts/{post_id}"),
            json!({ "title": "Notes, revised" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edited["title"], "Notes, revised");
    assert_eq!(edited["body"], "On the engine");

    // Orders: the database's CHECK is behind the service's own validation.
    for bad in [
        json!({ "item": "book", "quantity": 0, "total_cents": 100 }),
        json!({ "item": "book", "quantity": 1, "total_cents": -1 }),
        json!({ "item": "book", "quantity": "two", "total_cents": 1 }),
    ] {
        let (status, body) = c.post(&format!("/users/{ada_id}/orders"), bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let (status, order) = c
        .post(
            &format!("/users/{ada_id}/orders"),
            json!({ "item": "book", "quantity": 2, "total_cents": 2400 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let order_id = id_of(&order);
    let (status, order) = c
        .patch(&format!("/orders/{order_id}"), json!({ "quantity": 3 }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order["quantity"], 3);
    assert_eq!(order["total_cents"], 2400);
    let (status, page) = c.get(&format!("/orders?user_id={ada_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 1);

    // Soft deletes: gone from the API, kept in the database.
    assert_eq!(
        c.delete(&format!("/posts/{post_id}")).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        c.get(&format!("/posts/{post_id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.delete(&format!("/posts/{post_id}")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.delete(&format!("/users/{ada_id}")).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        c.get(&format!("/users/{ada_id}")).await.0,
        StatusCode::NOT_FOUND
    );
    // The user's orders went with them.
    assert_eq!(
        c.get(&format!("/orders/{order_id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let mut db = C::establish(url).await.unwrap();
    let (deleted_at, updated_at) = users::table
        .filter(users::id.eq(ada_id as i32))
        .select((users::deleted_at, users::updated_at))
        .first(&mut db)
        .await
        .unwrap();
    assert_eq!(deleted_at, Some(updated_at), "deleted, and the time noted");
    // A deleted user's email can sign up again.
    let (status, body) = c
        .post(
            "/users",
            json!({ "email": "ada@example.com", "name": "Ada" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Pagination: pages of the live rows, and their total.
    let (_, before) = c.get("/users").await;
    let before = before["total"].as_i64().unwrap();
    for i in 0..25 {
        let (status, _) = c
            .post(
                "/users",
                json!({ "email": format!("page{i}@example.com"), "name": format!("Page {i}") }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let total = before + 25;
    let mut seen = Vec::new();
    let pages = (total + 9) / 10;
    for page in 1..=pages {
        let (status, body) = c.get(&format!("/users?page={page}&per_page=10")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["total"], total);
        assert_eq!(body["page"], page);
        let items = body["items"].as_array().unwrap();
        let expected = if page < pages {
            10
        } else {
            total - 10 * (pages - 1)
        };
        assert_eq!(items.len() as i64, expected);
        seen.extend(items.iter().map(id_of));
    }
    let (_, past) = c
        .get(&format!("/users?page={}&per_page=10", pages + 1))
        .await;
    assert_eq!(past["items"], json!([]));
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "pages in order, no row twice");
    assert_eq!(seen.len() as i64, total);
    let live: i64 = users::table
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(&mut db)
        .await
        .unwrap();
    assert_eq!(live, total);
}

/// What one load client did.
#[derive(Default)]
struct Tally {
    user_id: i32,
    requests: usize,
    errors: usize,
    first_error: Option<String>,
    latencies: Vec<Duration>,
    posts_created: i64,
    posts_deleted: i64,
    orders_created: i64,
}

const CLIENTS: usize = 16;
const REQUESTS: usize = 500;

/// One client's share of the load: its own user, then a mix of writes and reads, each
/// checked for its expected status (a read of its own posts must count every one it
/// wrote).
async fn client(addr: SocketAddr, n: usize) -> Tally {
    let mut c = Client::connect(addr).await;
    let mut tally = Tally::default();
    let mut live_posts: Vec<i64> = Vec::new();
    let mut order_ids: Vec<i64> = Vec::new();
    let mut user_id = 0;
    for i in 0..REQUESTS {
        let (method, path, body, expected) = match (i, i % 10) {
            (0, _) => (
                Method::POST,
                "/users".to_owned(),
                Some(
                    json!({ "email": format!("load{n}@example.com"), "name": format!("Load {n}") }),
                ),
                StatusCode::CREATED,
            ),
            (_, 0..=2) => (
                Method::POST,
                format!("/users/{user_id}/posts"),
                Some(json!({ "title": format!("post {i}"), "body": "load" })),
                StatusCode::CREATED,
            ),
            (_, 3 | 4) => (
                Method::POST,
                format!("/users/{user_id}/orders"),
                Some(json!({ "item": "widget", "quantity": 1 + i % 7, "total_cents": 100 * i })),
                StatusCode::CREATED,
            ),
            (_, 5) => (
                Method::PATCH,
                format!("/users/{user_id}"),
                Some(json!({ "name": format!("Load {n} #{i}") })),
                StatusCode::OK,
            ),
            (_, 6) => match order_ids.last() {
                Some(order) => (
                    Method::PATCH,
                    format!("/orders/{order}"),
                    Some(json!({ "quantity": 9 })),
                    StatusCode::OK,
                ),
                None => (
                    Method::GET,
                    format!("/users/{user_id}"),
                    None,
                    StatusCode::OK,
                ),
            },
            (_, 7) => (
                Method::GET,
                format!("/posts?user_id={user_id}&per_page=5"),
                None,
                StatusCode::OK,
            ),
            (_, 8) => (
                Method::GET,
                format!("/users?page={}&per_page=10", 1 + i % 3),
                None,
                StatusCode::OK,
            ),
            _ => match live_posts.pop() {
                Some(post) => (
                    Method::DELETE,
                    format!("/posts/{post}"),
                    None,
                    StatusCode::NO_CONTENT,
                ),
                None => (Method::GET, "/health".to_owned(), None, StatusCode::OK),
            },
        };
        let started = Instant::now();
        let outcome = c
            .send(method.clone(), &path, body.map(|b| b.to_string()))
            .await;
        tally.latencies.push(started.elapsed());
        tally.requests += 1;
        let failure = match &outcome {
            Ok((status, _)) if *status == expected => None,
            Ok((status, value)) => Some(format!("{method} {path}: {status} {value}")),
            Err(e) => Some(format!("{method} {path}: {e}")),
        };
        if let Some(failure) = failure {
            tally.errors += 1;
            tally.first_error.get_or_insert(failure);
            continue;
        }
        let Ok((_, value)) = outcome else { continue };
        match (method.as_str(), i % 10, i) {
            (_, _, 0) => user_id = id_of(&value) as i32,
            ("POST", 0..=2, _) => {
                tally.posts_created += 1;
                live_posts.push(id_of(&value));
            }
            ("POST", _, _) => {
                tally.orders_created += 1;
                order_ids.push(id_of(&value));
            }
            ("DELETE", _, _) => tally.posts_deleted += 1,
            ("GET", 7, _) => {
                // Read your writes: every post this client wrote and did not delete.
                let live = tally.posts_created - tally.posts_deleted;
                if value["total"] != live {
                    tally.errors += 1;
                    tally.first_error.get_or_insert(format!(
                        "{path}: total {} where {live} posts are live",
                        value["total"]
                    ));
                }
            }
            _ => {}
        }
    }
    tally.user_id = user_id;
    tally
}

/// 16 clients × 500 mixed requests, at once; prints the figures.
async fn load<C: Db>(addr: SocketAddr, url: &str, pool: &Pool<C>, label: &str) {
    let started = Instant::now();
    // Collected first, so that all clients run at once.
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(client(addr, n)))
        .collect();
    let tallies = tokio::time::timeout(Duration::from_secs(120), async {
        let mut tallies = Vec::new();
        for handle in clients {
            tallies.push(handle.await.unwrap());
        }
        tallies
    })
    .await
    .expect("the load finishes within 120 s");
    let elapsed = started.elapsed();

    let requests: usize = tallies.iter().map(|t| t.requests).sum();
    let errors: usize = tallies.iter().map(|t| t.errors).sum();
    let mut latencies: Vec<Duration> = tallies.iter().flat_map(|t| t.latencies.clone()).collect();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "load ({label}): {requests} requests from {CLIENTS} clients in {:.2} s ({:.0} req/s), \
         {errors} errors, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
    );
    assert_eq!(requests, CLIENTS * REQUESTS);
    let first = tallies.iter().find_map(|t| t.first_error.clone());
    assert_eq!(errors, 0, "first error: {first:?}");

    // No lost write: the database holds exactly what the clients were told was written.
    let mut db = C::establish(url).await.unwrap();
    for t in &tallies {
        let posts_rows: i64 = posts::table
            .filter(posts::user_id.eq(t.user_id))
            .count()
            .get_result(&mut db)
            .await
            .unwrap();
        let posts_gone: i64 = posts::table
            .filter(
                posts::user_id
                    .eq(t.user_id)
                    .and(posts::deleted_at.is_not_null()),
            )
            .count()
            .get_result(&mut db)
            .await
            .unwrap();
        let order_rows: i64 = orders::table
            .filter(orders::user_id.eq(t.user_id))
            .count()
            .get_result(&mut db)
            .await
            .unwrap();
        assert_eq!(
            (posts_rows, posts_gone, order_rows),
            (t.posts_created, t.posts_deleted, t.orders_created),
            "user {}",
            t.user_id
        );
    }
    let writes: i64 = tallies
        .iter()
        .map(|t| t.posts_created + t.orders_created)
        .sum();
    assert!(writes > (CLIENTS * REQUESTS / 3) as i64, "{writes} writes");

    // No connection leaked: every one is back in the pool.
    let status = pool.status();
    assert_eq!(status.in_use(), 0, "{status:?}");
    assert!(status.open <= status.max_size, "{status:?}");
    let mut c = Client::connect(addr).await;
    let (_, health) = c.get("/health").await;
    assert_eq!(health["pool"]["open"], health["pool"]["idle"], "{health}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_service_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("service.db").to_str().unwrap().to_owned();
    let (addr, pool) = start::<AsyncSqliteConnection>(&url).await;
    crud_and_errors::<AsyncSqliteConnection>(addr, &url, "users.email").await;
    load(addr, &url, &pool, "SQLite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_service_over_http() {
    let base = std::env::var("QUARRY_PG_URL").unwrap_or_else(|_| {
        panic!(
            "QUARRY_PG_URL is not set: the PostgreSQL test needs the server that \
             `cargo xtask test` starts (or `export QUARRY_PG_URL=$(cargo xtask pg-start)`)"
        )
    });
    // A schema of the test's own, for every connection of the pool.
    let schema = "service_http_test";
    let mut admin = AsyncPgConnection::establish(&base).await.unwrap();
    admin
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .await
        .unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-csearch_path%3D{schema}");
    let (addr, pool) = start::<AsyncPgConnection>(&url).await;
    crud_and_errors::<AsyncPgConnection>(addr, &url, "users_email_key").await;
    load(addr, &url, &pool, "PostgreSQL").await;
    drop(pool);
    admin
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
}

#[path = "../../../tests/common/private_pg.rs"]
mod private_pg;
use private_pg::{PrivateBouncer, PrivateServer};

/// The database restarted under load: requests in flight or arriving while it is down
/// get 503 (never a 500, never a hang), the pool replaces the broken connections, and
/// every request after the restart succeeds; every write acknowledged with 201 is in
/// the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_restart_under_load() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let server = Arc::new(
        tokio::task::spawn_blocking(PrivateServer::start)
            .await
            .unwrap(),
    );
    let url = server.url();
    // Verified: a connection the restart broke is found at checkout, so that requests
    // after the restart never meet one.
    let config = PoolConfig::new(8)
        .checkout_timeout(Duration::from_secs(5))
        .pre_ping(quarry::pool::PrePing::Verified);
    let (router, pool) = service::app::<AsyncPgConnection>(&url, &config)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });

    const RESTART_CLIENTS: usize = 8;
    let mut users = Vec::new();
    let mut c = Client::connect(addr).await;
    for n in 0..RESTART_CLIENTS {
        let (status, user) = c
            .post(
                "/users",
                json!({ "email": format!("restart{n}@example.com"), "name": "R" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        users.push(id_of(&user));
    }

    let restarted = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = users
        .iter()
        .map(|&user| {
            let restarted = restarted.clone();
            tokio::spawn(async move {
                let mut c = Client::connect(addr).await;
                let (mut acked, mut unavailable, mut after) = (Vec::new(), 0, None::<Instant>);
                // Bounded: until 300 ms after the restart ended, 5000 requests at most.
                for i in 0..5000 {
                    if restarted.load(Ordering::Acquire) {
                        let since = *after.get_or_insert_with(Instant::now);
                        if since.elapsed() > Duration::from_millis(300) {
                            break;
                        }
                    }
                    let (status, body) = c
                        .send(
                            Method::POST,
                            &format!("/users/{user}/posts"),
                            Some(json!({ "title": format!("p{i}"), "body": "b" }).to_string()),
                        )
                        .await
                        .unwrap();
                    match status {
                        StatusCode::CREATED => acked.push(id_of(&body)),
                        StatusCode::SERVICE_UNAVAILABLE => unavailable += 1,
                        other => panic!("during the restart: {other} {body}"),
                    }
                }
                // After the restart, every request succeeds.
                for i in 0..20 {
                    let (status, body) = c
                        .post(
                            &format!("/users/{user}/posts"),
                            json!({ "title": format!("after {i}"), "body": "b" }),
                        )
                        .await;
                    assert_eq!(status, StatusCode::CREATED, "after the restart: {body}");
                    acked.push(id_of(&body));
                }
                (user, acked, unavailable)
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let restarter = server.clone();
    tokio::task::spawn_blocking(move || restarter.pg_ctl("restart"))
        .await
        .unwrap();
    let downtime = started.elapsed();
    restarted.store(true, Ordering::Release);

    let results = tokio::time::timeout(Duration::from_secs(60), async {
        let mut results = Vec::new();
        for client in clients {
            results.push(client.await.unwrap());
        }
        results
    })
    .await
    .expect("the clients finish within 60 s");
    let unavailable: usize = results.iter().map(|r| r.2).sum();
    let acked: usize = results.iter().map(|r| r.1.len()).sum();
    println!(
        "restart under load: restart took {:.2} s, {acked} writes acknowledged, {unavailable} \
         requests answered 503 while the database was down",
        downtime.as_secs_f64()
    );
    assert!(unavailable > 0, "the restart happened under load");

    // Every acknowledged write is there.
    let mut db = AsyncPgConnection::establish(&url).await.unwrap();
    for (user, ids, _) in &results {
        let stored: Vec<i32> = posts::table
            .filter(posts::user_id.eq(*user as i32))
            .select(posts::id)
            .load(&mut db)
            .await
            .unwrap();
        for id in ids {
            assert!(
                stored.contains(&(*id as i32)),
                "acknowledged post {id} is stored"
            );
        }
    }
    assert_eq!(pool.status().in_use(), 0, "{:?}", pool.status());
}

/// The service behind PgBouncer in transaction mode (two server connections for the
/// pool's eight), with `statement_cache=off`: every CRUD path and error mapping, and the
/// same load, with no error and no lost write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_service_through_pgbouncer() {
    let (server, bouncer) = tokio::task::spawn_blocking(|| {
        let server = PrivateServer::start();
        let bouncer = PrivateBouncer::start(&server, 2);
        (server, bouncer)
    })
    .await
    .unwrap();
    let url = bouncer.url("postgres");
    let (addr, pool) = start::<AsyncPgConnection>(&url).await;
    crud_and_errors::<AsyncPgConnection>(addr, &url, "users_email_key").await;
    load(addr, &url, &pool, "PostgreSQL through PgBouncer").await;
    drop((pool, bouncer, server));
}
