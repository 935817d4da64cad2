CREATE TABLE mig_never (x INTEGER);
