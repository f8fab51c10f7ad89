package status

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Publish turns every dirty list into a new signed version: one version per
// list however many bits changed since the last one. For each list it
// claims the dirty mark (skipping lists another publisher claimed), reads
// the latest version number and then the set bits, signs the list
// credential and stores it as latest+1; if another replica stored that
// number first it starts over from reading the latest version, so the
// highest version always reflects every change whose mark was claimed.
// Each new version is passed to the OnPublish hook.
//
// A list whose publishing or hook fails is marked dirty again and the
// error is returned (joined) along with the versions that did publish. A
// crash after the claim loses the mark: Repair restores it at start-up.
func (s *Service) Publish(ctx context.Context) ([]*Version, error) {
	start := time.Now()
	vs, dirty, err := s.publish(ctx)
	if s.observe != nil && dirty > 0 {
		s.observe(dirty, len(vs), time.Since(start), err)
	}
	return vs, err
}

// publish is Publish, also returning how many lists were marked dirty.
func (s *Service) publish(ctx context.Context) ([]*Version, int, error) {
	ids, err := s.store.DirtyLists(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("dirty status lists: %w", err)
	}
	var (
		out  []*Version
		errs []error
	)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		claimed, err := s.store.ClearDirty(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("claim list %s: %w", id, err))
			continue
		}
		if !claimed {
			continue
		}
		v, err := s.publishList(ctx, id)
		if errors.Is(err, errContended) {
			// Other replicas keep publishing this list; leave it to the
			// next round rather than spin.
			if merr := s.store.MarkDirty(context.WithoutCancel(ctx), id); merr != nil {
				errs = append(errs, fmt.Errorf("re-mark list %s dirty: %w", id, merr))
			}
			continue
		}
		if err == nil && s.onPublish != nil {
			if herr := s.onPublish(ctx, v); herr != nil {
				err = fmt.Errorf("on-publish hook for version %d: %w", v.Version, herr)
			}
		}
		if v != nil {
			out = append(out, v)
		}
		if err != nil && v == nil && errors.Is(err, fault.ErrNotFound) {
			// A mark for a list that does not exist (or whose bureau is
			// gone): re-marking would fail forever.
			errs = append(errs, fmt.Errorf("publish list %s: %w", id, err))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("publish list %s: %w", id, err))
			// Use a context that survives cancellation: losing the mark
			// would lose the change until the next Repair.
			if merr := s.store.MarkDirty(context.WithoutCancel(ctx), id); merr != nil {
				errs = append(errs, fmt.Errorf("re-mark list %s dirty: %w", id, merr))
			}
		}
	}
	return out, len(ids), errors.Join(errs...)
}

// publishList builds, signs and stores the next version of the list.
func (s *Service) publishList(ctx context.Context, listID string) (*Version, error) {
	l, err := s.store.List(ctx, listID)
	if err != nil {
		return nil, err
	}
	issuer, err := s.signer.IssuerDID(ctx, l.BureauID)
	if err != nil {
		return nil, fmt.Errorf("issuer DID: %w", err)
	}
	for attempt := range putTries {
		// Order matters: latest version first, then the bits (see Publish).
		next := 1
		latest, err := s.store.LatestVersion(ctx, listID)
		switch {
		case err == nil:
			next = latest.Version + 1
		case !errors.Is(err, fault.ErrNotFound):
			return nil, err
		}
		set, err := s.store.SetIndices(ctx, listID)
		if err != nil {
			return nil, err
		}
		now := s.now().UTC()
		cred, err := s.ListCredential(l, issuer, set, now)
		if err != nil {
			return nil, err
		}
		signed, err := s.signer.SignStatusList(ctx, l.BureauID, cred)
		if err != nil {
			return nil, fmt.Errorf("sign status list: %w", err)
		}
		sum := sha256.Sum256([]byte(signed))
		v := &Version{ListID: listID, Version: next, Credential: signed, Digest: hex.EncodeToString(sum[:]), CreatedAt: now}
		err = s.store.PutVersion(ctx, v)
		if errors.Is(err, fault.ErrConflict) {
			// Another replica published this number: rebuild on top of
			// it, after a short random pause so replicas stop colliding.
			if err := s.pause(ctx, attempt); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		return v, nil
	}
	return nil, errContended
}

// errContended: publishList lost the race for a version number putTries
// times in a row. Publish re-marks the list; nothing is lost.
var errContended = errors.New("status list: too many concurrent publishers")

// pause sleeps a random duration below (attempt+1)·10 ms.
func (s *Service) pause(ctx context.Context, attempt int) error {
	n, err := s.randIntn((attempt + 1) * 10)
	if err != nil {
		return err
	}
	t := time.NewTimer(time.Duration(n) * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// publishedBits is the length of the published bitstring of a list: its
// size rounded up to whole bytes and to at least MinBits.
func publishedBits(size int) int {
	n := (size + 7) / 8 * 8
	return max(n, MinBits)
}

// ListCredential returns the unsigned BitstringStatusListCredential
// (VCDM 2.0) of list l with the given set indices, valid from now.
func (s *Service) ListCredential(l *List, issuerDID string, set []int, now time.Time) (map[string]any, error) {
	enc, err := Encode(publishedBits(l.Size), set)
	if err != nil {
		return nil, err
	}
	u := s.ListURL(l.ID)
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        u,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    issuerDID,
		"validFrom": now.Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            u + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": string(l.Purpose),
			"encodedList":   enc,
		},
	}, nil
}

// VersionBits decodes the bitstring of a stored version. It reads the
// credential without verifying it (the store is trusted): a JSON
// credential, or the payload of a compact JWS (vc+jwt, or a VC-JWT with a
// "vc" claim).
func VersionBits(v *Version) (*Bitstring, error) {
	cred, err := unsecured(v.Credential)
	if err != nil {
		return nil, err
	}
	subject, _ := cred["credentialSubject"].(map[string]any)
	enc, _ := subject["encodedList"].(string)
	return Decode(enc)
}

func unsecured(s string) (map[string]any, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	if strings.HasPrefix(s, "{") {
		raw = []byte(s)
	} else {
		parts := strings.Split(strings.SplitN(s, "~", 2)[0], ".")
		if len(parts) != 3 {
			return nil, fmt.Errorf("status list credential is neither JSON nor a compact JWS: %w", ErrMalformed)
		}
		b, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			return nil, fmt.Errorf("status list JWS payload: %w", errors.Join(ErrMalformed, err))
		}
		raw = b
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("status list credential JSON: %w", errors.Join(ErrMalformed, err))
	}
	if vc, ok := m["vc"].(map[string]any); ok {
		return vc, nil
	}
	return m, nil
}

