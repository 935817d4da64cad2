ALTER TABLE mig_books DROP COLUMN isbn;
