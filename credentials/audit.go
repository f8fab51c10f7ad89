package credentials

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

// The audit trail of a bureau is a hash chain: event n carries the hash of
// event n-1 of the same bureau (PrevHash) and its own hash over both its
// content and PrevHash (Hash), and its Seq is claimed by an insert under a
// unique (bureau, seq) index, so two writers cannot fork the chain. An
// edited event no longer matches its hash, a deleted one leaves a gap in
// Seq, and a reordered one breaks the PrevHash links; the head's hash is
// anchored on chain (AuditAnchorID), so the chain cannot be rewritten
// wholesale either. VerifyAuditChain checks a trail.

// auditTries bounds the attempts to extend a chain when writers race.
const auditTries = 64

// auditHashInput is what AuditHash hashes: every field of the event in a
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

// AuditHash returns the hex SHA-256 that e's Hash must hold: over every
// field of e except Hash, with At in UTC to the millisecond.
func AuditHash(e *AuditEvent) string {
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

// AuditAnchorID is the id under which a bureau's audit chain head is
// anchored (as a list id with version = the head's Seq and digest = its Hash).
func AuditAnchorID(bureauID string) string { return "audit:" + bureauID }

// NewAuditEvent returns an event with a fresh time-ordered id.
func NewAuditEvent(now time.Time, bureauID, credentialID, action, actor, reason string) (*AuditEvent, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("audit event id: %w", err)
	}
	return &AuditEvent{ID: u.String(), CredentialID: credentialID, BureauID: bureauID, Action: action,
		Actor: actor, Reason: reason, At: now.UTC().Truncate(time.Millisecond)}, nil
}

// AppendAudit extends the bureaus' chains with events, in order: each gets
// the next Seq of its bureau, the hash of the event before it and its own
// hash, and each bureau's events are inserted in one call. When another
// writer extends a chain first (fault.ErrConflict on a Seq) it re-reads
// that head and goes on with the events not yet inserted. Errors: store
// errors as they are; fault.Unavailable when the chain stays contended.
func AppendAudit(ctx context.Context, st Store, events ...*AuditEvent) error {
	var order []string
	byBureau := map[string][]*AuditEvent{}
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
				e.Hash = AuditHash(e)
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

// AuditProblem is one fault VerifyAuditChain found.
type AuditProblem struct {
	Seq     int64  // position in the chain where it shows
	EventID string // the event at Seq, "" if missing
	Kind    string // edited, deleted, reordered, unchained
	Detail  string
}

func (p AuditProblem) String() string {
	if p.EventID == "" {
		return fmt.Sprintf("seq %d: %s: %s", p.Seq, p.Kind, p.Detail)
	}
	return fmt.Sprintf("seq %d (event %s): %s: %s", p.Seq, p.EventID, p.Kind, p.Detail)
}

// VerifyAuditChain checks a bureau's events, as read in Seq order from its
// first event, and names each fault: an event whose content does not match
// its hash (edited), a gap in Seq (deleted), an event whose PrevHash is
// not the hash of the event before it although both are intact
// (reordered, or an event before it deleted and the rest renumbered), a
// Seq out of order (reordered), and events written before the chain
// existed (unchained: no hash). head, if given, is the anchored head (Seq
// and Hash) that the trail must reach and match.
func VerifyAuditChain(events []*AuditEvent, head *AuditEvent) []AuditProblem {
	var out []AuditProblem
	var prev *AuditEvent
	prevBroken := false // the link to a flagged event says nothing new
	for i, e := range events {
		switch {
		case e.Hash == "":
			out = append(out, AuditProblem{Seq: e.Seq, EventID: e.ID, Kind: "unchained", Detail: "written before the audit chain existed; it cannot be checked"})
		case AuditHash(e) != e.Hash:
			if at, ok := writtenAt(e, events); ok {
				out = append(out, AuditProblem{Seq: e.Seq, EventID: e.ID, Kind: "reordered", Detail: fmt.Sprintf("it was written at seq %d", at)})
			} else {
				out = append(out, AuditProblem{Seq: e.Seq, EventID: e.ID, Kind: "edited", Detail: "its content does not match its hash"})
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
			out = append(out, AuditProblem{Seq: e.Seq, EventID: e.ID, Kind: "reordered", Detail: fmt.Sprintf("comes after seq %d", prev.Seq)})
		case e.Seq > want:
			out = append(out, AuditProblem{Seq: want, Kind: "deleted", Detail: fmt.Sprintf("events %d to %d are missing", want, e.Seq-1)})
		case !prevBroken && e.Hash != "" && (prev == nil || prev.Hash != "") && e.PrevHash != hashOf(prev):
			out = append(out, AuditProblem{Seq: e.Seq, EventID: e.ID, Kind: "reordered", Detail: "it does not follow the event before it (its previous hash differs)"})
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
			out = append(out, AuditProblem{Seq: last + 1, Kind: "deleted", Detail: fmt.Sprintf("the trail ends before the anchored head (seq %d)", head.Seq)})
		default:
			for _, e := range events {
				if e.Seq == head.Seq && e.Hash != head.Hash {
					out = append(out, AuditProblem{Seq: e.Seq, EventID: e.ID, Kind: "edited", Detail: "the anchored head hash differs"})
				}
			}
		}
	}
	return out
}

// writtenAt reports the Seq at which e's hash matches, if that is another
// Seq of the trail: the event was moved, not edited.
func writtenAt(e *AuditEvent, events []*AuditEvent) (int64, bool) {
	c := *e
	for _, o := range events {
		if o.Seq == e.Seq {
			continue
		}
		c.Seq = o.Seq
		if AuditHash(&c) == e.Hash {
			return o.Seq, true
		}
	}
	return 0, false
}

func hashOf(e *AuditEvent) string {
	if e == nil {
		return ""
	}
	return e.Hash
}
