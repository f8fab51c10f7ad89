package server

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/ledger"
	"github.com/citizencloud/citizencredentials/status"
)

// The public endpoints other consortium members and monitors read: the
// index of status lists and the issuance log's head and proofs. They are
// anonymous and return only ids of lists, sizes and hashes, never a claim,
// a subject or a credential, and they never repeat what the caller sent.

// Limits of the status list index.
const (
	DefaultIndexLimit = 100
	MaxIndexLimit     = 200 // each listed list costs one store read (its latest version)
	maxListIDLength   = 200
	maxCredentialID   = 2048
)

// StatusIndex pages through status lists and reads their latest version.
type StatusIndex interface {
	// Lists pages through all lists by id, strictly after afterID.
	Lists(ctx context.Context, afterID string, limit int) ([]*status.List, error)
	// LatestVersion returns the highest published version, or fault.ErrNotFound.
	LatestVersion(ctx context.Context, listID string) (*status.Version, error)
}

// StatusIndex registers GET /status/?after=<id>&limit=<n>: the published
// lists by id with their latest version and URL, at most MaxIndexLimit per
// page; next is the id to pass as after for the next page, empty at the
// end. Lists without a published version are skipped.
func (d Deps) StatusIndex(idx StatusIndex, publicURL string) {
	d.Mux.HandleFunc("GET /status/{$}", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after := q.Get("after")
		if len(after) > maxListIDLength {
			d.fault(w, fault.E(fault.Invalid, "after is too long"))
			return
		}
		limit := int64(DefaultIndexLimit)
		if s := q.Get("limit"); s != "" {
			n, ok := positive(s)
			if !ok {
				d.fault(w, fault.E(fault.Invalid, "limit must be a positive integer"))
				return
			}
			limit = min(n, MaxIndexLimit)
		}
		lists, err := idx.Lists(r.Context(), after, int(limit))
		if err != nil {
			d.fault(w, err)
			return
		}
		type entry struct {
			ID            string `json:"id"`
			LatestVersion int    `json:"latestVersion"`
			URL           string `json:"url"`
		}
		out := struct {
			Lists []entry `json:"lists"`
			Next  string  `json:"next"`
		}{Lists: []entry{}}
		for _, l := range lists {
			v, err := idx.LatestVersion(r.Context(), l.ID)
			if errors.Is(err, fault.ErrNotFound) {
				continue
			}
			if err != nil {
				d.fault(w, err)
				return
			}
			out.Lists = append(out.Lists, entry{ID: l.ID, LatestVersion: v.Version, URL: publicURL + "/status/" + l.ID})
		}
		if len(lists) == int(limit) {
			out.Next = lists[len(lists)-1].ID
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSON(w, http.StatusOK, out)
	})
}

// PublicLog is the issuance log as the public endpoints read it;
// ledger.Ledger implements it.
type PublicLog interface {
	LogHead(ctx context.Context) (ledger.LogHead, error)
	// LogProof: treeSize 0 means the earliest anchored tree that covers
	// the credential. Errors: fault NotFound, fault Invalid.
	LogProof(ctx context.Context, credentialID string, treeSize int64) (ledger.LogInclusion, error)
	// LogConsistency errors: fault Invalid for sizes out of range.
	LogConsistency(ctx context.Context, first, second int64) ([][32]byte, error)
}

// IssuanceLog registers GET /log/head, GET /log/proof?id=<credential
// id>[&treeSize=M] and GET /log/consistency?first=N&second=M.
func (d Deps) IssuanceLog(log PublicLog) {
	d.Mux.HandleFunc("GET /log/head", func(w http.ResponseWriter, r *http.Request) {
		h, err := log.LogHead(r.Context())
		if err != nil {
			d.fault(w, err)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSON(w, http.StatusOK, map[string]any{"treeSize": h.TreeSize, "root": hex.EncodeToString(h.Root[:])})
	})
	d.Mux.HandleFunc("GET /log/proof", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		id := q.Get("id")
		if id == "" || len(id) > maxCredentialID {
			d.fault(w, fault.E(fault.Invalid, "id must be a credential id of at most %d bytes", maxCredentialID))
			return
		}
		var size int64
		if s := q.Get("treeSize"); s != "" {
			n, ok := positive(s)
			if !ok {
				d.fault(w, fault.E(fault.Invalid, "treeSize must be a positive integer"))
				return
			}
			size = n
		}
		p, err := log.LogProof(r.Context(), id, size)
		if err != nil {
			d.fault(w, err)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		writeJSON(w, http.StatusOK, map[string]any{"leafIndex": p.LeafIndex, "treeSize": p.TreeSize,
			"leafHash": hex.EncodeToString(p.LeafHash[:]), "proof": hexes(p.Proof)})
	})
	d.Mux.HandleFunc("GET /log/consistency", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		first, ok1 := positive(q.Get("first"))
		second, ok2 := positive(q.Get("second"))
		if !ok1 || !ok2 || first > second {
			d.fault(w, fault.E(fault.Invalid, "first and second must be integers with 0 < first <= second"))
			return
		}
		proof, err := log.LogConsistency(r.Context(), first, second)
		if err != nil {
			d.fault(w, err)
			return
		}
		// A proof between two sizes never changes.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		writeJSON(w, http.StatusOK, map[string]any{"first": first, "second": second, "proof": hexes(proof)})
	})
}

// positive parses a decimal integer > 0 of at most 18 digits (no sign, no
// spaces).
func positive(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func hexes(hs [][32]byte) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}
