package status

import (
	"context"
	"time"
)

// Purpose of a status list (Bitstring Status List v1.0 statusPurpose).
type Purpose string

const (
	Revocation Purpose = "revocation"
	Suspension Purpose = "suspension"
)

// List is one bitstring status list of a bureau for one purpose.
type List struct {
	ID        string // opaque id, used in /status/{id}
	BureauID  string
	Purpose   Purpose
	Size      int  // number of entries (bits), 131072 by default
	Full      bool // no more allocation once set
	CreatedAt time.Time
}

// Entry is one allocated position in a list.
type Entry struct {
	ListID       string
	Index        int
	CredentialID string
	Set          bool // the bit: revoked / suspended
	UpdatedAt    time.Time
}

// Version is one published, signed status list credential.
type Version struct {
	ListID     string
	Version    int    // 1, 2, ...
	Credential string // the signed status list credential (as served)
	Digest     string // hex SHA-256 of Credential; what is anchored on chain
	CreatedAt  time.Time
}

// Store persists lists, entries and versions.
type Store interface {
	// CreateList inserts l. Returns fault.ErrConflict if l.ID is taken.
	CreateList(ctx context.Context, l *List) error
	// List returns the list with id, or fault.ErrNotFound.
	List(ctx context.Context, id string) (*List, error)
	// OpenLists returns the bureau's lists for purpose that are not Full,
	// oldest first (possibly none).
	OpenLists(ctx context.Context, bureauID string, p Purpose) ([]*List, error)
	// Lists pages through all lists by id, strictly after afterID (start-up
	// repair uses it).
	Lists(ctx context.Context, afterID string, limit int) ([]*List, error)
	// MarkListFull sets Full on the list. Returns fault.ErrNotFound if there is none.
	MarkListFull(ctx context.Context, id string) error

	// InsertEntry inserts e. Returns fault.ErrConflict if (ListID, Index) is
	// taken: the caller retries with another random index.
	InsertEntry(ctx context.Context, e *Entry) error
	// InsertEntries inserts es (one round trip where the backend allows).
	// Returns fault.ErrConflict if an (ListID, Index) is taken by another
	// credential; an entry already stored for the same credential is not
	// an error (a retried insert).
	InsertEntries(ctx context.Context, es []*Entry) error
	// ClaimBlock claims block number block of the list (the indices
	// first <= i < end) for the caller by an insert under a unique index.
	// Returns fault.ErrConflict if the block is taken or if an entry in its
	// range exists already. A claimed block is never released: indices a
	// crashed writer did not use stay unused.
	ClaimBlock(ctx context.Context, listID string, block, first, end int) error
	// CountBlocks returns the number of claimed blocks of the list.
	CountBlocks(ctx context.Context, listID string) (int, error)
	// CountEntries returns the number of entries allocated in the list.
	CountEntries(ctx context.Context, listID string) (int, error)
	// EntriesOf returns the entries of a credential (one per purpose).
	EntriesOf(ctx context.Context, credentialID string) ([]*Entry, error)
	// SetEntry sets the bit of (listID, index). Returns fault.ErrNotFound if there is none.
	SetEntry(ctx context.Context, listID string, index int, set bool, at time.Time) error
	// SetIndices returns the indices whose bit is set, ascending.
	SetIndices(ctx context.Context, listID string) ([]int, error)

	// MarkDirty records that the list changed and needs a new version.
	// Marking an already dirty list is not an error.
	MarkDirty(ctx context.Context, listID string) error
	// DirtyLists returns the ids of lists marked dirty.
	DirtyLists(ctx context.Context) ([]string, error)
	// ClearDirty removes the mark and reports whether this caller removed it
	// (false if another publisher already claimed it).
	ClearDirty(ctx context.Context, listID string) (bool, error)

	// PutVersion inserts v. Returns fault.ErrConflict if (ListID, Version) is taken.
	PutVersion(ctx context.Context, v *Version) error
	// LatestVersion returns the highest version of the list, or fault.ErrNotFound.
	LatestVersion(ctx context.Context, listID string) (*Version, error)
	// Version returns one version, or fault.ErrNotFound.
	Version(ctx context.Context, listID string, version int) (*Version, error)
}
