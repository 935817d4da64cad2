// A migration marked `-- quarry: no-transaction` runs outside a transaction, so it
// must be a single statement; this one has two.
//
// trybuild compiles this file in `target/tests/trybuild/quarry-ui-tests/`, which is
// the `CARGO_MANIFEST_DIR` the path below is relative to.
const MIGRATIONS: quarry::migrate::Migrations =
    quarry::embed_migrations!("../../../../ui-tests/fail/migrations_no_transaction");

fn main() {
    let _ = MIGRATIONS.len();
}
