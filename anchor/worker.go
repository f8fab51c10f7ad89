package anchor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Defaults of a Worker.
const (
	DefaultBatchSize     = 100
	DefaultInterval      = 2 * time.Second
	DefaultConfirmations = 1 // enough for the embedded dev chain; use more on a real network
	DefaultBackoffBase   = 2 * time.Second
	DefaultBackoffMax    = 5 * time.Minute
	DefaultLeaseName     = "anchor-worker"
	DefaultLeaseTTL      = 30 * time.Second
	DefaultSubmitTimeout = 2 * time.Minute
	DefaultRecheckWindow = 15 * time.Minute
	DefaultRecheckEvery  = time.Minute
	// recheckMax bounds the confirmed items one re-check reads.
	recheckMax = 5000
)

// WorkerOption configures a Worker.
type WorkerOption func(*Worker)

// WithBatchSize sets the most status list versions anchored per
// transaction (one log root rides along).
func WithBatchSize(n int) WorkerOption { return func(w *Worker) { w.batch = n } }

// WithInterval sets the time between ticks of Run.
func WithInterval(d time.Duration) WorkerOption { return func(w *Worker) { w.interval = d } }

// WithConfirmations sets the confirmation depth: an anchor counts once
// head >= block + n - 1 (1 = mined).
func WithConfirmations(n uint64) WorkerOption { return func(w *Worker) { w.confirmations = n } }

// WithBackoff sets the exponential retry backoff: base·2^(attempts-1),
// capped at max.
func WithBackoff(base, max time.Duration) WorkerOption {
	return func(w *Worker) { w.backoffBase, w.backoffMax = base, max }
}

// WithClock sets the worker's time source.
func WithClock(now func() time.Time) WorkerOption { return func(w *Worker) { w.now = now } }

// WithLogger sets the worker's logger (default slog.Default()).
func WithLogger(l *slog.Logger) WorkerOption { return func(w *Worker) { w.logger = l } }

// WithLease sets the lease that lets one replica submit at a time: name is
// shared by all replicas, holder is unique per replica (default: random),
// ttl is how long a dead holder blocks the others.
func WithLease(name, holder string, ttl time.Duration) WorkerOption {
	return func(w *Worker) { w.leaseName, w.holder, w.leaseTTL = name, holder, ttl }
}

// WithSubmitTimeout sets how long a submitted transaction may stay
// unmined (or mined but not visible in the registry's state) before its
// items are submitted again.
func WithSubmitTimeout(d time.Duration) WorkerOption { return func(w *Worker) { w.submitTimeout = d } }

// WithRecheck sets the re-check of confirmed anchors: every every (and on
// the first tick after start), the confirmed items created within window
// are read back from the chain; any the chain no longer holds (blocks lost
// by a crashed node, a reorganisation) go back to pending and are sent
// again.
func WithRecheck(window, every time.Duration) WorkerOption {
	return func(w *Worker) { w.recheckWindow, w.recheckEvery = window, every }
}

// WithFullRecheck makes the first re-check after start read back every
// confirmed item, whatever its age and however many there are, and then
// call done. A node uses it after it switched to a new registry (the items
// were confirmed on the old one): every item the new registry does not hold
// goes back to pending and is anchored again. If the process stops before
// the full re-check completes, done is not called, so the caller can run it
// again at the next start.
func WithFullRecheck(done func(context.Context) error) WorkerOption {
	return func(w *Worker) { w.fullRecheck, w.fullRecheckDone = true, done }
}

