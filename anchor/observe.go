package anchor

import (
	"context"
	"errors"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Observer is told what anchoring achieves, so an adapter can export it as
// metrics. Implementations must be quick and safe for concurrent use.
type Observer interface {
	// Confirmed is called once per item this worker sees reach the
	// confirmation depth; lag is the time from queueing to confirmation.
	Confirmed(kind ItemKind, lag time.Duration)
	// Transaction is called once per anchoring transaction whose items
	// this worker confirmed, with the gas its receipt reports and the
	// number of anchors (status versions and log roots) it carried.
	Transaction(gasUsed uint64, anchors int)
}

// WithObserver reports confirmations and gas to o.
func WithObserver(o Observer) WorkerOption { return func(w *Worker) { w.obs = o } }

// observeConfirmed reports the items of one tick that became confirmed,
// reading each transaction's receipt once (receipts already read in the
// tick are reused). A receipt that cannot be read is logged and skipped:
// metrics never fail a tick.
func (w *Worker) observeConfirmed(ctx context.Context, confirmed []*Item, receipts map[string]*Receipt) {
	if w.obs == nil || len(confirmed) == 0 {
		return
	}
	perTx := map[string]int{}
	for _, it := range confirmed {
		w.obs.Confirmed(it.Kind, it.UpdatedAt.Sub(it.CreatedAt))
		if it.TxHash != "" {
			perTx[it.TxHash]++
		}
	}
	for tx, n := range perTx {
		rc, ok := receipts[tx]
		if !ok || rc == nil {
			var err error
			rc, err = w.reg.Receipt(ctx, tx)
			if err != nil {
				if !errors.Is(err, fault.ErrNotFound) {
					w.logger.WarnContext(ctx, "anchor: cannot read a receipt for the gas metric", "tx", tx, "err", err)
				}
				continue
			}
		}
		w.obs.Transaction(rc.GasUsed, n)
	}
}
