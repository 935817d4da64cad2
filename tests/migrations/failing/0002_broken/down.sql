DROP TABLE mig_half;
