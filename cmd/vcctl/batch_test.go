package main

import (
	"bufio"
	"flag"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var testTypes = claimTypes{
	"VolunteerServiceCredential": {"hours": {"number"}, "organization": {"string"}, "activity": {"string"}, "periodStart": {"string"}, "periodEnd": {"string"}},
	"Flags":                      {"ok": {"boolean"}, "tags": {"array"}, "code": {"string"}, "n": {"integer", "null"}},
}

// readAll returns each record as "line: claims" or "line: error".
func readAll(t *testing.T, rr recordReader) []string {
	t.Helper()
	var out []string
	for {
		rec, err := rr.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		s := strconv.Itoa(rec.line) + ": "
		if rec.err != nil {
			s += "error: " + rec.err.Error()
		} else {
			s += rec.in.Type + " " + rec.in.SubjectDid + " " + string(rec.in.Claims)
			if rec.in.IdempotencyKey != nil {
				s += " key=" + *rec.in.IdempotencyKey
			}
			if rec.in.ValidUntil != nil {
				s += " until=" + fmtTime(*rec.in.ValidUntil)
			}
		}
		out = append(out, s)
	}
}

func TestCSVReader(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		typ     string
		want    []string
		wantErr string
	}{
		{
			name: "ok/schema types",
			csv: "\ufefftype,subjectDid,hours,organization,activity,periodStart,periodEnd\n" +
				"VolunteerServiceCredential,did:key:a, 42 ,City Food Bank,Food distribution,2026-01-01,2026-06-30\n" +
				"VolunteerServiceCredential,did:key:b,12.5,007,\"Cooking, serving\",2026-01-01,2026-06-30\n",
			want: []string{
				`2: VolunteerServiceCredential did:key:a {"hours":42,"organization":"City Food Bank","activity":"Food distribution","periodStart":"2026-01-01","periodEnd":"2026-06-30"}`,
				`3: VolunteerServiceCredential did:key:b {"hours":12.5,"organization":"007","activity":"Cooking, serving","periodStart":"2026-01-01","periodEnd":"2026-06-30"}`,
			},
		},
		{
			name: "ok/string claim stays string even if numeric",
			csv:  "type,subjectDid,code,ok,tags,n\nFlags,did:key:a,12345,TRUE,\"[\"\"a\"\",\"\"b\"\"]\",7\n",
			want: []string{`2: Flags did:key:a {"code":"12345","ok":true,"tags":["a","b"],"n":7}`},
		},
		{
			name: "ok/unknown claims: numbers where numeric",
			csv:  "type,subjectDid,x,y,z\nUnknown,did:key:a,1e3,0123,-0.5\n",
			want: []string{`2: Unknown did:key:a {"x":1e3,"y":"0123","z":-0.5}`},
		},
		{
			name: "ok/empty cells left out, reserved columns, default type",
			csv:  "subjectDid,hours,validUntil,idempotencyKey\ndid:key:a,,2027-01-01T00:00:00Z,k1\n",
			typ:  "VolunteerServiceCredential",
			want: []string{`2: VolunteerServiceCredential did:key:a {} key=k1 until=2027-01-01T00:00:00Z`},
		},
		{
			name: "fail/bad rows are reported and reading goes on",
			csv:  "type,subjectDid,hours\nVolunteerServiceCredential,did:key:a,1\nVolunteerServiceCredential,did:key:b\n,did:key:c,3\nVolunteerServiceCredential,,4\nVolunteerServiceCredential,did:key:e,5\n",
			want: []string{
				`2: VolunteerServiceCredential did:key:a {"hours":1}`,
				`3: error: CSV: wrong number of fields`,
				`4: error: missing type`,
				`5: error: missing subjectDid`,
				`6: VolunteerServiceCredential did:key:e {"hours":5}`,
			},
		},
		{
			name: "fail/bad time",
			csv:  "type,subjectDid,validFrom\nT,did:key:a,tomorrow\n",
			want: []string{`2: error: validFrom "tomorrow" is not an RFC 3339 time`},
		},
		{name: "fail/no subject column", csv: "type,hours\n", wantErr: "no subjectDid column"},
		{name: "fail/no type column or --type", csv: "subjectDid,hours\n", wantErr: "no type column"},
		{name: "fail/duplicate column", csv: "type,subjectDid,hours,hours\n", wantErr: `"hours" appears twice`},
		{name: "fail/empty", csv: "", wantErr: "empty CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr, err := newCSVReader(strings.NewReader(tt.csv), recordDefaults{typ: tt.typ}, testTypes)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, rr); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestJSONLinesReader(t *testing.T) {
	in := "\ufeff" + `{"type":"VolunteerServiceCredential","subjectDid":"did:key:a","claims":{"hours": 42}}` + "\n" +
		"\n" +
		`{"subjectDid":"did:key:b","claims":{"hours":1},"idempotencyKey":"k"}` + "\n" +
		`{"type":"T","subject":"did:key:c","claims":{}}` + "\n" +
		`{"type":"T","subjectDid":"did:key:d","claims":[1]}` + "\n" +
		`{"type":"T","subjectDid":"did:key:e"}` + "\n" +
		`not json` + "\n" +
		`{"type":"T","subjectDid":"did:key:f","claims":{"a":"b"}}` // no final newline
	rr := &jsonLinesReader{r: bufio.NewReader(strings.NewReader(in)), d: recordDefaults{typ: "Default"}}
	got := readAll(t, rr)
	want := []string{
		`1: VolunteerServiceCredential did:key:a {"hours":42}`,
		`3: Default did:key:b {"hours":1} key=k`,
		`4: error: not a record object {type, subjectDid, claims, validFrom, validUntil, idempotencyKey}: json: unknown field "subject"`,
		`5: error: claims: not a JSON object; want {"claim": value, ...}`,
		`6: error: missing claims`,
		`7: error: not a record object {type, subjectDid, claims, validFrom, validUntil, idempotencyKey}: invalid character 'o' in literal null (expecting 'u')`,
		`8: T did:key:f {"a":"b"}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSniffFormat(t *testing.T) {
	for in, want := range map[string]batchFormat{
		"\ufeff  \n{\"type\":1}": formatJSONLines,
		"type,subjectDid\n":      formatCSV,
		"":                       formatCSV,
	} {
		if got := sniffFormat(bufio.NewReader(strings.NewReader(in))); got != want {
			t.Errorf("sniffFormat(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseInterleaved(t *testing.T) {
	tests := []struct {
		args       []string
		interleave bool
		want       []string
		reason     string
	}{
		{[]string{"ID", "--reason", "merged", "--json"}, true, []string{"ID"}, "merged"},
		{[]string{"--reason", "r", "a", "b"}, true, []string{"a", "b"}, "r"},
		{[]string{"a", "--", "--reason", "x"}, true, []string{"a", "--reason", "x"}, ""},
		{[]string{"--json", "bureau", "list", "--reason", "x"}, false, []string{"bureau", "list", "--reason", "x"}, ""},
		{[]string{"-"}, true, []string{"-"}, ""},
	}
	for _, tt := range tests {
		var reason string
		var asJSON bool
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.StringVar(&reason, "reason", "", "")
		fs.BoolVar(&asJSON, "json", false, "")
		got, err := parseInterleaved(fs, tt.args, tt.interleave)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) || reason != tt.reason {
			t.Errorf("%q: rest %q reason %q, want %q %q", tt.args, got, reason, tt.want, tt.reason)
		}
	}
}

func TestExtractCredential(t *testing.T) {
	for in, want := range map[string]string{
		"  eyJ.a.b\n": "eyJ.a.b",
		`{"id":"urn:uuid:1","credential":"eyJ.c.d"}`: "eyJ.c.d",
		`{"@context":["x"],"credential":"no"}`:       `{"@context":["x"],"credential":"no"}`,
	} {
		if got := extractCredential([]byte(in)); got != want {
			t.Errorf("extractCredential(%q) = %q, want %q", in, got, want)
		}
	}
}
