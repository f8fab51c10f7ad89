package wallet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// FromReceived turns a credential an OpenID4VCI issuer handed out into a
// wallet entry (state ACTIVE as of now), read without verifying it.
func FromReceived(r Received, source string, now time.Time) (Credential, error) {
	d, err := Decode(r.Credential)
	if err != nil {
		return Credential{}, fmt.Errorf("the issuer's credential cannot be read: %w", err)
	}
	j := d.Candidate.JSON
	c := Credential{Credential: r.Credential, Format: "JWT", State: "ACTIVE", FetchedAt: now, IssuedAt: now, Source: source}
	if d.SD() {
		c.Format = "SD_JWT" // as the service's API names its formats
	}
	c.ID, _ = j["id"].(string)
	for _, t := range d.Types() {
		if t != "VerifiableCredential" {
			c.Type = t
		}
	}
	switch iss := j["issuer"].(type) {
	case string:
		c.IssuerDID = iss
	case map[string]any:
		c.IssuerDID, _ = iss["id"].(string)
	}
	if sub, ok := j["credentialSubject"].(map[string]any); ok {
		c.SubjectDID, _ = sub["id"].(string)
	}
	if s, ok := j["validFrom"].(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			c.ValidFrom = t
		}
	}
	if s, ok := j["validUntil"].(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			c.ValidUntil = &t
		}
	}
	if c.ID == "" {
		return Credential{}, fmt.Errorf("the issuer's credential has no id")
	}
	sum := sha256.Sum256([]byte(r.Credential))
	c.Hash = hex.EncodeToString(sum[:])
	return c, nil
}
