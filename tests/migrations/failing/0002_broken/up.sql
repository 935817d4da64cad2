-- The first statement works; the second names a table that does not exist, so
-- the migration fails and mig_half must not be left behind.
CREATE TABLE mig_half (x INTEGER);
INSERT INTO mig_missing (x) VALUES (1);
