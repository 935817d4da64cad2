-- quarry: no-transaction
DROP INDEX CONCURRENTLY mig_items_label;
