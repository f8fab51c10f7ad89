package graph

import (
	"context"
	"sync"

	"github.com/citizencloud/citizencredentials/exchange"
)

// Notifier fans presentation results out to subscribers in this process.
// Subscriptions also poll the store, so results reached through another
// replica arrive too (a little later).
type Notifier struct {
	mu   sync.Mutex
	subs map[string]map[chan *exchange.PresentationRequest]struct{}
}

// NewNotifier returns an empty Notifier.
func NewNotifier() *Notifier {
	return &Notifier{subs: map[string]map[chan *exchange.PresentationRequest]struct{}{}}
}

// Publish delivers r to its subscribers (exchange.OnResult hook).
func (n *Notifier) Publish(_ context.Context, r *exchange.PresentationRequest) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch := range n.subs[r.ID] {
		select {
		case ch <- r:
		default: // the subscriber already has one; it only needs one
		}
	}
}

func (n *Notifier) subscribe(id string) (chan *exchange.PresentationRequest, func()) {
	ch := make(chan *exchange.PresentationRequest, 1)
	n.mu.Lock()
	if n.subs[id] == nil {
		n.subs[id] = map[chan *exchange.PresentationRequest]struct{}{}
	}
	n.subs[id][ch] = struct{}{}
	n.mu.Unlock()
	return ch, func() {
		n.mu.Lock()
		delete(n.subs[id], ch)
		if len(n.subs[id]) == 0 {
			delete(n.subs, id)
		}
		n.mu.Unlock()
	}
}