// Repair re-marks as dirty every list among ids whose entries differ from
// its latest version (or that has entries but no version), so a crash
// between claiming a dirty mark and storing the version loses nothing,
// and passes each list's latest version to the OnPublish hook again (the
// outbox's Enqueue is idempotent), so a crash between storing a version
// and queueing it for anchoring loses nothing either. Run it at start-up
// before the publisher loop. Cost per list: one SetIndices read and one
// decode of at most 16 KiB (for default lists).
func (s *Service) Repair(ctx context.Context, ids ...string) (marked int, err error) {
	var errs []error
	for _, id := range ids {
		m, err := s.repairList(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("repair list %s: %w", id, err))
			continue
		}
		if m {
			marked++
		}
	}
	return marked, errors.Join(errs...)
}

// Lister is implemented by stores that can page through all lists (by id,
// ascending, strictly after afterID). status.Store has no such method yet;
// RepairAll needs it.
type Lister interface {
	Lists(ctx context.Context, afterID string, limit int) ([]*List, error)
}

// RepairAll runs Repair over every list of the store, paging through them.
// It returns an error if the store does not implement Lister.
func (s *Service) RepairAll(ctx context.Context) (marked int, err error) {
	lister, ok := s.store.(Lister)
	if !ok {
		return 0, fault.E(fault.Internal, "status store cannot enumerate lists; repair needs explicit list ids")
	}
	after := ""
	for {
		page, err := lister.Lists(ctx, after, 500)
		if err != nil {
			return marked, err
		}
		if len(page) == 0 {
			return marked, nil
		}
		ids := make([]string, len(page))
		for i, l := range page {
			ids[i] = l.ID
		}
		m, err := s.Repair(ctx, ids...)
		marked += m
		if err != nil {
			return marked, err
		}
		after = page[len(page)-1].ID
	}
}

func (s *Service) repairList(ctx context.Context, id string) (bool, error) {
	set, err := s.store.SetIndices(ctx, id)
	if err != nil {
		return false, err
	}
	latest, err := s.store.LatestVersion(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		n, err := s.store.CountEntries(ctx, id)
		if err != nil {
			return false, err
		}
		if n == 0 {
			return false, nil
		}
		return true, s.store.MarkDirty(ctx, id)
	}
	if err != nil {
		return false, err
	}
	if s.onPublish != nil {
		if err := s.onPublish(ctx, latest); err != nil {
			return false, fmt.Errorf("re-queue version %d: %w", latest.Version, err)
		}
	}
	bits, err := VersionBits(latest)
	if err != nil {
		// Unreadable version: publish a fresh one.
		return true, s.store.MarkDirty(ctx, id)
	}
	if slices.Equal(bits.SetIndices(), set) {
		return false, nil
	}
	return true, s.store.MarkDirty(ctx, id)
}

// Run publishes dirty lists every interval until ctx ends. It first runs
// RepairAll when the store supports it. It logs progress (list ids and
// version numbers, never credential contents) and keeps going on errors.
func (s *Service) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if _, ok := s.store.(Lister); ok {
		if n, err := s.RepairAll(ctx); err != nil {
			s.log.WarnContext(ctx, "status: repair at start-up", "err", err)
		} else if n > 0 {
			s.log.InfoContext(ctx, "status: lists re-marked for publishing after restart", "lists", n)
		}
	} else {
		s.log.InfoContext(ctx, "status: store cannot enumerate lists; start-up repair skipped")
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		start := time.Now()
		vs, err := s.Publish(ctx)
		if len(vs) > 0 {
			ids := make([]string, len(vs))
			for i, v := range vs {
				ids[i] = fmt.Sprintf("%s@%d", v.ListID, v.Version)
			}
			s.log.InfoContext(ctx, "status: lists published", "count", len(vs), "versions", ids, "took", time.Since(start))
		}
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "status: publish", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