// Worker anchors the outbox on chain: status list versions and issuance
// log roots, many per transaction. Its state lives in the store
// (pending → submitted(txHash) → confirmed(block)), so it resumes after a
// restart, and an item is confirmed only when the registry's state holds
// its digest at the required depth, never because of a remembered block
// number. Several replicas may run workers: a lease keeps all but one
// idle, and the contract's idempotence makes an overlap harmless.
type Worker struct {
	store         Store
	reg           Registry
	log           *Log
	batch         int
	interval      time.Duration
	confirmations uint64
	backoffBase   time.Duration
	backoffMax    time.Duration
	now           func() time.Time
	logger        *slog.Logger
	leaseName     string
	holder        string
	leaseTTL      time.Duration
	submitTimeout time.Duration
	recheckWindow time.Duration
	recheckEvery  time.Duration
	lastRecheck   time.Time // zero until the first re-check: it runs on start
	started       time.Time // when this worker was made (this process started)
	// fullRecheck: the next re-check reads every confirmed item; then
	// fullRecheckDone is called.
	fullRecheck     bool
	fullRecheckDone func(context.Context) error
	obs             Observer

	// tickMu runs one tick of this worker at a time: Run's loop and a
	// caller of Tick (an operator's "anchor now", a test) share the lease
	// holder and the re-check state above.
	tickMu sync.Mutex
}

// NewWorker returns a worker that anchors the outbox in store on reg, and
// the roots of log.
func NewWorker(store Store, reg Registry, log *Log, opts ...WorkerOption) *Worker {
	w := &Worker{
		store:         store,
		reg:           reg,
		log:           log,
		batch:         DefaultBatchSize,
		interval:      DefaultInterval,
		confirmations: DefaultConfirmations,
		backoffBase:   DefaultBackoffBase,
		backoffMax:    DefaultBackoffMax,
		now:           time.Now,
		logger:        slog.Default(),
		leaseName:     DefaultLeaseName,
		leaseTTL:      DefaultLeaseTTL,
		submitTimeout: DefaultSubmitTimeout,
		recheckWindow: DefaultRecheckWindow,
		recheckEvery:  DefaultRecheckEvery,
	}
	for _, o := range opts {
		o(w)
	}
	w.started = w.now().UTC().Truncate(time.Millisecond) // stores keep milliseconds
	if w.holder == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		w.holder = "worker-" + hex.EncodeToString(b[:])
	}
	if w.batch < 1 {
		w.batch = DefaultBatchSize
	}
	if w.confirmations < 1 {
		w.confirmations = 1
	}
	if w.interval <= 0 {
		w.interval = DefaultInterval
	}
	if w.backoffBase <= 0 {
		w.backoffBase = DefaultBackoffBase
	}
	if w.backoffMax < w.backoffBase {
		w.backoffMax = w.backoffBase
	}
	if w.leaseTTL <= 0 {
		w.leaseTTL = DefaultLeaseTTL
	}
	return w
}

// errDigestConflict is the LastError of an item whose slot on chain holds
// another digest. Such an item is never resubmitted (it would revert and
// take its batch down); it needs an operator.
const errDigestConflict = "the chain holds a different digest for this item"

// StatusItemID is the outbox id of a status list version.
func StatusItemID(listID string, version int) string {
	return "status:" + listID + ":" + strconv.Itoa(version)
}

// LogItemID is the outbox id of the log root over treeSize leaves.
func LogItemID(treeSize int64) string { return "log:" + strconv.FormatInt(treeSize, 10) }

// ParseDigest decodes a hex SHA-256 digest (as in status.Version.Digest).
func ParseDigest(s string) ([32]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return [32]byte{}, fault.E(fault.Invalid, "malformed digest")
	}
	return [32]byte(b), nil
}

// Enqueue queues a status list version for anchoring. It is idempotent:
// queueing the same version with the same digest again succeeds.
// Errors: fault.ErrConflict if the version is queued with another digest.
func (w *Worker) Enqueue(ctx context.Context, listID string, version int, digest [32]byte) error {
	if listID == "" || version < 1 {
		return fault.E(fault.Invalid, "list id and a positive version are required")
	}
	now := w.now().UTC()
	it := &Item{
		ID: StatusItemID(listID, version), Kind: KindStatusList,
		ListID: listID, Version: version, Digest: hex.EncodeToString(digest[:]),
		State: Pending, NextAttempt: now, CreatedAt: now, UpdatedAt: now,
	}
	err := w.store.Enqueue(ctx, it)
	if !errors.Is(err, fault.ErrConflict) {
		return err
	}
	old, err := w.store.Item(ctx, it.ID)
	if err != nil {
		return err
	}
	if old.Digest != it.Digest {
		return fault.Wrap(fault.Conflict, fault.ErrConflict, "status list version is queued with a different digest")
	}
	return nil
}

