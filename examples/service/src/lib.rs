//! A web service on quarry, in the shape of the FastAPI + SQLAlchemy services it
//! replaces: axum, a deadpool pool in the state (a connection per request), users,
//! posts and orders with typed queries, lists paginated with their total count, one
//! transaction per request that writes, soft deletes (`deleted_at`) and audit
//! timestamps (`created_at`, `updated_at`), and every error mapped to HTTP
//! ([`error::ApiError`]).
//!
//! The same code runs on both databases: the handlers are generic over the async
//! connection type, picked once from the URL ([`serve_at`]).

pub mod error;
pub mod schema;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use error::ApiError;
use quarry::pool::deadpool::Pool;
use quarry::pool::{PoolConfig, PoolStatus};
use quarry::prelude::*;
use quarry::{insert_into, update};
use schema::{orders, posts, users};
use serde::{Deserialize, Serialize};

/// The routes, for one connection type. A macro, not a generic function: axum needs
/// each handler's future to be `Send`, which the compiler sees for a transaction's
/// future on a named connection type, not on any `C: AsyncConnection`.
macro_rules! routes {
    ($conn:ty, $state:expr) => {
        Router::new()
            .route("/health", get(health::<$conn>))
            .route(
                "/users",
                get(list_users::<$conn>).post(create_user::<$conn>),
            )
            .route(
                "/users/{id}",
                get(get_user::<$conn>)
                    .patch(update_user::<$conn>)
                    .delete(delete_user::<$conn>),
            )
            .route("/users/{id}/posts", post(create_post::<$conn>))
            .route("/users/{id}/orders", post(create_order::<$conn>))
            .route("/posts", get(list_posts::<$conn>))
            .route(
                "/posts/{id}",
                get(get_post::<$conn>)
                    .patch(update_post::<$conn>)
                    .delete(delete_post::<$conn>),
            )
            .route("/orders", get(list_orders::<$conn>))
            .route(
                "/orders/{id}",
                get(get_order::<$conn>)
                    .patch(update_order::<$conn>)
                    .delete(delete_order::<$conn>),
            )
            .with_state($state)
    };
}

/// A database the service runs on: an async connection and its schema's DDL.
pub trait Db: AsyncConnection {
    /// The script that creates the tables if they are missing.
    const SCHEMA: &'static str;

    /// The routes, on this connection type.
    fn router(state: AppState<Self>) -> Router;

    /// Readies a connection for a request that writes. SQLite's transactions take the
    /// write lock at `BEGIN` (`BEGIN IMMEDIATE`), so that concurrent writers wait for
    /// each other instead of failing with "database is locked".
    fn for_writes(conn: &mut Self) {
        let _ = conn;
    }
}

impl Db for AsyncSqliteConnection {
    const SCHEMA: &'static str = schema::SQLITE;

    fn router(state: AppState<Self>) -> Router {
        routes!(AsyncSqliteConnection, state)
    }

    fn for_writes(conn: &mut Self) {
        conn.set_transaction_behavior(quarry::conn::TransactionBehavior::Immediate);
    }
}

impl Db for AsyncPgConnection {
    const SCHEMA: &'static str = schema::POSTGRES;

    fn router(state: AppState<Self>) -> Router {
        routes!(AsyncPgConnection, state)
    }
}

/// Whether `url` names a PostgreSQL server (else it is a SQLite file).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// What every handler gets: the pool.
pub struct AppState<C: Db> {
    /// The connections, one checked out per request.
    pub pool: Pool<C>,
}

impl<C: Db> Clone for AppState<C> {
    fn clone(&self) -> Self {
        AppState {
            pool: self.pool.clone(),
        }
    }
}

/// Opens the pool, creates the tables if they are missing, and returns the routes.
pub async fn app<C: Db>(
    url: &str,
    config: &PoolConfig,
) -> Result<(Router, Pool<C>), quarry::Error> {
    let pool = Pool::<C>::new(url, config)?;
    pool.get().await?.batch_execute(C::SCHEMA).await?;
    Ok((router(AppState { pool: pool.clone() }), pool))
}

/// Serves the routes on `bind` until the process ends.
pub async fn serve_at<C: Db>(url: &str, config: &PoolConfig, bind: &str) -> Result<(), String> {
    let (router, _pool) = app::<C>(url, config).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    println!("service: listening on http://{bind}");
    axum::serve(listener, router)
        .await
        .map_err(|e| e.to_string())
}

