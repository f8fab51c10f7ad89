package credentials

import (
	"encoding/json"
	"strings"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/internal/text"
)

// Candidate is a credential as Presentation Exchange evaluates it: as the
// verifier receives it in a presentation.
type Candidate struct {
	Tag       string         // how messages name it: its id, or "#n"
	Format    Format         // how it is secured
	Alg       string         // JWS alg of JOSE-secured credentials
	JSON      map[string]any // the credential (SD-JWT: the disclosed claims only)
	SD        bool           // selectively disclosed (SD-JWT)
	Disclosed []string       // SD-JWT: paths of the disclosed claims, e.g. "credentialSubject.hours"
}

// CandidateOf reads a secured credential (a vc+jwt or VCDM 1.1 JWT, an
// SD-JWT, or a Data Integrity credential as JSON) the way the verifier reads
// it inside a presentation, without verifying it: what a holder uses to
// choose credentials and to check what it is about to present. For an
// SD-JWT, JSON holds the claims of the disclosures it carries and Disclosed
// their paths (as issued: every selectively disclosable claim). Errors
// (fault Invalid): it cannot be read.
func CandidateOf(secured string) (*Candidate, error) {
	secured = strings.TrimSpace(secured)
	c := &Candidate{}
	switch {
	case secured == "":
		return nil, fault.E(fault.Invalid, "the credential is empty")
	case secured[0] == '{':
		var doc map[string]any
		if err := json.Unmarshal([]byte(secured), &doc); err != nil {
			return nil, fault.E(fault.Invalid, "the credential is not JSON")
		}
		if _, ok := doc["proof"]; !ok {
			return nil, fault.E(fault.Invalid, "the credential is unsecured JSON (no proof)")
		}
		c.Format, c.JSON = FormatDataIntegrity, doc
	case strings.Contains(secured, "~"):
		sc, err := decodeSDJWT(secured)
		if err != nil {
			return nil, err
		}
		c.Format, c.Alg, c.JSON, c.SD, c.Disclosed = FormatSDJWT, sc.JWS.Alg, sc.parsed.JSON, true, sc.Disclosed
	default:
		parsed, err := ParseCredential(secured)
		if err != nil {
			return nil, err
		}
		c.Format, c.Alg, c.JSON = parsed.Format, parsed.jws.Alg, parsed.JSON
	}
	c.Tag, _ = c.JSON["id"].(string)
	if c.Tag == "" {
		c.Tag, _ = c.JSON["jti"].(string)
	}
	c.Tag = text.Truncate(c.Tag, 200)
	return c, nil
}
