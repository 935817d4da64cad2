CREATE TABLE mig_items (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL
);
