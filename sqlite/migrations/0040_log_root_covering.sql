-- The confirmed log roots by tree size: a verification finds the first
-- anchored root that covers a leaf in one indexed read
-- (Store.LogRootCovering) instead of paging through the outbox.
CREATE INDEX anchor_items_log_roots ON anchor_items (tree_size) WHERE kind = 'log_root' AND state = 'confirmed';
