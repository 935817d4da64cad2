-- Books, and the first author.
CREATE TABLE mig_books (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES mig_authors (id),
    title TEXT NOT NULL
);
INSERT INTO mig_authors (id, name) VALUES (1, 'Ada');
