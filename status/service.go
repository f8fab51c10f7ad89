package status

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// ListSigner signs status list credentials with a bureau's key. The main
// service implements it with keys/ and credentials/.
type ListSigner interface {
	// IssuerDID returns the DID that issues the bureau's status lists (the
	// issuer of the list credential). Errors: fault.ErrNotFound for an
	// unknown bureau.
	IssuerDID(ctx context.Context, bureauID string) (string, error)
	// SignStatusList secures the unsigned list credential (a VCDM 2.0
	// BitstringStatusListCredential) and returns it as served, e.g. a
	// compact vc+jwt. Errors: fault.ErrNotFound for an unknown bureau,
	// fault.ErrUnavailable when the key store cannot be reached.
	SignStatusList(ctx context.Context, bureauID string, credential map[string]any) (string, error)
}

// Defaults of a Service.
const (
	// DefaultListSize is the number of entries of a new list: the spec's
	// minimum of 131,072 (16 KiB uncompressed).
	DefaultListSize = MinBits
	// DefaultFillThreshold is the fraction of a list that is allocated
	// before it is closed. Indices are drawn uniformly at random, so at
	// fill f a draw collides with probability f and allocation needs
	// 1/(1-f) inserts on average: 50% caps that at two. Herd privacy is
	// unaffected by the unused half: every list is published at full
	// length and unused bits look exactly like valid credentials, while a
	// list still holds 65,536 credentials among which a verifier fetching
	// it cannot tell which one is being checked.
	DefaultFillThreshold = 0.5
	// DefaultBaseURL is only good for development; cmd sets the public one.
	DefaultBaseURL = "http://localhost:8080"

	indexTries = 16 // random draws on one list before trying another
	listTries  = 8  // lists tried (or created) per purpose before giving up
	putTries   = 8  // publish attempts when replicas race for a version number
)

// Option configures a Service.
type Option func(*Service)

// WithFreshCredentialIDs tells Allocate that every credential id it gets is
// new (the issuance service mints a fresh id per attempt), so it skips the
// look-up of existing entries: one query less per issuance, and on stores
// that cannot use an index for it (FerretDB) a scan less.
func WithFreshCredentialIDs() Option { return func(s *Service) { s.freshIDs = true } }

// WithListSize sets the number of entries of new lists (for tests; the
// published bitstring is never shorter than MinBits whatever the size).
func WithListSize(n int) Option { return func(s *Service) { s.listSize = n } }

// WithFillThreshold sets the fraction (0 < f <= 1) of a list that is
// allocated before the list is closed; see DefaultFillThreshold.
func WithFillThreshold(f float64) Option { return func(s *Service) { s.fill = f } }

// WithBaseURL sets the public base URL of the service; list credentials
// are served at <baseURL>/status/<listId>.
func WithBaseURL(u string) Option {
	return func(s *Service) { s.baseURL = strings.TrimRight(u, "/") }
}

