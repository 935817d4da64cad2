CREATE TABLE mig_authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