/// The routes.
pub fn router<C: Db>(state: AppState<C>) -> Router {
    C::router(state)
}

/// How many times a writing request's transaction runs when it loses a race (a
/// serialization failure on PostgreSQL, a busy database on SQLite).
const ATTEMPTS: u32 = 5;

type ApiResult<T> = Result<T, ApiError>;

/// The time of an audit column.
fn now() -> DateTime<Utc> {
    std::time::SystemTime::now().into()
}

/// A connection for a request that writes.
async fn writer<C: Db>(state: &AppState<C>) -> ApiResult<quarry::pool::deadpool::Object<C>> {
    let mut conn = state.pool.get().await?;
    C::for_writes(&mut conn);
    Ok(conn)
}

/// The range of `user_id` that a list keeps: the one user asked for, or all.
fn user_range(user_id: Option<i32>) -> (i32, i32) {
    user_id.map_or((i32::MIN, i32::MAX), |id| (id, id))
}

// ---------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------

fn json<T>(payload: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    payload
        .map(|Json(v)| v)
        .map_err(|e| ApiError::Invalid(e.body_text()))
}

fn id(path: Result<Path<i32>, PathRejection>) -> ApiResult<i32> {
    path.map(|Path(id)| id)
        .map_err(|e| ApiError::Invalid(e.body_text()))
}

/// `?page=1&per_page=20`, and for posts and orders `user_id`.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    page: Option<i64>,
    per_page: Option<i64>,
    user_id: Option<i32>,
}

/// One page of a list, with the number of rows in all pages.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    items: Vec<T>,
    total: i64,
    page: i64,
    per_page: i64,
}

/// The page and page size asked for: the LIMIT and OFFSET.
fn paging(params: &ListParams) -> ApiResult<(i64, i64)> {
    let page = params.page.unwrap_or(1);
    let per_page = params.per_page.unwrap_or(20);
    if !(1..=1_000_000).contains(&page) {
        return Err(ApiError::Invalid(
            "page must be between 1 and 1000000".into(),
        ));
    }
    if !(1..=100).contains(&per_page) {
        return Err(ApiError::Invalid(
            "per_page must be between 1 and 100".into(),
        ));
    }
    Ok((page, per_page))
}

fn list_params(params: Result<Query<ListParams>, QueryRejection>) -> ApiResult<ListParams> {
    params
        .map(|Query(p)| p)
        .map_err(|e| ApiError::Invalid(e.body_text()))
}

fn text(field: &str, value: &str, max: usize) -> ApiResult<()> {
    if value.trim().is_empty() {
        return Err(ApiError::Invalid(format!("{field} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(ApiError::Invalid(format!(
            "{field} must be at most {max} characters"
        )));
    }
    Ok(())
}

fn email(value: &str) -> ApiResult<()> {
    text("email", value, 254)?;
    match value.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => Ok(()),
        _ => Err(ApiError::Invalid("email is not an email address".into())),
    }
}

async fn health<C: Db>(State(state): State<AppState<C>>) -> Json<serde_json::Value> {
    let PoolStatus {
        max_size,
        open,
        idle,
    } = state.pool.status();
    Json(serde_json::json!({ "pool": { "max_size": max_size, "open": open, "idle": idle } }))
}

// ---------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------

/// A user as the API shows it.
#[derive(Debug, Serialize, Selectable)]
#[quarry(table = users)]
pub struct User {
    id: i32,
    email: String,
    name: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct NewUserBody {
    email: String,
    name: String,
}

#[derive(Debug, Insertable)]
#[quarry(table = users)]
struct NewUser<'a> {
    email: &'a str,
    name: &'a str,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct UserPatch {
    email: Option<String>,
    name: Option<String>,
}

#[derive(Debug, AsChangeset)]
#[quarry(table = users)]
struct UserChanges<'a> {
    email: Option<&'a str>,
    name: Option<&'a str>,
    updated_at: DateTime<Utc>,
}