// WithClock sets the time source.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRandom sets the source of randomness for index allocation (default
// crypto/rand: indices must not be predictable, or the herd privacy that
// random allocation buys is lost). It is read under a lock.
func WithRandom(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// WithOnPublish sets the hook called with every new version, typically
// the anchoring outbox's Enqueue. If it fails, the list is marked dirty
// again, so a later Publish produces (and hooks) a newer version.
func WithOnPublish(f func(ctx context.Context, v *Version) error) Option {
	return func(s *Service) { s.onPublish = f }
}

// WithPublishObserver sets a function told about every Publish round that
// found dirty lists (Run's rounds included): how many lists were dirty, how
// many versions it published, how long it took and its error, so an
// adapter can export publishing as metrics. It must be quick.
func WithPublishObserver(f func(dirty, published int, d time.Duration, err error)) Option {
	return func(s *Service) { s.observe = f }
}

// WithLogger sets the logger of Run (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// Service allocates status entries, flips status bits and publishes signed
// status list versions. It is safe for concurrent use, also by several
// replicas on one store: every step is an insert under a unique index or
// an idempotent write, never a read-modify-write counter.
type Service struct {
	store     Store
	signer    ListSigner
	listSize  int
	fill      float64
	baseURL   string
	now       func() time.Time
	rand      io.Reader
	randMu    sync.Mutex
	createMu  sync.Mutex // serialises list creation
	freshIDs  bool       // callers never allocate twice for one credential id
	heldMu    sync.Mutex // guards held and serialises block claims
	held      map[heldKey]*heldBlock
	onPublish func(ctx context.Context, v *Version) error
	observe   func(dirty, published int, d time.Duration, err error)
	log       *slog.Logger
	published sync.Map // list id → struct{}: lists this process saw published and queued
}

// NewService returns a Service on store that signs lists with signer.
func NewService(store Store, signer ListSigner, opts ...Option) *Service {
	s := &Service{
		store:    store,
		signer:   signer,
		listSize: DefaultListSize,
		fill:     DefaultFillThreshold,
		baseURL:  DefaultBaseURL,
		now:      time.Now,
		rand:     rand.Reader,
		log:      slog.Default(),
		held:     map[heldKey]*heldBlock{},
	}
	for _, o := range opts {
		o(s)
	}
	if s.listSize < 1 {
		s.listSize = DefaultListSize
	}
	if s.fill <= 0 || s.fill > 1 {
		s.fill = DefaultFillThreshold
	}
	return s
}

// ListURL returns the URL at which the list credential is served.
func (s *Service) ListURL(listID string) string { return s.baseURL + "/status/" + listID }

// threshold is the number of entries at which a list is closed.
func (s *Service) threshold(size int) int {
	n := int(float64(size)*s.fill + 0.999999)
	if n < 1 {
		n = 1
	}
	if n > size {
		n = size
	}
	return n
}

// randIntn draws uniformly from [0, n) by rejection sampling.
func (s *Service) randIntn(n int) (int, error) {
	if n <= 0 {
		return 0, errors.New("empty range")
	}
	max := ^uint64(0) - ^uint64(0)%uint64(n)
	var b [8]byte
	s.randMu.Lock()
	defer s.randMu.Unlock()
	for {
		if _, err := io.ReadFull(s.rand, b[:]); err != nil {
			return 0, fmt.Errorf("random source: %w", err)
		}
		v := binary.BigEndian.Uint64(b[:])
		if v < max {
			return int(v % uint64(n)), nil
		}
	}
}

// newID returns a random (version 4) UUID.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

func validPurpose(p Purpose) bool { return p == Revocation || p == Suspension }

// entryJSON is the credentialStatus entry for (list, index, purpose).
func (s *Service) entryJSON(listID string, index int, p Purpose) map[string]any {
	u := s.ListURL(listID)
	idx := strconv.Itoa(index)
	return map[string]any{
		"id":                   u + "#" + idx,
		"type":                 "BitstringStatusListEntry",
		"statusPurpose":        string(p),
		"statusListIndex":      idx,
		"statusListCredential": u,
	}
}

// Allocate gives the credential one status entry per purpose (revocation
// only if none is given) and returns the credentialStatus entries to put
// into the credential, in the order of purposes. Each entry is durably
// stored before Allocate returns. Calling it again for a credential that
// already has an entry for a purpose returns that entry (so a retried
// issuance keeps its indices); two concurrent first calls for the same
// credential may each allocate one, and the credential then uses the
// entries its caller returns, the other stays unused (bit never set).
//
// Errors: fault.Invalid for an unknown or repeated purpose; store errors
// (fault.ErrUnavailable) as they are.
func (s *Service) Allocate(ctx context.Context, bureauID, credentialID string, purposes ...Purpose) ([]map[string]any, error) {
	if bureauID == "" || credentialID == "" {
		return nil, fault.E(fault.Invalid, "bureau and credential id are required")
	}
	if len(purposes) == 0 {
		purposes = []Purpose{Revocation}
	}
	seen := map[Purpose]bool{}
	for _, p := range purposes {
		if !validPurpose(p) {
			return nil, fault.E(fault.Invalid, "unknown status purpose %q", p)
		}
		if seen[p] {
			return nil, fault.E(fault.Invalid, "status purpose %q given twice", p)
		}
		seen[p] = true
	}
	existing := map[Purpose]*Entry{}
	if !s.freshIDs {
		var err error
		if existing, err = s.entriesByPurpose(ctx, credentialID); err != nil {
			return nil, err
		}
	}
	out := make([]map[string]any, 0, len(purposes))
	for _, p := range purposes {
		if e, ok := existing[p]; ok {
			out = append(out, s.entryJSON(e.ListID, e.Index, p))
			continue
		}
		e, err := s.allocate(ctx, bureauID, credentialID, p)
		if err != nil {
			return nil, fmt.Errorf("allocate %s entry: %w", p, err)
		}
		out = append(out, s.entryJSON(e.ListID, e.Index, p))
	}
	return out, nil
}

func (s *Service) allocate(ctx context.Context, bureauID, credentialID string, p Purpose) (*Entry, error) {
	e, err := s.take(ctx, bureauID, credentialID, p)
	if err != nil {
		return nil, err
	}
	if err := s.store.InsertEntry(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// Reserve takes one status index per purpose (revocation only if none is
// given) for a new credential from the blocks this writer holds, and
// returns the entries, not yet stored, with the credentialStatus objects
// to put into the credential. The caller stores the entries with Insert,
// typically in the same transaction as the credential. Claiming a block
// is durable on its own, so call Reserve outside a store transaction: an
// index is never handed out twice, also when the caller's transaction
// fails or the process crashes (the index then stays unused).
//
// Errors: fault.Invalid for an unknown or repeated purpose; store errors
// (fault.ErrUnavailable) as they are.
func (s *Service) Reserve(ctx context.Context, bureauID, credentialID string, purposes ...Purpose) ([]*Entry, []map[string]any, error) {
	if bureauID == "" || credentialID == "" {
		return nil, nil, fault.E(fault.Invalid, "bureau and credential id are required")
	}
	if len(purposes) == 0 {
		purposes = []Purpose{Revocation}
	}
	seen := map[Purpose]bool{}
	es := make([]*Entry, 0, len(purposes))
	out := make([]map[string]any, 0, len(purposes))
	for _, p := range purposes {
		if !validPurpose(p) {
			return nil, nil, fault.E(fault.Invalid, "unknown status purpose %q", p)
		}
		if seen[p] {
			return nil, nil, fault.E(fault.Invalid, "status purpose %q given twice", p)
		}
		seen[p] = true
		e, err := s.take(ctx, bureauID, credentialID, p)
		if err != nil {
			return nil, nil, fmt.Errorf("reserve %s entry: %w", p, err)
		}
		es = append(es, e)
		out = append(out, s.entryJSON(e.ListID, e.Index, p))
	}
	return es, out, nil
}

// Insert stores entries that Reserve returned. Errors: store errors as
// they are (fault.ErrConflict would mean an index was handed out twice).
func (s *Service) Insert(ctx context.Context, entries []*Entry) error {
	if err := s.store.InsertEntries(ctx, entries); err != nil {
		return fmt.Errorf("insert status entries: %w", err)
	}
	return nil
}

// maxBlockLen is the number of indices a writer reserves at once on a list
// of the default size. Indices are handed out from a block in random order
// and blocks are drawn at random, so a verifier fetching a list still
// cannot tell which credential it is checking; a crash loses at most one
// block per bureau and purpose.
const maxBlockLen = 64

// blockLen is the block length on a list of size entries: small (test)
// lists get blocks of one index, so they fill exactly as before.
func blockLen(size int) int { return min(maxBlockLen, max(1, size/1024)) }

// heldKey names the block a writer holds for a bureau and purpose.
type heldKey struct {
	bureauID string
	purpose  Purpose
}

// heldBlock is a claimed block and its indices not yet handed out.
type heldBlock struct {
	list *List
	free []int
}

// take hands out the next index of the block held for (bureau, p),
// claiming a new block when it is used up.
func (s *Service) take(ctx context.Context, bureauID, credentialID string, p Purpose) (*Entry, error) {
	s.heldMu.Lock()
	defer s.heldMu.Unlock()
	k := heldKey{bureauID, p}
	h := s.held[k]
	if h == nil || len(h.free) == 0 {
		var err error
		if h, err = s.claim(ctx, bureauID, p); err != nil {
			return nil, err
		}
		s.held[k] = h
	}
	idx := h.free[len(h.free)-1]
	h.free = h.free[:len(h.free)-1]
	return &Entry{ListID: h.list.ID, Index: idx, CredentialID: credentialID, UpdatedAt: s.now().UTC()}, nil
}

// claim claims a random free block of an open list of the bureau for p by
// an insert under a unique index (replicas never share a block).
func (s *Service) claim(ctx context.Context, bureauID string, p Purpose) (*heldBlock, error) {
	skip := map[string]bool{}
	for range listTries {
		l, err := s.openList(ctx, bureauID, p, skip)
		if err != nil {
			return nil, err
		}
		bl := blockLen(l.Size)
		blocks := (l.Size + bl - 1) / bl
		for range indexTries {
			b, err := s.randIntn(blocks)
			if err != nil {
				return nil, err
			}
			first, end := b*bl, min((b+1)*bl, l.Size)
			err = s.store.ClaimBlock(ctx, l.ID, b, first, end)
			if errors.Is(err, fault.ErrConflict) {
				continue
			}
			if err != nil {
				return nil, err
			}
			// Counting blocks is cheap (a list has at most a few thousand),
			// and it happens once per block, not per credential.
			if err := s.closeIfFull(ctx, l); err != nil {
				// The block is ours; closing is retried by the next claim.
				s.log.WarnContext(ctx, "status: close full list", "list", l.ID, "err", err)
			}
			h := &heldBlock{list: l}
			for i := first; i < end; i++ {
				h.free = append(h.free, i)
			}
			if err := s.shuffle(h.free); err != nil {
				return nil, err
			}
			return h, nil
		}
		// Unlucky draws or a list that concurrent writers have just
		// filled: close it if it is full, and try another list.
		if err := s.closeIfFull(ctx, l); err != nil {
			return nil, err
		}
		skip[l.ID] = true
	}
	return nil, fault.E(fault.Unavailable, "no free status list block after %d lists", listTries)
}

// shuffle permutes v uniformly (Fisher-Yates on randIntn).
func (s *Service) shuffle(v []int) error {
	for i := len(v) - 1; i > 0; i-- {
		j, err := s.randIntn(i + 1)
		if err != nil {
			return err
		}
		v[i], v[j] = v[j], v[i]
	}
	return nil
}

// closeIfFull marks l full once its claimed blocks reach the threshold.
func (s *Service) closeIfFull(ctx context.Context, l *List) error {
	n, err := s.store.CountBlocks(ctx, l.ID)
	if err != nil {
		return err
	}
	if n*blockLen(l.Size) >= s.threshold(l.Size) {
		return s.store.MarkListFull(ctx, l.ID)
	}
	return nil
}

// openList returns the oldest open list of the bureau for p that is not
// in skip, creating one if there is none. Creation is serialised within the
// process, so one server never opens two lists for the same bureau and
// purpose at once (replicas may, and then both lists are used).
//
// A list is returned only once it has a published version that was handed
// to the OnPublish hook (queued for anchoring): a new list's first, empty
// version is published here, so no credential pointing into a list is
// returned before verifiers can fetch the list.
func (s *Service) openList(ctx context.Context, bureauID string, p Purpose, skip map[string]bool) (*List, error) {
	pick := func() (*List, error) {
		lists, err := s.store.OpenLists(ctx, bureauID, p)
		if err != nil {
			return nil, err
		}
		for _, l := range lists {
			if !skip[l.ID] && l.Size > 0 {
				return l, s.ensurePublished(ctx, l.ID)
			}
		}
		return nil, nil
	}
	if l, err := pick(); l != nil || err != nil {
		return l, err
	}
	s.createMu.Lock()
	defer s.createMu.Unlock()
	if l, err := pick(); l != nil || err != nil {
		return l, err
	}
	for range 3 {
		id, err := newID()
		if err != nil {
			return nil, err
		}
		l := &List{ID: id, BureauID: bureauID, Purpose: p, Size: s.listSize, CreatedAt: s.now().UTC()}
		err = s.store.CreateList(ctx, l)
		if errors.Is(err, fault.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return l, s.ensurePublished(ctx, l.ID)
	}
	return nil, fault.E(fault.Internal, "could not create a status list")
}

// ensurePublished makes sure the list has a published version that went
// through the OnPublish hook: it publishes version 1 of a list that has
// none, and hands the latest version to the hook again (the outbox's
// Enqueue is idempotent) the first time this process uses a list, which
// also covers a creator that died between publishing and queueing. After
// that the list is known and this costs nothing. If publishing or the hook
// fails, the list is marked dirty (the publisher retries) and the error is
// returned.
func (s *Service) ensurePublished(ctx context.Context, listID string) error {
	if _, ok := s.published.Load(listID); ok {
		return nil
	}
	v, err := s.store.LatestVersion(ctx, listID)
	if errors.Is(err, fault.ErrNotFound) {
		v, err = s.publishList(ctx, listID)
	}
	if err == nil && s.onPublish != nil {
		if herr := s.onPublish(ctx, v); herr != nil {
			err = fmt.Errorf("on-publish hook for version %d: %w", v.Version, herr)
		}
	}
	if err != nil {
		if merr := s.store.MarkDirty(context.WithoutCancel(ctx), listID); merr != nil {
			err = errors.Join(err, fmt.Errorf("mark status list dirty: %w", merr))
		}
		return fmt.Errorf("publish the first version of status list %s: %w", listID, err)
	}
	s.published.Store(listID, struct{}{})
	return nil
}

// entriesByPurpose returns the credential's entries keyed by their list's
// purpose.
func (s *Service) entriesByPurpose(ctx context.Context, credentialID string) (map[Purpose]*Entry, error) {
	entries, err := s.store.EntriesOf(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	out := make(map[Purpose]*Entry, len(entries))
	for _, e := range entries {
		l, err := s.store.List(ctx, e.ListID)
		if err != nil {
			return nil, fmt.Errorf("list %s of entry: %w", e.ListID, err)
		}
		if _, dup := out[l.Purpose]; !dup {
			out[l.Purpose] = e
		}
	}
	return out, nil
}

// Set sets (set=true) or clears the credential's status bit for p and
// marks its list for publishing. The change is visible to verifiers after
// the next Publish. Setting a bit to its current value is allowed.
//
// Errors: fault.ErrNotFound if the credential has no entry for p.
func (s *Service) Set(ctx context.Context, credentialID string, p Purpose, set bool) error {
	byPurpose, err := s.entriesByPurpose(ctx, credentialID)
	if err != nil {
		return err
	}
	e, ok := byPurpose[p]
	if !ok {
		return fault.Wrap(fault.NotFound, fault.ErrNotFound, fmt.Sprintf("credential has no %s status entry", p))
	}
	if err := s.store.SetEntry(ctx, e.ListID, e.Index, set, s.now().UTC()); err != nil {
		return fmt.Errorf("set status entry: %w", err)
	}
	// Always mark, even when the bit did not change: a crash between
	// SetEntry and MarkDirty of an earlier call is healed by the retry.
	if err := s.store.MarkDirty(ctx, e.ListID); err != nil {
		return fmt.Errorf("mark status list dirty: %w", err)
	}
	return nil
}

// Status returns the credential's current status bits by purpose, from
// the store (not from the last published version). Errors:
// fault.ErrNotFound if the credential has no status entry at all.
func (s *Service) Status(ctx context.Context, credentialID string) (map[Purpose]bool, error) {
	byPurpose, err := s.entriesByPurpose(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	if len(byPurpose) == 0 {
		return nil, fault.Wrap(fault.NotFound, fault.ErrNotFound, "credential has no status entry")
	}
	out := make(map[Purpose]bool, len(byPurpose))
	for p, e := range byPurpose {
		out[p] = e.Set
	}
	return out, nil
}

// Versions returns the latest published version of each of the
// credential's lists (for evidence bundles). Lists not yet published are
// left out.
func (s *Service) Versions(ctx context.Context, credentialID string) ([]*Version, error) {
	entries, err := s.store.EntriesOf(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	return LatestVersions(ctx, s.store, entries)
}

// LatestVersions returns the latest published version of each list of
// entries, in the order of entries; lists not yet published are left out.
// Store adapters use it where they cannot read them with the entries.
func LatestVersions(ctx context.Context, st Store, entries []*Entry) ([]*Version, error) {
	var out []*Version
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.ListID] {
			continue
		}
		seen[e.ListID] = true
		v, err := st.LatestVersion(ctx, e.ListID)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