// EnqueueVersion is Enqueue with the digest in hex, as status.Version
// carries it: the status service's OnPublish hook.
func (w *Worker) EnqueueVersion(ctx context.Context, listID string, version int, digestHex string) error {
	d, err := ParseDigest(digestHex)
	if err != nil {
		return err
	}
	return w.Enqueue(ctx, listID, version, d)
}

// Backlog returns the number of items not yet confirmed.
func (w *Worker) Backlog(ctx context.Context) (int, error) { return w.store.CountUnconfirmed(ctx) }

// TickResult says what one Tick did.
type TickResult struct {
	Idle      bool   // another replica holds the lease
	Confirmed int    // items confirmed
	Submitted int    // items sent in the transaction
	TxHash    string // the transaction sent, if any
	Requeued  int    // items put back to pending (dropped or reverted tx, or lost from the chain)
	Rechecked int    // confirmed items read back from the chain
}

// Tick does one round: take the lease; reconcile every unconfirmed item
// (oldest first, a bounded window) with the registry's state and
// receipts; queue a root for the current log size if it is not anchored;
// send one transaction with up to the batch size of due status versions
// plus one log root. When the chain is unavailable items stay pending
// with backoff and the error wraps fault.ErrUnavailable.
func (w *Worker) Tick(ctx context.Context) error {
	_, err := w.TickReport(ctx)
	return err
}

// TickReport is Tick, also reporting what it did.
func (w *Worker) TickReport(ctx context.Context) (TickResult, error) {
	w.tickMu.Lock()
	defer w.tickMu.Unlock()
	var res TickResult
	now := w.now().UTC()
	ok, err := w.store.AcquireLease(ctx, w.leaseName, w.holder, now.Add(w.leaseTTL))
	if err != nil {
		return res, fmt.Errorf("anchor lease: %w", err)
	}
	if !ok {
		res.Idle = true
		return res, nil
	}
	if w.lastRecheck.IsZero() || now.Sub(w.lastRecheck) >= w.recheckEvery {
		if err := w.recheck(ctx, now, &res); err != nil {
			return res, err
		}
		w.lastRecheck = now
	}
	window := max(4*w.batch, 256)
	items, err := w.store.Unconfirmed(ctx, window)
	if err != nil {
		return res, fmt.Errorf("anchor outbox: %w", err)
	}
	head, err := w.reg.Head(ctx)
	if err != nil {
		return res, fmt.Errorf("chain head: %w", err)
	}
	receipts := map[string]*Receipt{}
	var dueStatus, dueLog, confirmed []*Item
	logQueued := false
	for _, it := range items {
		was := it.State
		due, err := w.reconcile(ctx, it, head, now, receipts, &res)
		if err != nil {
			return res, err
		}
		if was != Confirmed && it.State == Confirmed {
			confirmed = append(confirmed, it)
		}
		if it.Kind == KindLogRoot && it.State != Confirmed && it.LastError != errDigestConflict {
			logQueued = true
		}
		if !due {
			continue
		}
		if it.Kind == KindLogRoot {
			dueLog = append(dueLog, it)
		} else {
			dueStatus = append(dueStatus, it)
		}
	}
	w.observeConfirmed(ctx, confirmed, receipts)
	// One log item at a time: the next root is queued once the previous
	// one is confirmed (or when the window is too full to see it).
	if !logQueued && len(items) < window && w.log != nil {
		it, err := w.logItem(ctx, now)
		if err != nil {
			return res, err
		}
		if it != nil {
			dueLog = append(dueLog, it)
		}
	}
	if len(dueStatus) > w.batch {
		dueStatus = dueStatus[:w.batch]
	}
	var batch []*Item
	batch = append(batch, dueStatus...)
	if len(dueLog) > 0 {
		batch = append(batch, dueLog[0])
	}
	if len(batch) == 0 {
		return res, nil
	}
	return res, w.submit(ctx, batch, now, &res)
}

