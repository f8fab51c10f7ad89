package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/credentials"
)

// auditHeads puts every bureau's audit chain head into the anchoring
// outbox when it moved, as the triple (AuditAnchorID(bureau), head seq,
// head hash) that the worker anchors beside status list versions: the
// anchored hash covers the whole trail up to that event, so the trail
// cannot be rewritten without the chain showing it. Heads are batched by
// the publish interval, not anchored per event. Enqueue is idempotent, so
// replicas doing the same is harmless.
type auditHeads struct {
	issuer *credentials.Service
	worker *anchor.Worker
	log    *slog.Logger

	mu   sync.Mutex
	sent map[string]int64 // bureau -> seq last enqueued by this process
}

func newAuditHeads(issuer *credentials.Service, w *anchor.Worker, log *slog.Logger) *auditHeads {
	return &auditHeads{issuer: issuer, worker: w, log: log, sent: map[string]int64{}}
}

// enqueue queues the heads that moved since the last call.
func (a *auditHeads) enqueue(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	heads, err := a.issuer.AuditHeads(ctx)
	if err != nil {
		return err
	}
	for _, h := range heads {
		if a.sent[h.BureauID] >= h.Seq || h.Hash == "" {
			continue
		}
		d, err := anchor.ParseDigest(h.Hash)
		if err == nil {
			err = a.worker.Enqueue(ctx, audit.AnchorID(h.BureauID), int(h.Seq), d)
		}
		if err != nil {
			return err
		}
		a.sent[h.BureauID] = h.Seq
	}
	return nil
}

// run calls enqueue every interval until ctx ends.
func (a *auditHeads) run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.enqueue(ctx); err != nil && ctx.Err() == nil {
			a.log.WarnContext(ctx, "audit: enqueue chain heads for anchoring", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// publicAudit serves the audit chains' heads and event hashes to the
// public endpoints (server.AuditChains).
type publicAudit struct {
	issuer *credentials.Service
	store  audit.Store
}

func (p publicAudit) AuditHeads(ctx context.Context) ([]*audit.Event, error) {
	return p.issuer.AuditHeads(ctx)
}

func (p publicAudit) AuditEvents(ctx context.Context, bureauID string, afterSeq int64, limit int) ([]*audit.Event, error) {
	return p.store.AuditEvents(ctx, bureauID, afterSeq, limit)
}