async fn create_user<C: Db>(
    State(state): State<AppState<C>>,
    payload: Result<Json<NewUserBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let body = json(payload)?;
    email(&body.email)?;
    text("name", &body.name, 100)?;
    let mut conn = writer(&state).await?;
    let user = conn
        .transaction_with_retry(ATTEMPTS, async move |tx| {
            let now = now();
            let (email, name) = (body.email.clone(), body.name.clone());
            let row = NewUser {
                email: &email,
                name: &name,
                created_at: now,
                updated_at: now,
            };
            let user = insert_into(users::table)
                .values(&row)
                .returning(User::as_select())
                .get_result(tx)
                .await?;
            Ok::<_, ApiError>(user)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

async fn list_users<C: Db>(
    State(state): State<AppState<C>>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<Json<Page<User>>> {
    let params = list_params(params)?;
    let (page, per_page) = paging(&params)?;
    let mut conn = state.pool.get().await?;
    let live = || users::table.filter(users::deleted_at.is_null());
    let total = live().count().get_result(&mut *conn).await?;
    let items = live()
        .select(User::as_select())
        .order_by(users::id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(&mut *conn)
        .await?;
    Ok(Json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

async fn get_user<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<Json<User>> {
    let id = id(path)?;
    let mut conn = state.pool.get().await?;
    users::table
        .filter(users::id.eq(id).and(users::deleted_at.is_null()))
        .select(User::as_select())
        .first(&mut *conn)
        .await
        .optional()?
        .map(Json)
        .ok_or(ApiError::NotFound("user"))
}

async fn update_user<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
    payload: Result<Json<UserPatch>, JsonRejection>,
) -> ApiResult<Json<User>> {
    let id = id(path)?;
    let patch = json(payload)?;
    if patch.email.is_none() && patch.name.is_none() {
        return Err(ApiError::Invalid(
            "nothing to change: give email or name".into(),
        ));
    }
    if let Some(e) = &patch.email {
        email(e)?;
    }
    if let Some(name) = &patch.name {
        text("name", name, 100)?;
    }
    let mut conn = writer(&state).await?;
    let user = conn
        .transaction_with_retry(ATTEMPTS, async move |tx| {
            let (email, name) = (patch.email.clone(), patch.name.clone());
            let changes = UserChanges {
                email: email.as_deref(),
                name: name.as_deref(),
                updated_at: now(),
            };
            let user =
                update(users::table.filter(users::id.eq(id).and(users::deleted_at.is_null())))
                    .set(&changes)
                    .returning(User::as_select())
                    .get_result(tx)
                    .await
                    .optional()?;
            user.ok_or(ApiError::NotFound("user"))
        })
        .await?;
    Ok(Json(user))
}

async fn delete_user<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<StatusCode> {
    let id = id(path)?;
    let mut conn = writer(&state).await?;
    conn.transaction_with_retry(ATTEMPTS, async move |tx| {
        let now = now();
        let deleted =
            update(users::table.filter(users::id.eq(id).and(users::deleted_at.is_null())))
                .set((users::deleted_at.eq(Some(now)), users::updated_at.eq(now)))
                .execute(tx)
                .await?;
        if deleted == 0 {
            return Err(ApiError::NotFound("user"));
        }
        // A deleted user's posts and orders go with them.
        update(posts::table.filter(posts::user_id.eq(id).and(posts::deleted_at.is_null())))
            .set((posts::deleted_at.eq(Some(now)), posts::updated_at.eq(now)))
            .execute(tx)
            .await?;
        update(orders::table.filter(orders::user_id.eq(id).and(orders::deleted_at.is_null())))
            .set((orders::deleted_at.eq(Some(now)), orders::updated_at.eq(now)))
            .execute(tx)
            .await?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Fails with 404 unless user `id` exists and is not deleted.
async fn live_user<C: Db>(tx: &mut C, id: i32) -> ApiResult<()> {
    users::table
        .filter(users::id.eq(id).and(users::deleted_at.is_null()))
        .select(users::id)
        .first(tx)
        .await
        .optional()?
        .map(drop)
        .ok_or(ApiError::NotFound("user"))
}

// ---------------------------------------------------------------------------------
// Posts
// ---------------------------------------------------------------------------------

/// A post as the API shows it.
#[derive(Debug, Serialize, Selectable)]
#[quarry(table = posts)]
pub struct Post {
    id: i32,
    user_id: i32,
    title: String,
    body: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct NewPostBody {
    title: String,
    body: String,
}

#[derive(Debug, Insertable)]
#[quarry(table = posts)]
struct NewPost<'a> {
    user_id: i32,
    title: &'a str,
    body: &'a str,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct PostPatch {
    title: Option<String>,
    body: Option<String>,
}

#[derive(Debug, AsChangeset)]
#[quarry(table = posts)]
struct PostChanges<'a> {
    title: Option<&'a str>,
    body: Option<&'a str>,
    updated_at: DateTime<Utc>,
}

fn post_text(title: Option<&str>, body: Option<&str>) -> ApiResult<()> {
    if let Some(title) = title {
        text("title", title, 200)?;
    }
    if body.is_some_and(|body| body.chars().count() > 10_000) {
        return Err(ApiError::Invalid(
            "body must be at most 10000 characters".into(),
        ));
    }
    Ok(())
}

async fn create_post<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
    payload: Result<Json<NewPostBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Post>)> {
    let user_id = id(path)?;
    let body = json(payload)?;
    post_text(Some(&body.title), Some(&body.body))?;
    let mut conn = writer(&state).await?;
    let post = conn
        .transaction_with_retry(ATTEMPTS, async move |tx| {
            live_user(tx, user_id).await?;
            let now = now();
            let (title, text) = (body.title.clone(), body.body.clone());
            let row = NewPost {
                user_id,
                title: &title,
                body: &text,
                created_at: now,
                updated_at: now,
            };
            let post = insert_into(posts::table)
                .values(&row)
                .returning(Post::as_select())
                .get_result(tx)
                .await?;
            Ok::<_, ApiError>(post)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(post)))
}

async fn list_posts<C: Db>(
    State(state): State<AppState<C>>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<Json<Page<Post>>> {
    let params = list_params(params)?;
    let (page, per_page) = paging(&params)?;
    let mut conn = state.pool.get().await?;
    let (first, last) = user_range(params.user_id);
    let live = || {
        posts::table.filter(
            posts::deleted_at
                .is_null()
                .and(posts::user_id.ge(first))
                .and(posts::user_id.le(last)),
        )
    };
    let total = live().count().get_result(&mut *conn).await?;
    let items = live()
        .select(Post::as_select())
        .order_by(posts::id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(&mut *conn)
        .await?;
    Ok(Json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

async fn get_post<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<Json<Post>> {
    let id = id(path)?;
    let mut conn = state.pool.get().await?;
    posts::table
        .filter(posts::id.eq(id).and(posts::deleted_at.is_null()))
        .select(Post::as_select())
        .first(&mut *conn)
        .await
        .optional()?
        .map(Json)
        .ok_or(ApiError::NotFound("post"))
}

async fn update_post<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
    payload: Result<Json<PostPatch>, JsonRejection>,
) -> ApiResult<Json<Post>> {
    let id = id(path)?;
    let patch = json(payload)?;
    if patch.title.is_none() && patch.body.is_none() {
        return Err(ApiError::Invalid(
            "nothing to change: give title or body".into(),
        ));
    }
    post_text(patch.title.as_deref(), patch.body.as_deref())?;
    let mut conn = writer(&state).await?;
    let post = conn
        .transaction_with_retry(ATTEMPTS, async move |tx| {
            let (title, body) = (patch.title.clone(), patch.body.clone());
            let changes = PostChanges {
                title: title.as_deref(),
                body: body.as_deref(),
                updated_at: now(),
            };
            update(posts::table.filter(posts::id.eq(id).and(posts::deleted_at.is_null())))
                .set(&changes)
                .returning(Post::as_select())
                .get_result(tx)
                .await
                .optional()?
                .ok_or(ApiError::NotFound("post"))
        })
        .await?;
    Ok(Json(post))
}

async fn delete_post<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<StatusCode> {
    let id = id(path)?;
    let mut conn = writer(&state).await?;
    conn.transaction_with_retry(ATTEMPTS, async move |tx| {
        let now = now();
        let deleted =
            update(posts::table.filter(posts::id.eq(id).and(posts::deleted_at.is_null())))
                .set((posts::deleted_at.eq(Some(now)), posts::updated_at.eq(now)))
                .execute(tx)
                .await?;
        if deleted == 0 {
            return Err(ApiError::NotFound("post"));
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------

/// An order as the API shows it.
#[derive(Debug, Serialize, Selectable)]
#[quarry(table = orders)]
pub struct Order {
    id: i32,
    user_id: i32,
    item: String,
    quantity: i32,
    total_cents: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct NewOrderBody {
    item: String,
    quantity: i32,
    total_cents: i64,
}

#[derive(Debug, Insertable)]
#[quarry(table = orders)]
struct NewOrder<'a> {
    user_id: i32,
    item: &'a str,
    quantity: i32,
    total_cents: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
pub struct OrderPatch {
    quantity: Option<i32>,
    total_cents: Option<i64>,
}

#[derive(Debug, AsChangeset)]
#[quarry(table = orders)]
struct OrderChanges {
    quantity: Option<i32>,
    total_cents: Option<i64>,
    updated_at: DateTime<Utc>,
}

fn order_numbers(quantity: Option<i32>, total_cents: Option<i64>) -> ApiResult<()> {
    if quantity.is_some_and(|q| !(1..=10_000).contains(&q)) {
        return Err(ApiError::Invalid(
            "quantity must be between 1 and 10000".into(),
        ));
    }
    if total_cents.is_some_and(|t| t < 0) {
        return Err(ApiError::Invalid("total_cents must not be negative".into()));
    }
    Ok(())
}

async fn create_order<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
    payload: Result<Json<NewOrderBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let user_id = id(path)?;
    let body = json(payload)?;
    text("item", &body.item, 200)?;
    order_numbers(Some(body.quantity), Some(body.total_cents))?;
    let mut conn = writer(&state).await?;
    let order = conn
        .transaction_with_retry(ATTEMPTS, async move |tx| {
            live_user(tx, user_id).await?;
            let now = now();
            let item = body.item.clone();
            let row = NewOrder {
                user_id,
                item: &item,
                quantity: body.quantity,
                total_cents: body.total_cents,
                created_at: now,
                updated_at: now,
            };
            let order = insert_into(orders::table)
                .values(&row)
                .returning(Order::as_select())
                .get_result(tx)
                .await?;
            Ok::<_, ApiError>(order)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(order)))
}

async fn list_orders<C: Db>(
    State(state): State<AppState<C>>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult<Json<Page<Order>>> {
    let params = list_params(params)?;
    let (page, per_page) = paging(&params)?;
    let mut conn = state.pool.get().await?;
    let (first, last) = user_range(params.user_id);
    let live = || {
        orders::table.filter(
            orders::deleted_at
                .is_null()
                .and(orders::user_id.ge(first))
                .and(orders::user_id.le(last)),
        )
    };
    let total = live().count().get_result(&mut *conn).await?;
    let items = live()
        .select(Order::as_select())
        .order_by(orders::id)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(&mut *conn)
        .await?;
    Ok(Json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

async fn get_order<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<Json<Order>> {
    let id = id(path)?;
    let mut conn = state.pool.get().await?;
    orders::table
        .filter(orders::id.eq(id).and(orders::deleted_at.is_null()))
        .select(Order::as_select())
        .first(&mut *conn)
        .await
        .optional()?
        .map(Json)
        .ok_or(ApiError::NotFound("order"))
}

async fn update_order<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
    payload: Result<Json<OrderPatch>, JsonRejection>,
) -> ApiResult<Json<Order>> {
    let id = id(path)?;
    let patch = json(payload)?;
    if patch.quantity.is_none() && patch.total_cents.is_none() {
        return Err(ApiError::Invalid(
            "nothing to change: give quantity or total_cents".into(),
        ));
    }
    order_numbers(patch.quantity, patch.total_cents)?;
    let mut conn = writer(&state).await?;
    let order = conn
        .transaction_with_retry(ATTEMPTS, async move |tx| {
            let changes = OrderChanges {
                quantity: patch.quantity,
                total_cents: patch.total_cents,
                updated_at: now(),
            };
            update(orders::table.filter(orders::id.eq(id).and(orders::deleted_at.is_null())))
                .set(&changes)
                .returning(Order::as_select())
                .get_result(tx)
                .await
                .optional()?
                .ok_or(ApiError::NotFound("order"))
        })
        .await?;
    Ok(Json(order))
}

async fn delete_order<C: Db>(
    State(state): State<AppState<C>>,
    path: Result<Path<i32>, PathRejection>,
) -> ApiResult<StatusCode> {
    let id = id(path)?;
    let mut conn = writer(&state).await?;
    conn.transaction_with_retry(ATTEMPTS, async move |tx| {
        let now = now();
        let deleted =
            update(orders::table.filter(orders::id.eq(id).and(orders::deleted_at.is_null())))
                .set((orders::deleted_at.eq(Some(now)), orders::updated_at.eq(now)))
                .execute(tx)
                .await?;
        if deleted == 0 {
            return Err(ApiError::NotFound("order"));
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