// recheck reads back from the chain every confirmed item created within
// the re-check window. An item the chain no longer holds goes back to
// pending, due now, so this tick sends it again; one whose anchor moved to
// another block (re-mined) gets the new block recorded.
func (w *Worker) recheck(ctx context.Context, now time.Time, res *TickResult) error {
	if w.fullRecheck {
		if err := w.recheckFrom(ctx, time.Time{}, -1, now, res); err != nil {
			return err
		}
		w.fullRecheck = false
		if w.fullRecheckDone != nil {
			if err := w.fullRecheckDone(ctx); err != nil {
				return fmt.Errorf("full re-check done: %w", err)
			}
		}
		w.logger.InfoContext(ctx, "anchor: every confirmed item was read back from the registry; those it lacks are sent again", "rechecked", res.Rechecked, "requeued", res.Requeued)
		return nil
	}
	return w.recheckFrom(ctx, now.Add(-w.recheckWindow), recheckMax, now, res)
}

// recheckFrom re-checks the confirmed items created after `after`, at most
// limit of them (-1: all).
func (w *Worker) recheckFrom(ctx context.Context, after time.Time, limit int, now time.Time, res *TickResult) error {
	afterID := ""
	for read := 0; limit < 0 || read < limit; {
		page, err := w.store.Items(ctx, after, afterID, 500)
		if err != nil {
			return fmt.Errorf("anchor outbox: %w", err)
		}
		for _, it := range page {
			if it.State != Confirmed {
				continue
			}
			if err := w.recheckItem(ctx, it, now, res); err != nil {
				return err
			}
		}
		read += len(page)
		if len(page) < 500 {
			return nil
		}
		after, afterID = page[len(page)-1].CreatedAt, page[len(page)-1].ID
	}
	return nil
}

func (w *Worker) recheckItem(ctx context.Context, it *Item, now time.Time, res *TickResult) error {
	res.Rechecked++
	a, ok, err := w.onChain(ctx, it)
	if err != nil {
		return fmt.Errorf("re-check anchor of %s: %w", it.ID, err)
	}
	want, err := ParseDigest(it.Digest)
	if err != nil {
		return fmt.Errorf("outbox item %s: %w", it.ID, err)
	}
	switch {
	case !ok:
		// After a registry switch every item is missing: one summary line
		// (at the end of the full re-check) instead of one per item.
		level := slog.LevelWarn
		if w.fullRecheck {
			level = slog.LevelDebug
		}
		w.logger.Log(ctx, level, "anchor: a confirmed anchor is missing from the chain; sending it again", "item", it.ID, "block", it.Block, "tx", it.TxHash)
		it.State = Pending
		it.NextAttempt = now
		it.LastError = "the chain no longer holds this anchor (blocks lost); resubmitting"
	case a.Digest != want:
		w.logger.ErrorContext(ctx, "anchor: on-chain digest differs from the outbox", "item", it.ID)
		it.State = Pending
		it.NextAttempt = now.Add(w.backoffMax)
		it.LastError = errDigestConflict
	case a.Block != it.Block:
		it.Block, it.BlockTime = a.Block, a.BlockTime
		it.UpdatedAt = now
		return w.update(ctx, it)
	default:
		return nil
	}
	it.UpdatedAt = now
	res.Requeued++
	return w.update(ctx, it)
}

// onChain reads what the registry holds for the item.
func (w *Worker) onChain(ctx context.Context, it *Item) (Anchored, bool, error) {
	switch it.Kind {
	case KindStatusList:
		return w.reg.StatusAnchor(ctx, it.ListID, uint64(it.Version))
	case KindLogRoot:
		return w.reg.LogRoot(ctx, uint64(it.TreeSize))
	}
	return Anchored{}, false, fault.E(fault.Internal, "outbox item %s has unknown kind %q", it.ID, it.Kind)
}

