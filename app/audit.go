package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/credentials"
)

// anchorAuditHeads puts every bureau's audit chain head into the anchoring
// outbox each interval, when it moved, as the triple (AuditAnchorID(bureau),
// head seq, head hash) that the worker anchors beside status list
// versions: the anchored hash covers the whole trail up to that event, so
// the trail cannot be rewritten without the chain showing it. Heads are
// batched by the interval, not anchored per event. Enqueue is idempotent,
// so replicas doing the same is harmless.
func anchorAuditHeads(ctx context.Context, issuer *credentials.Service, w *anchor.Worker, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		every = 5 * time.Second
	}
	sent := map[string]int64{} // bureau -> seq last enqueued by this process
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		heads, err := issuer.AuditHeads(ctx)
		if err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "audit: read chain heads", "err", err)
		}
		for _, h := range heads {
			if sent[h.BureauID] >= h.Seq || h.Hash == "" {
				continue
			}
			d, err := anchor.ParseDigest(h.Hash)
			if err == nil {
				err = w.Enqueue(ctx, credentials.AuditAnchorID(h.BureauID), int(h.Seq), d)
			}
			if err != nil {
				log.WarnContext(ctx, "audit: enqueue chain head", "bureau", h.BureauID, "seq", h.Seq, "err", err)
				continue
			}
			sent[h.BureauID] = h.Seq
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
