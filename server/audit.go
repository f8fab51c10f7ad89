package server

import (
	"context"
	"net/http"

	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/fault"
)

// AuditChains reads the bureaus' audit hash chains: the heads this node
// anchors on chain (as list audit.AnchorID(bureau), version = Seq, digest =
// Hash) and the event at a position.
type AuditChains interface {
	// AuditHeads returns the newest event of every bureau that has one.
	AuditHeads(ctx context.Context) ([]*audit.Event, error)
	// AuditEvents lists a bureau's events with Seq > afterSeq, ascending.
	AuditEvents(ctx context.Context, bureauID string, afterSeq int64, limit int) ([]*audit.Event, error)
}

// maxBureauID bounds the bureau id in an audit URL.
const maxBureauID = 200

// AuditChains registers GET /audit/heads and GET /audit/{bureau}/events/{seq}:
// the position and hash of each bureau's audit chain head, and the hash
// (and previous hash) of one event. Monitors compare them with the heads
// anchored on chain: a node that rewrote an audit trail cannot serve the
// anchored hash at the anchored position. Only ids, positions and hashes
// are served, never an event's content (credential, actor, reason).
func (d Deps) AuditChains(chains AuditChains) {
	d.Mux.HandleFunc("GET /audit/heads", func(w http.ResponseWriter, r *http.Request) {
		heads, err := chains.AuditHeads(r.Context())
		if err != nil {
			d.fault(w, err)
			return
		}
		type head struct {
			BureauID string `json:"bureauId"`
			AnchorID string `json:"anchorId"`
			Seq      int64  `json:"seq"`
			Hash     string `json:"hash"`
		}
		out := struct {
			Chains []head `json:"chains"`
		}{Chains: []head{}}
		for _, h := range heads {
			out.Chains = append(out.Chains, head{BureauID: h.BureauID, AnchorID: audit.AnchorID(h.BureauID), Seq: h.Seq, Hash: h.Hash})
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSON(w, http.StatusOK, out)
	})
	d.Mux.HandleFunc("GET /audit/{bureau}/events/{seq}", func(w http.ResponseWriter, r *http.Request) {
		bureau := r.PathValue("bureau")
		seq, ok := positive(r.PathValue("seq"))
		if bureau == "" || len(bureau) > maxBureauID || !ok {
			d.fault(w, fault.E(fault.Invalid, "the path must be /audit/<bureau id>/events/<position, a positive integer>"))
			return
		}
		evs, err := chains.AuditEvents(r.Context(), bureau, seq-1, 1)
		if err != nil {
			d.fault(w, err)
			return
		}
		if len(evs) == 0 || evs[0].Seq != seq {
			d.fault(w, fault.E(fault.NotFound, "no audit event at that position"))
			return
		}
		// An event never changes once written.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		writeJSON(w, http.StatusOK, map[string]any{"bureauId": bureau, "seq": seq, "hash": evs[0].Hash, "prevHash": evs[0].PrevHash})
	})
}
