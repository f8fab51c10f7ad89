// Package audit is the tamper-evident audit trail of bureaus: every event
// (issuance, status changes, onboarding) extends its bureau's hash chain,
// written with the change it records, and the chain heads are anchored on
// chain. Verify finds an edited, deleted or reordered event.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/fault"
)

// Event records one action on a credential or bureau.
type Event struct {
	ID           string    // uuidv7, time-ordered
	CredentialID string    // may be empty for bureau-level events
	BureauID     string    // bureau the event belongs to
	Action       string    // issued, suspended, reinstated, revoked, ...
	Actor        string    // who did it: "bureau:<id>", "operator"
	Reason       string    // free text given by the actor (never claims)
	At           time.Time // UTC
	Seq          int64     // position in the bureau's chain: 1, 2, ...; unique per bureau
	PrevHash     string    // Hash of the bureau's event Seq-1 ("" for the first)
	Hash         string    // hex SHA-256 of the event with PrevHash (Hash)
}

// Store keeps the audit trail. Implementations: sqlite.Store and
// mongodb.Store (the credentials store embeds it).
type Store interface {
	// AppendAudit inserts events in order (one round trip where the
	// backend allows) and stops at the first that fails; it returns how
	// many were inserted. Returns fault.ErrConflict if the bureau already
	// has an event with that one's Seq (another writer extended the chain
	// first: the caller re-reads AuditHead and goes on from there). The
	// unique (bureau, seq) insert is the only thing that orders writers.
	AppendAudit(ctx context.Context, events ...*Event) (int, error)
	// AuditTrail lists the events of a credential in ID order.
	AuditTrail(ctx context.Context, credentialID string) ([]*Event, error)
	// AuditHead returns the bureau's event with the highest Seq, or
	// fault.ErrNotFound if it has none.
	AuditHead(ctx context.Context, bureauID string) (*Event, error)
	// AuditEvents lists the bureau's events with Seq > afterSeq, ascending by
	// Seq, at most limit of them.
	AuditEvents(ctx context.Context, bureauID string, afterSeq int64, limit int) ([]*Event, error)
}

// The audit trail of a bureau is a hash chain: event n carries the hash of
// event n-1 of the same bureau (PrevHash) and its own hash over both its
// content and PrevHash (Hash), and its Seq is claimed by an insert under a
// unique (bureau, seq) index, so two writers cannot fork the chain. An
// edited event no longer matches its hash, a deleted one leaves a gap in
// Seq, and a reordered one breaks the PrevHash links; the head's hash is
// anchored on chain (AnchorID), so the chain cannot be rewritten
// wholesale either. Verify checks a trail.

// auditTries bounds the attempts to extend a chain when writers race.
const auditTries = 64

// auditHashInput is what Hash hashes: every field of the event in a
// fixed order and format (JSON of a struct is deterministic).
type auditHashInput struct {
	V            int    `json:"v"`
	BureauID     string `json:"bureauId"`
	Seq          int64  `json:"seq"`
	ID           string `json:"id"`
	CredentialID string `json:"credentialId"`
	Action       string `json:"action"`
	Actor        string `json:"actor"`
	Reason       string `json:"reason"`
	At           string `json:"at"`
	PrevHash     string `json:"prevHash"`
}