// reconcile brings one unconfirmed item up to date with the chain and
// reports whether it is due for (re)submission.
func (w *Worker) reconcile(ctx context.Context, it *Item, head uint64, now time.Time, receipts map[string]*Receipt, res *TickResult) (bool, error) {
	want, err := ParseDigest(it.Digest)
	if err != nil {
		return false, fmt.Errorf("outbox item %s: %w", it.ID, err)
	}
	a, ok, err := w.onChain(ctx, it)
	if err != nil {
		return false, fmt.Errorf("read anchor of %s: %w", it.ID, err)
	}
	if ok {
		if a.Digest != want {
			// Never resubmitted: it would revert and take its batch down.
			it.State = Pending
			it.Attempts++
			it.NextAttempt = now.Add(w.backoffMax)
			it.LastError = errDigestConflict
			it.UpdatedAt = now
			w.logger.ErrorContext(ctx, "anchor: on-chain digest differs from the outbox", "item", it.ID)
			return false, w.update(ctx, it)
		}
		if head+1 < a.Block+w.confirmations {
			return false, nil // mined, not deep enough yet
		}
		it.State = Confirmed
		it.Block = a.Block
		it.BlockTime = a.BlockTime
		it.LastError = ""
		it.UpdatedAt = now
		res.Confirmed++
		return false, w.update(ctx, it)
	}
	switch it.State {
	case Pending:
		return !it.NextAttempt.After(now), nil
	case Submitted:
		rc, ok := receipts[it.TxHash]
		if !ok {
			rc, err = w.reg.Receipt(ctx, it.TxHash)
			if errors.Is(err, fault.ErrNotFound) {
				rc, err = nil, nil
			}
			if err != nil {
				return false, fmt.Errorf("receipt of %s: %w", it.TxHash, err)
			}
			receipts[it.TxHash] = rc
		}
		switch {
		case rc != nil && !rc.Success:
			it.State = Pending
			it.Attempts++
			it.NextAttempt = now.Add(w.backoff(it.Attempts))
			it.LastError = "the anchoring transaction reverted"
			it.UpdatedAt = now
			res.Requeued++
			w.logger.WarnContext(ctx, "anchor: transaction reverted", "tx", it.TxHash, "item", it.ID)
			return false, w.update(ctx, it)
		case now.Sub(it.UpdatedAt) >= w.submitTimeout || it.UpdatedAt.Before(w.started):
			// Also at once when it was submitted before this process
			// started: a node that crashed with us loses its last
			// transactions, and waiting the timeout out would leave
			// every anchor after a restart pending for minutes.
			// Not mined (dropped, or lost with the last blocks of a
			// crashed node), or mined without the state showing it:
			// submit again; the contract makes a repeat harmless.
			it.State = Pending
			it.NextAttempt = now
			it.LastError = "the anchoring transaction was not confirmed in time; resubmitting"
			it.UpdatedAt = now
			res.Requeued++
			if err := w.update(ctx, it); err != nil {
				return false, err
			}
			return true, nil
		}
		return false, nil
	}
	return false, nil
}

// logItem queues a root for the current log size unless the chain already
// holds one for that size, and returns the item if it is due.
func (w *Worker) logItem(ctx context.Context, now time.Time) (*Item, error) {
	n, err := w.log.Size(ctx)
	if err != nil || n == 0 {
		return nil, err
	}
	if _, ok, err := w.reg.LogRoot(ctx, uint64(n)); err != nil || ok {
		return nil, err
	}
	root, err := w.log.Root(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("issuance log root: %w", err)
	}
	it := &Item{
		ID: LogItemID(n), Kind: KindLogRoot, Digest: hex.EncodeToString(root[:]), TreeSize: n,
		State: Pending, NextAttempt: now, CreatedAt: now, UpdatedAt: now,
	}
	err = w.store.Enqueue(ctx, it)
	if errors.Is(err, fault.ErrConflict) {
		if it, err = w.store.Item(ctx, it.ID); err != nil {
			return nil, err
		}
		if it.State == Confirmed || it.NextAttempt.After(now) || it.State == Submitted {
			return nil, nil
		}
		return it, nil
	}
	if err != nil {
		return nil, err
	}
	return it, nil
}

