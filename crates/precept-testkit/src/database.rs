//! A fresh read-model database per test: a SQLite file in a temporary directory, or a new
//! PostgreSQL database (dropped when the test ends) on the server at `PRECEPT_TEST_PG_URL`.

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The PostgreSQL server tests create databases on.
pub fn pg_base_url() -> String {
    std::env::var("PRECEPT_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database private to one test.
pub enum TestDatabase {
    /// A SQLite file.
    Sqlite {
        /// Holds the directory until the test ends.
        dir: tempfile::TempDir,
        /// `sqlite://...`
        url: String,
    },
    /// A PostgreSQL database.
    Postgres {
        /// Its name, for dropping.
        name: String,
        /// `postgres://.../name`
        url: String,
    },
}

impl TestDatabase {
    /// A new, empty SQLite database.
    ///
    /// # Panics
    /// If no temporary directory can be made.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory for SQLite");
        let url = format!("sqlite://{}", dir.path().join("precept.db").display());
        TestDatabase::Sqlite { dir, url }
    }

    /// A new, empty PostgreSQL database.
    ///
    /// # Panics
    /// If PostgreSQL cannot be reached; the message says how to fix it.
    pub async fn postgres() -> Self {
        let base = pg_base_url();
        let mut admin = PgConnection::connect(&base).await.unwrap_or_else(|error| {
            panic!(
                "PostgreSQL is not reachable at {base} ({error}). Start it (`make ensure-postgres`, \
                 or `pg_ctlcluster 15 main start`) or set PRECEPT_TEST_PG_URL to a server where tests may create databases."
            )
        });
        let name = format!("precept_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|error| panic!("creating test database {name} on {base}: {error}"));
        let _ = admin.close().await;
        let url = match base.rsplit_once('/') {
            Some((server, _database)) => format!("{server}/{name}"),
            None => panic!("PRECEPT_TEST_PG_URL must end with /<database>, got {base}"),
        };
        TestDatabase::Postgres { name, url }
    }

    /// The URL to give Precept.
    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url, .. } | TestDatabase::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let TestDatabase::Postgres { name, .. } = self else {
            return;
        };
        let name = name.clone();
        // Drop runs inside the test's runtime; drop the database from a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&pg_base_url()).await.ok()?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("note: test database could not be dropped; remove it by hand if it lingers");
        }
    }
}
