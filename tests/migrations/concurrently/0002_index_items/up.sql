-- quarry: no-transaction
CREATE INDEX CONCURRENTLY mig_items_label ON mig_items (label);