// submit sends one transaction for the batch.
func (w *Worker) submit(ctx context.Context, batch []*Item, now time.Time, res *TickResult) error {
	var lists []StatusAnchor
	var logA *LogAnchor
	for _, it := range batch {
		d, err := ParseDigest(it.Digest)
		if err != nil {
			return fmt.Errorf("outbox item %s: %w", it.ID, err)
		}
		if it.Kind == KindLogRoot {
			logA = &LogAnchor{Root: d, TreeSize: uint64(it.TreeSize)}
			continue
		}
		lists = append(lists, StatusAnchor{ListID: it.ListID, Version: uint64(it.Version), Digest: d})
	}
	tx, err := w.reg.Anchor(ctx, lists, logA)
	if err != nil {
		msg := "anchoring failed"
		switch {
		case errors.Is(err, fault.ErrUnavailable):
			msg = "chain unavailable"
		case fault.CodeOf(err) == fault.Forbidden:
			msg = fault.Message(err) // e.g. this node's account is not a member yet
		}
		for _, it := range batch {
			it.State = Pending
			it.Attempts++
			it.NextAttempt = now.Add(w.backoff(it.Attempts))
			it.LastError = msg
			it.UpdatedAt = now
			if uerr := w.update(ctx, it); uerr != nil {
				return errors.Join(err, uerr)
			}
		}
		return fmt.Errorf("anchor %d items: %w", len(batch), err)
	}
	for _, it := range batch {
		it.State = Submitted
		it.TxHash = tx
		it.Attempts++
		it.LastError = ""
		it.UpdatedAt = now
		if err := w.update(ctx, it); err != nil {
			return err
		}
	}
	res.Submitted = len(batch)
	res.TxHash = tx
	return nil
}

func (w *Worker) update(ctx context.Context, it *Item) error {
	if err := w.store.UpdateItem(ctx, it); err != nil {
		return fmt.Errorf("update outbox item %s: %w", it.ID, err)
	}
	return nil
}

// backoff returns the wait after the given number of attempts.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.backoffBase
	for i := 1; i < attempts && d < w.backoffMax; i++ {
		d *= 2
	}
	return min(d, w.backoffMax)
}

// Run ticks every interval until ctx ends, backing off while the chain is
// unavailable, and logs progress and the backlog.
// A refusal by the registry (fault.Forbidden: this node's account is not an
// active member) is logged once with its message, then quietly retried
// with backoff until it clears.
func (w *Worker) Run(ctx context.Context) error {
	failures := 0
	refused := "" // the refusal last logged
	down := false // a failure was logged
	for {
		res, err := w.TickReport(ctx)
		wait := w.interval
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil && fault.CodeOf(err) == fault.Forbidden:
			failures++
			wait = max(w.interval, w.backoff(failures))
			if msg := fault.Message(err); msg != refused {
				refused = msg
				backlog, _ := w.Backlog(ctx)
				w.logger.ErrorContext(ctx, "anchor: the registry refuses this node's anchors; retrying with backoff", "reason", msg, "backlog", backlog)
			}
		case err != nil:
			failures++
			wait = max(w.interval, w.backoff(failures))
			backlog, berr := w.Backlog(ctx)
			w.logger.WarnContext(ctx, "anchor: tick failed", "err", err, "backlog", backlog, "backlog_err", berr, "retry_in", wait)
			down = true
		default:
			if down {
				w.logger.InfoContext(ctx, "anchor: chain reachable again")
				down = false
			}
			if refused != "" && res.Submitted > 0 {
				w.logger.InfoContext(ctx, "anchor: the registry accepts this node's anchors again")
				refused = ""
			}
			failures = 0
			if res.Submitted > 0 || res.Confirmed > 0 || res.Requeued > 0 {
				backlog, _ := w.Backlog(ctx)
				w.logger.InfoContext(ctx, "anchor: progress", "submitted", res.Submitted, "tx", res.TxHash,
					"confirmed", res.Confirmed, "requeued", res.Requeued, "backlog", backlog)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
