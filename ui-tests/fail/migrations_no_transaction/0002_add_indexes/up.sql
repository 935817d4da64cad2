-- quarry: no-transaction
CREATE INDEX CONCURRENTLY items_label ON items (label);
CREATE INDEX CONCURRENTLY items_sku ON items (sku);
