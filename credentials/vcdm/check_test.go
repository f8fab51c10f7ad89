package vcdm

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	ok := func() map[string]any {
		return map[string]any{"@context": []any{ContextV2}, "type": []any{"VerifiableCredential"}, "issuer": "did:example:i", "credentialSubject": map[string]any{"id": "did:example:s"}}
	}
	for name, mutate := range map[string]func(m map[string]any){
		"fail/no-context": func(m map[string]any) { delete(m, "@context") },
		"fail/context-order": func(m map[string]any) {
			m["@context"] = []any{"https://www.w3.org/ns/credentials/examples/v2", ContextV2}
		},
		"fail/no-vc-type":     func(m map[string]any) { m["type"] = []any{"Foo"} },
		"fail/issuer-not-url": func(m map[string]any) { m["issuer"] = "not a url" },
		"fail/empty-subject":  func(m map[string]any) { m["credentialSubject"] = map[string]any{} },
		"fail/until-before": func(m map[string]any) {
			m["validFrom"], m["validUntil"] = "2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z"
		},
		"fail/no-zone":         func(m map[string]any) { m["validFrom"] = "2025-01-01T00:00:00" },
		"fail/status-no-type":  func(m map[string]any) { m["credentialStatus"] = map[string]any{"id": "https://s.example/1"} },
		"fail/schema-no-id":    func(m map[string]any) { m["credentialSchema"] = map[string]any{"type": "JsonSchema"} },
		"fail/name-extra":      func(m map[string]any) { m["name"] = map[string]any{"@value": "x", "url": "y"} },
		"fail/id-array":        func(m map[string]any) { m["id"] = []any{"urn:a", "urn:b"} },
		"ok":                   func(map[string]any) {},
		"ok/issuer-object":     func(m map[string]any) { m["issuer"] = map[string]any{"id": "did:example:i", "name": "I"} },
		"ok/leap-second":       func(m map[string]any) { m["validFrom"] = "2016-12-31T23:59:60Z" },
		"ok/language-value":    func(m map[string]any) { m["name"] = []any{map[string]any{"@value": "x", "@language": "en"}} },
		"ok/status-without-id": func(m map[string]any) { m["credentialStatus"] = map[string]any{"type": "BitstringStatusListEntry"} },
	} {
		m := ok()
		mutate(m)
		err := Check(m)
		if strings.HasPrefix(name, "ok") != (err == nil) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
