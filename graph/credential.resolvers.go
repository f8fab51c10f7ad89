package graph

import (
	"context"

	"github.com/citizencloud/citizencredentials/auth"
	"github.com/citizencloud/citizencredentials/credentials"
	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/graph/model"
)

func (r *mutationResolver) IssueCredential(ctx context.Context, input model.IssueCredentialInput) (*model.IssuedCredential, error) {
	p, err := auth.Require(ctx, auth.RoleBureau)
	if err != nil {
		return nil, err
	}
	rec, err := r.Issuer.Issue(ctx, p.ID, issueInput(&input))
	if err != nil {
		return nil, err
	}
	return credentialModel(rec), nil
}

func (r *mutationResolver) IssueCredentials(ctx context.Context, inputs []*model.IssueCredentialInput) (*model.IssueBatchPayload, error) {
	p, err := auth.Require(ctx, auth.RoleBureau)
	if err != nil {
		return nil, err
	}
	ins := make([]credentials.IssueInput, len(inputs))
	for i, in := range inputs {
		ins[i] = issueInput(in)
	}
	results, err := r.Issuer.IssueBatch(ctx, p.ID, ins)
	if err != nil {
		return nil, err
	}
	out := &model.IssueBatchPayload{Results: make([]*model.IssueResult, len(results))}
	for i, res := range results {
		item := &model.IssueResult{Index: i}
		if res.Err != nil {
			out.Failed++
			item.Error = &model.IssueError{Code: errorCode(res.Err), Message: fault.Message(res.Err)}
			logUnexpected(ctx, res.Err)
		} else {
			out.Issued++
			item.Credential = credentialModel(res.Record)
		}
		out.Results[i] = item
	}
	return out, nil
}

func (r *queryResolver) CredentialTypes(ctx context.Context) ([]*model.CredentialType, error) {
	types := r.Issuer.Catalogue().Types()
	out := make([]*model.CredentialType, 0, len(types))
	for _, t := range types {
		schema, err := decodeObject(t.Schema)
		if err != nil {
			return nil, err
		}
		out = append(out, &model.CredentialType{Name: t.Name, Description: t.Description, Fields: t.Fields, Suspendable: t.Suspendable, SchemaURL: t.SchemaURL, Schema: schema})
	}
	return out, nil
}

func (r *queryResolver) Credential(ctx context.Context, id string) (*model.IssuedCredential, error) {
	p, err := auth.Require(ctx, auth.RoleBureau)
	if err != nil {
		return nil, err
	}
	rec, err := r.Issuer.Credential(ctx, p.ID, id)
	if err != nil {
		return nil, err
	}
	return credentialModel(rec), nil
}

const (
	defaultPageSize = 50
	maxPageSize     = 500
)

func (r *queryResolver) Credentials(ctx context.Context, filter *model.CredentialFilter, after *string, first *int) (*model.CredentialConnection, error) {
	p, err := auth.Require(ctx, auth.RoleBureau)
	if err != nil {
		return nil, err
	}
	n := defaultPageSize
	if first != nil {
		if *first < 1 || *first > maxPageSize {
			return nil, fault.E(fault.Invalid, "first must be between 1 and %d", maxPageSize)
		}
		n = *first
	}
	var f credentials.Filter
	if filter != nil {
		if filter.SubjectDid != nil {
			f.SubjectDID = *filter.SubjectDid
		}
		if filter.Type != nil {
			f.Type = *filter.Type
		}
		if filter.State != nil {
			f.State = stateFromModel[*filter.State]
		}
	}
	cursor := ""
	if after != nil {
		cursor = *after
	}
	recs, err := r.Issuer.Credentials(ctx, p.ID, f, cursor, n+1)
	if err != nil {
		return nil, err
	}
	conn := &model.CredentialConnection{Edges: []*model.CredentialEdge{}, PageInfo: &model.PageInfo{}}
	if len(recs) > n {
		recs = recs[:n]
		conn.PageInfo.HasNextPage = true
	}
	for _, rec := range recs {
		conn.Edges = append(conn.Edges, &model.CredentialEdge{Cursor: rec.ID, Node: credentialModel(rec)})
	}
	if len(recs) > 0 {
		end := recs[len(recs)-1].ID
		conn.PageInfo.EndCursor = &end
	}
	return conn, nil
}

func (r *queryResolver) AuditTrail(ctx context.Context, credentialID string) ([]*model.AuditEvent, error) {
	p, err := auth.Require(ctx, auth.RoleBureau)
	if err != nil {
		return nil, err
	}
	evs, err := r.Issuer.AuditTrail(ctx, p.ID, credentialID)
	if err != nil {
		return nil, err
	}
	out := make([]*model.AuditEvent, 0, len(evs))
	for _, e := range evs {
		m := &model.AuditEvent{ID: e.ID, Action: e.Action, Actor: e.Actor, At: e.At}
		if e.CredentialID != "" {
			m.CredentialID = &e.CredentialID
		}
		if e.Reason != "" {
			m.Reason = &e.Reason
		}
		out = append(out, m)
	}
	return out, nil
}

func issueInput(in *model.IssueCredentialInput) credentials.IssueInput {
	out := credentials.IssueInput{Type: in.Type, SubjectDID: in.SubjectDid, Claims: in.Claims, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Format: credentials.FormatJWT}
	if in.IdempotencyKey != nil {
		out.IdempotencyKey = *in.IdempotencyKey
	}
	return out
}
