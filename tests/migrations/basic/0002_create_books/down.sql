DROP TABLE mig_books;
DELETE FROM mig_authors;
