package anchor

import (
	"context"
	"time"
)

// ItemKind says what an outbox item anchors.
type ItemKind string

const (
	KindStatusList ItemKind = "status_list" // a status list version digest
	KindLogRoot    ItemKind = "log_root"    // an issuance-log Merkle root
)

// ItemState is the outbox lifecycle: pending -> submitted -> confirmed.
type ItemState string

const (
	Pending   ItemState = "pending"
	Submitted ItemState = "submitted"
	Confirmed ItemState = "confirmed"
)

// Item is one thing to anchor on chain.
type Item struct {
	ID          string // deterministic: "status:<list>:<version>" or "log:<treeSize>", so re-enqueueing is idempotent
	Kind        ItemKind
	ListID      string // KindStatusList
	Version     int    // KindStatusList
	Digest      string // hex SHA-256 (status list version) or hex Merkle root (log)
	TreeSize    int64  // KindLogRoot
	State       ItemState
	TxHash      string // set once submitted
	Block       uint64 // set once confirmed
	BlockTime   time.Time
	Attempts    int
	NextAttempt time.Time
	LastError   string // caller-safe text of the last failure
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Leaf is one entry of the issuance log.
type Leaf struct {
	Index        int64  // 0-based position; allocated by insert under a unique index
	Hash         string // hex SHA-256 of the issued credential
	CredentialID string
	CreatedAt    time.Time
}

// TileNode is a stored interior hash of the issuance log: the root of the
// perfect subtree of 2^Level leaves that is the Index-th at its level. Only
// levels that are multiples of TileHeight (8, 16, 24, ...) are stored, so
// 256 consecutive nodes of one level (a tile, as transparency logs call it)
// stand for the 8 levels above them; level 0 is the leaves themselves.
type TileNode struct {
	Level int    // a positive multiple of TileHeight
	Index int64  // position at that level: covers leaves [Index<<Level, (Index+1)<<Level)
	Hash  string // hex RFC 6962 hash of the subtree
}

// Store persists the anchoring outbox and the issuance log.
type Store interface {
	// Enqueue inserts it. Returns fault.ErrConflict if it.ID is taken (already queued).
	Enqueue(ctx context.Context, it *Item) error
	// Item returns the item with id, or fault.ErrNotFound.
	Item(ctx context.Context, id string) (*Item, error)
	// UpdateItem replaces the item with it.ID. Returns fault.ErrNotFound if there is none.
	UpdateItem(ctx context.Context, it *Item) error
	// Unconfirmed returns up to limit items not yet Confirmed, oldest first.
	Unconfirmed(ctx context.Context, limit int) ([]*Item, error)
	// CountUnconfirmed returns the backlog size.
	CountUnconfirmed(ctx context.Context) (int, error)
	// Items lists items ordered by (CreatedAt, ID) ascending, strictly after
	// the position (afterCreated, afterID); a zero afterCreated starts at the
	// beginning. At most limit items.
	Items(ctx context.Context, afterCreated time.Time, afterID string, limit int) ([]*Item, error)
	// LogRootCovering returns the Confirmed KindLogRoot item with the
	// smallest TreeSize above index: the first anchored root whose tree
	// holds the leaf at index. fault.ErrNotFound if none is confirmed.
	LogRootCovering(ctx context.Context, index int64) (*Item, error)

	// AppendLeaf inserts l. Returns fault.ErrConflict if l.Index is taken or
	// if l.CredentialID is already logged.
	AppendLeaf(ctx context.Context, l *Leaf) error
	// LeafCount returns the number of leaves (the highest index + 1).
	LeafCount(ctx context.Context) (int64, error)
	// Leaves returns the leaves with from <= Index < to, ascending.
	Leaves(ctx context.Context, from, to int64) ([]*Leaf, error)
	// LeafOf returns the leaf of a credential, or fault.ErrNotFound.
	LeafOf(ctx context.Context, credentialID string) (*Leaf, error)

	// AddTileNodes stores the interior hashes, all of one level. A node
	// already stored with the same hash is left as it is (writers race to
	// store the same node). Returns fault.ErrConflict if one is stored with
	// a different hash: the log was altered.
	AddTileNodes(ctx context.Context, nodes []*TileNode) error
	// TileNodes returns the stored nodes of level with from <= Index < to,
	// ascending (a tile is one call). Missing nodes are simply absent.
	TileNodes(ctx context.Context, level int, from, to int64) ([]*TileNode, error)

	// AcquireLease takes or renews the named lease for holder until until.
	// It reports false if another holder owns an unexpired lease.
	AcquireLease(ctx context.Context, name, holder string, until time.Time) (bool, error)
}
