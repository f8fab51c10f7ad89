package graph

import (
	"encoding/json"

	"github.com/citizencloud/citizencredentials/credentials"
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
		Format: model.CredentialFormatJwt, Credential: r.Credential, Hash: r.Hash, State: stateToModel[r.State],
		ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil, IssuedAt: r.IssuedAt,
	}
	if r.StateReason != "" {
		m.StateReason = &r.StateReason
	}
	return m
}

func resultModel(res *credentials.Result) *model.VerificationResult {
	m := &model.VerificationResult{Verified: res.Verified, Checks: []*model.Check{}, Credentials: []*model.CredentialSummary{}}
	for _, c := range res.Checks {
		mc := &model.Check{Name: c.Name, Ok: c.OK, Message: &c.Message}
		if c.Credential != "" {
			mc.Credential = &c.Credential
		}
		m.Checks = append(m.Checks, mc)
	}
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
	// maxHolderCredentials bounds myCredentials.
	maxHolderCredentials = 1000
)

func issueInput(in *model.IssueCredentialInput) credentials.IssueInput {
	out := credentials.IssueInput{Type: in.Type, SubjectDID: in.SubjectDid, Claims: in.Claims, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Format: credentials.FormatJWT}
	if in.IdempotencyKey != nil {
		out.IdempotencyKey = *in.IdempotencyKey
	}
	return out
}
