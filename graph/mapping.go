package graph

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/citizencloud/citizencredentials/anchor"
	"github.com/citizencloud/citizencredentials/audit"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/status"

	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/exchange"
	"github.com/citizencloud/citizencredentials/graph/model"
)

func bureauModel(b *credentials.Bureau) *model.Bureau {
	m := &model.Bureau{ID: b.ID, Name: b.Name, Slug: b.Slug, Did: b.DID, AllowedTypes: b.AllowedTypes, Active: b.Active, CreatedAt: b.CreatedAt}
	if b.Reason != "" {
		m.DeactivationReason = &b.Reason
	}
	if m.AllowedTypes == nil {
		m.AllowedTypes = []string{}
	}
	return m
}

var formatFromModel = map[model.CredentialFormat]credentials.Format{
	model.CredentialFormatJwt:           credentials.FormatJWT,
	model.CredentialFormatDataIntegrity: credentials.FormatDataIntegrity,
	model.CredentialFormatSdJwt:         credentials.FormatSDJWT,
}

var formatToModel = map[credentials.Format]model.CredentialFormat{
	credentials.FormatJWT:           model.CredentialFormatJwt,
	credentials.FormatDataIntegrity: model.CredentialFormatDataIntegrity,
	credentials.FormatSDJWT:         model.CredentialFormatSdJwt,
}

var stateToModel = map[credentials.State]model.CredentialState{
	credentials.StateActive:    model.CredentialStateActive,
	credentials.StateSuspended: model.CredentialStateSuspended,
	credentials.StateRevoked:   model.CredentialStateRevoked,
}

var stateFromModel = map[model.CredentialState]credentials.State{
	model.CredentialStateActive:    credentials.StateActive,
	model.CredentialStateSuspended: credentials.StateSuspended,
	model.CredentialStateRevoked:   credentials.StateRevoked,
}

func credentialModel(r *credentials.Record) *model.IssuedCredential {
	m := &model.IssuedCredential{
		ID: r.ID, Type: r.Type, BureauID: r.BureauID, IssuerDid: r.IssuerDID, SubjectDid: r.SubjectDID,
		Format: formatToModel[r.Format], Credential: r.Credential, Hash: r.Hash, State: stateToModel[r.State],
		ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil, IssuedAt: r.IssuedAt,
	}
	if r.StateReason != "" {
		m.StateReason = &r.StateReason
	}
	return m
}

func resultModel(res *credentials.Result) *model.VerificationResult {
	m := &model.VerificationResult{Verified: res.Verified, Checks: []*model.Check{}, Credentials: []*model.CredentialSummary{}}
	var pending []string
	for _, c := range res.Checks {
		mc := &model.Check{Name: c.Name, Ok: c.OK, Message: &c.Message, Status: model.CheckStatusProven}
		switch {
		case !c.OK:
			mc.Status = model.CheckStatusFailed
		case c.Pending:
			mc.Status = model.CheckStatusPending
			if !slices.Contains(pending, c.Name) {
				pending = append(pending, c.Name)
			}
		}
		if c.Credential != "" {
			mc.Credential = &c.Credential
		}
		if c.Member != "" {
			mc.Member = &c.Member
		}
		if c.Block != 0 {
			b := int(c.Block)
			mc.Block = &b
		}
		m.Checks = append(m.Checks, mc)
	}
	m.Pending = res.Verified && len(pending) > 0
	m.Message = resultMessage(res, pending)
	for _, s := range res.Credentials {
		cs := &model.CredentialSummary{Types: s.Types, Issuer: s.Issuer, ValidFrom: s.ValidFrom, ValidUntil: s.ValidUntil, Claims: s.Claims}
		if cs.Types == nil {
			cs.Types = []string{}
		}
		if s.ID != "" {
			id := s.ID
			cs.ID = &id
		}
		if s.Subject != "" {
			sub := s.Subject
			cs.Subject = &sub
		}
		m.Credentials = append(m.Credentials, cs)
	}
	return m
}

// resultMessage says the outcome in plain words.
func resultMessage(res *credentials.Result, pending []string) string {
	if !res.Verified {
		n := 0
		for _, c := range res.Checks {
			if !c.OK {
				n++
			}
		}
		if n == 0 {
			return "Not verified: nothing could be checked."
		}
		return fmt.Sprintf("Not verified: %d check(s) failed.", n)
	}
	if len(pending) > 0 {
		return "Verified so far, but anchoring is still pending: " + strings.Join(pending, ", ") +
			" will be proven once the anchor is confirmed on chain. Nothing failed."
	}
	return "Verified: every check is proven."
}