// Hash returns the hex SHA-256 that e's Hash must hold: over every
// field of e except Hash, with At in UTC to the millisecond.
func Hash(e *Event) string {
	b, err := json.Marshal(auditHashInput{
		V: 1, BureauID: e.BureauID, Seq: e.Seq, ID: e.ID, CredentialID: e.CredentialID,
		Action: e.Action, Actor: e.Actor, Reason: e.Reason,
		At: e.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"), PrevHash: e.PrevHash,
	})
	if err != nil {
		// A struct of strings and integers always marshals.
		panic(fmt.Sprintf("audit hash: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AnchorID is the id under which a bureau's audit chain head is
// anchored (as a list id with version = the head's Seq and digest = its Hash).
func AnchorID(bureauID string) string { return "audit:" + bureauID }

// New returns an event with a fresh time-ordered id.
func New(now time.Time, bureauID, credentialID, action, actor, reason string) (*Event, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("audit event id: %w", err)
	}
	return &Event{ID: u.String(), CredentialID: credentialID, BureauID: bureauID, Action: action,
		Actor: actor, Reason: reason, At: now.UTC().Truncate(time.Millisecond)}, nil
}

// AppendAudit extends the bureaus' chains with events, in order: each gets
// the next Seq of its bureau, the hash of the event before it and its own
// hash, and each bureau's events are inserted in one call. When another
// writer extends a chain first (fault.ErrConflict on a Seq) it re-reads
// that head and goes on with the events not yet inserted. Errors: store
// errors as they are; fault.Unavailable when the chain stays contended.
func Append(ctx context.Context, st Store, events ...*Event) error {
	var order []string
	byBureau := map[string][]*Event{}
	for _, e := range events {
		if _, ok := byBureau[e.BureauID]; !ok {
			order = append(order, e.BureauID)
		}
		byBureau[e.BureauID] = append(byBureau[e.BureauID], e)
	}
	for _, b := range order {
		rest := byBureau[b]
		for try := 0; len(rest) > 0; try++ {
			if try > auditTries {
				return fault.E(fault.Unavailable, "the audit trail is busy; retry")
			}
			h, err := st.AuditHead(ctx, b)
			if errors.Is(err, fault.ErrNotFound) {
				h, err = nil, nil
			}
			if err != nil {
				return fmt.Errorf("read audit head: %w", err)
			}
			prev := h
			for _, e := range rest {
				e.Seq, e.PrevHash = 1, ""
				if prev != nil {
					e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
				}
				e.Hash = Hash(e)
				prev = e
			}
			n, err := st.AppendAudit(ctx, rest...)
			rest = rest[n:]
			if err != nil && !errors.Is(err, fault.ErrConflict) {
				return fmt.Errorf("append audit events: %w", err)
			}
		}
	}
	return nil
}

// Problem is one fault Verify found.
type Problem struct {
	Seq     int64  // position in the chain where it shows
	EventID string // the event at Seq, "" if missing
	Kind    string // edited, deleted, reordered, unchained
	Detail  string
}

func (p Problem) String() string {
	if p.EventID == "" {
		return fmt.Sprintf("seq %d: %s: %s", p.Seq, p.Kind, p.Detail)
	}
	return fmt.Sprintf("seq %d (event %s): %s: %s", p.Seq, p.EventID, p.Kind, p.Detail)
}

// Verify checks a bureau's events, as read in Seq order from its
// first event, and names each fault: an event whose content does not match
// its hash (edited), a gap in Seq (deleted), an event whose PrevHash is
// not the hash of the event before it although both are intact
// (reordered, or an event before it deleted and the rest renumbered), a
// Seq out of order (reordered), and events written before the chain
// existed (unchained: no hash). head, if given, is the anchored head (Seq
// and Hash) that the trail must reach and match.
func Verify(events []*Event, head *Event) []Problem {
	var out []Problem
	var prev *Event
	prevBroken := false // the link to a flagged event says nothing new
	for i, e := range events {
		switch {
		case e.Hash == "":
			out = append(out, Problem{Seq: e.Seq, EventID: e.ID, Kind: "unchained", Detail: "written before the audit chain existed; it cannot be checked"})
		case Hash(e) != e.Hash:
			if at, ok := writtenAt(e, events); ok {
				out = append(out, Problem{Seq: e.Seq, EventID: e.ID, Kind: "reordered", Detail: fmt.Sprintf("it was written at seq %d", at)})
			} else {
				out = append(out, Problem{Seq: e.Seq, EventID: e.ID, Kind: "edited", Detail: "its content does not match its hash"})
			}
			prev, prevBroken = e, true
			continue
		}
		want := int64(i + 1)
		if prev != nil {
			want = prev.Seq + 1
		}
		switch {
		case prev != nil && e.Seq <= prev.Seq:
			out = append(out, Problem{Seq: e.Seq, EventID: e.ID, Kind: "reordered", Detail: fmt.Sprintf("comes after seq %d", prev.Seq)})
		case e.Seq > want:
			out = append(out, Problem{Seq: want, Kind: "deleted", Detail: fmt.Sprintf("events %d to %d are missing", want, e.Seq-1)})
		case !prevBroken && e.Hash != "" && (prev == nil || prev.Hash != "") && e.PrevHash != hashOf(prev):
			out = append(out, Problem{Seq: e.Seq, EventID: e.ID, Kind: "reordered", Detail: "it does not follow the event before it (its previous hash differs)"})
		}
		prev, prevBroken = e, false
	}
	if head != nil && head.Seq > 0 {
		switch {
		case prev == nil || prev.Seq < head.Seq:
			last := int64(0)
			if prev != nil {
				last = prev.Seq
			}
			out = append(out, Problem{Seq: last + 1, Kind: "deleted", Detail: fmt.Sprintf("the trail ends before the anchored head (seq %d)", head.Seq)})
		default:
			for _, e := range events {
				if e.Seq == head.Seq && e.Hash != head.Hash {
					out = append(out, Problem{Seq: e.Seq, EventID: e.ID, Kind: "edited", Detail: "the anchored head hash differs"})
				}
			}
		}
	}
	return out
}

// writtenAt reports the Seq at which e's hash matches, if that is another
// Seq of the trail: the event was moved, not edited.
func writtenAt(e *Event, events []*Event) (int64, bool) {
	c := *e
	for _, o := range events {
		if o.Seq == e.Seq {
			continue
		}
		c.Seq = o.Seq
		if Hash(&c) == e.Hash {
			return o.Seq, true
		}
	}
	return 0, false
}

func hashOf(e *Event) string {
	if e == nil {
		return ""
	}
	return e.Hash
}
