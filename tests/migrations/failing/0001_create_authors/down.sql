DROP TABLE mig_authors;