func decodeObject(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

const (
	defaultPageSize = 50
	maxPageSize     = 500
	// maxCredentialSize bounds a pasted credential (the body limit bounds it too).
	maxCredentialSize = 256 << 10
	// defaultHolderPage and maxHolderPage bound a myCredentials page.
	defaultHolderPage = 100
	maxHolderPage     = 1000
)

// pageSize is the page a list field returns for its `first` argument:
// def when absent, refused outside 1..max.
func pageSize(first *int, def, max int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || *first > max {
		return 0, fault.E(fault.Invalid, "first must be between 1 and %d", max)
	}
	return *first, nil
}

// credentialCursor checks an `after` cursor of a credential list: the id
// (urn:uuid:...) of the last credential of the previous page.
func credentialCursor(after *string) (string, error) {
	if after == nil || *after == "" {
		return "", nil
	}
	id, ok := strings.CutPrefix(*after, "urn:uuid:")
	if _, err := uuid.Parse(id); !ok || err != nil || len(id) != 36 {
		return "", fault.E(fault.Invalid, "after is not a cursor of this list: pass pageInfo.endCursor (or the last id) of the previous page")
	}
	return *after, nil
}

func issueInput(in *model.IssueCredentialInput) credentials.IssueInput {
	out := credentials.IssueInput{Type: in.Type, SubjectDID: in.SubjectDid, Claims: in.Claims, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Format: credentials.FormatJWT}
	if in.Format != nil {
		out.Format = formatFromModel[*in.Format]
	}
	if in.IdempotencyKey != nil {
		out.IdempotencyKey = *in.IdempotencyKey
	}
	return out
}

func txRefModel(t *anchor.TxRef) *model.AnchorInfo {
	if t == nil {
		return nil
	}
	block := int(t.Block)
	bt := t.BlockTime
	m := &model.AnchorInfo{Block: &block, BlockTime: &bt}
	if t.TxHash != "" {
		m.TxHash = &t.TxHash
	}
	return m
}

func statusListModel(l *status.List, v *status.Version, it *anchor.Item, url string) *model.StatusList {
	m := &model.StatusList{ID: l.ID, Purpose: string(l.Purpose), BureauID: l.BureauID, Version: v.Version, Credential: v.Credential,
		Digest: v.Digest, URL: url, CreatedAt: v.CreatedAt}
	if it != nil {
		m.Anchor = txRefModel(&anchor.TxRef{TxHash: it.TxHash, Block: it.Block, BlockTime: it.BlockTime})
	}
	return m
}

var anchorStates = map[anchor.ItemState]model.AnchorState{
	anchor.Pending: model.AnchorStatePending, anchor.Submitted: model.AnchorStateSubmitted, anchor.Confirmed: model.AnchorStateConfirmed,
}

func anchorModel(it *anchor.Item) *model.Anchor {
	m := &model.Anchor{ID: it.ID, Kind: model.AnchorKindStatusList, Digest: it.Digest, State: anchorStates[it.State], Attempts: it.Attempts, CreatedAt: it.CreatedAt}
	if it.Kind == anchor.KindLogRoot {
		m.Kind = model.AnchorKindLogRoot
		ts := int(it.TreeSize)
		m.TreeSize = &ts
	} else {
		m.ListID = &it.ListID
		v := it.Version
		m.Version = &v
	}
	if it.TxHash != "" {
		m.TxHash = &it.TxHash
	}
	if it.State == anchor.Confirmed {
		b := int(it.Block)
		bt := it.BlockTime
		m.Block, m.BlockTime = &b, &bt
	}
	if it.LastError != "" {
		m.LastError = &it.LastError
	}
	return m
}

func anchorCursor(it *anchor.Item) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(it.CreatedAt.UnixMilli(), 10) + " " + it.ID))
}

func decodeAnchorCursor(after *string) (time.Time, string, error) {
	if after == nil || *after == "" {
		return time.Time{}, "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*after)
	ms, id, ok := strings.Cut(string(b), " ")
	n, perr := strconv.ParseInt(ms, 10, 64)
	if err != nil || !ok || perr != nil {
		return time.Time{}, "", fault.E(fault.Invalid, "after is not a cursor returned by anchors")
	}
	return time.UnixMilli(n).UTC(), id, nil
}

var requestStates = map[exchange.RequestState]model.PresentationRequestState{
	exchange.RequestPending:  model.PresentationRequestStatePending,
	exchange.RequestVerified: model.PresentationRequestStateVerified,
	exchange.RequestFailed:   model.PresentationRequestStateFailed,
}

// requestModel maps a request; the result is only shown to its owner.
func (r *Resolver) requestModel(req *exchange.PresentationRequest, owner bool) (*model.PresentationRequest, error) {
	def, err := decodeObject(req.Definition)
	if err != nil {
		return nil, err
	}
	m := &model.PresentationRequest{ID: req.ID, Challenge: req.Challenge, Domain: req.Domain, Definition: def,
		ExpiresAt: req.ExpiresAt, RequestURI: r.RequestURI(req.ID), State: requestStates[req.State], CreatedAt: req.CreatedAt}
	if req.Purpose != "" {
		m.Purpose = &req.Purpose
	}
	if owner && len(req.Result) > 0 {
		res, err := exchange.DecodeResult(req.Result)
		if err != nil {
			return nil, err
		}
		m.Result = resultModel(res)
	}
	return m, nil
}

func auditModels(evs []*audit.Event) []*model.AuditEvent {
	out := make([]*model.AuditEvent, 0, len(evs))
	for _, e := range evs {
		m := &model.AuditEvent{ID: e.ID, BureauID: e.BureauID, Action: e.Action, Actor: e.Actor, At: e.At,
			Seq: int(e.Seq), PrevHash: e.PrevHash, Hash: e.Hash}
		if e.CredentialID != "" {
			m.CredentialID = &e.CredentialID
		}
		if e.Reason != "" {
			m.Reason = &e.Reason
		}
		out = append(out, m)
	}
	return out
}
