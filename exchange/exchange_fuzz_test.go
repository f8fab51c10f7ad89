package exchange

import (
	"testing"

	"github.com/citizencloud/citizencredentials/credentials"
)

// FuzzDefinition: a presentation definition from a verifier never panics
// when parsed or evaluated (nothing of ours recovers: a panic fails the
// target), and the constraints check always explains itself.
func FuzzDefinition(f *testing.F) {
	f.Add([]byte(`{"id":"a","input_descriptors":[{"id":"b","constraints":{"limit_disclosure":"required","fields":[{"path":["$.type"],"filter":{"type":"array","contains":{"const":"VolunteerServiceCredential"}}},{"path":["$.credentialSubject.hours"],"filter":{"type":"number","minimum":10}}]}}]}`))
	f.Add([]byte(`{"presentation_definition":{"id":"pd","format":{"jwt_vc":{"alg":["EdDSA"]}},"submission_requirements":[{"rule":"pick","count":1,"from":"A"}],"input_descriptors":[{"id":"x","group":["A"]},{"id":"y","group":["A"],"format":{"vc+sd-jwt":{}}}]}}`))
	f.Add([]byte(`{"id":"a","submission_requirements":[{"rule":"all","from_nested":[{"rule":"pick","min":1,"from":"B"}]}],"input_descriptors":[{"id":"b","group":["B"],"constraints":{"fields":[{"path":["$..x[?(@.y>1)]"],"optional":true}]}}]}`))
	cred := &presented{tag: "#1", format: credentials.FormatSDJWT, alg: "EdDSA", sd: true, disclosed: []string{"credentialSubject.hours"},
		json: map[string]any{"@context": []any{credentials.ContextV2}, "type": []any{"VerifiableCredential", "VolunteerServiceCredential"}, "issuer": "did:web:x",
			"credentialSubject": map[string]any{"id": "did:key:z", "hours": 12.0}},
		result: &credentials.Result{Verified: true}}
	f.Fuzz(func(t *testing.T, def []byte) {
		c := evaluateDefinition(def, []*presented{cred})
		if c.Name != CheckConstraints || c.Message == "" {
			t.Fatalf("check %+v", c)
		}
	})
}
