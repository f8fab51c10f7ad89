package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/client"
)

type batchFormat int

const (
	formatJSONLines batchFormat = iota
	formatCSV
)

// batchRecord is one record of a batch file: the input to send, or why it
// cannot be sent.
type batchRecord struct {
	line int // 1-based line of the record in the file
	in   client.IssueCredentialInput
	err  error
}

// recordDefaults fill what a record leaves out.
type recordDefaults struct {
	typ                   string
	validFrom, validUntil *time.Time
	format                *client.CredentialFormat
}

// recordReader yields records until io.EOF; any other error ends the batch
// (the input cannot be read), whereas a bad record is returned with err set.
type recordReader interface {
	next() (batchRecord, error)
}

// batchSource is the opened batch input.
type batchSource struct {
	name   string
	format batchFormat
	file   *os.File // nil for standard input
	r      *bufio.Reader
}

func (e *env) openBatch(name string) (*batchSource, error) {
	s := &batchSource{name: name}
	if name == "-" {
		s.r = bufio.NewReaderSize(e.stdin, 64<<10)
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		s.file, s.r = f, bufio.NewReaderSize(f, 64<<10)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		s.format = formatCSV
	case ".jsonl", ".ndjson", ".json":
		s.format = formatJSONLines
	default:
		s.format = sniffFormat(s.r)
	}
	return s, nil
}

// sniffFormat says JSON lines if the first non-blank character is "{".
func sniffFormat(r *bufio.Reader) batchFormat {
	b, _ := r.Peek(4096) // fewer bytes at the end of a short input
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) > 0 && b[0] == '{' {
		return formatJSONLines
	}
	return formatCSV
}

func (s *batchSource) close() {
	if s.file != nil {
		_ = s.file.Close()
	}
}

func (s *batchSource) seekable() bool {
	if s.file == nil {
		return false
	}
	st, err := s.file.Stat()
	return err == nil && st.Mode().IsRegular()
}

// count reads the whole input once to count its records (for progress),
// then rewinds.
func (s *batchSource) count(d recordDefaults, types claimTypes) (int, error) {
	rr, err := s.reader(d, types)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		if _, err := rr.next(); err == io.EOF {
			break
		} else if err != nil {
			return 0, err
		}
		n++
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	s.r.Reset(s.file)
	return n, nil
}

func (s *batchSource) reader(d recordDefaults, types claimTypes) (recordReader, error) {
	if s.format == formatCSV {
		return newCSVReader(s.r, d, types)
	}
	return &jsonLinesReader{r: s.r, d: d}, nil
}

// ---- JSON lines ------------------------------------------------------------

type jsonLinesReader struct {
	r    *bufio.Reader
	d    recordDefaults
	line int
}

// jsonRecord is one line of a JSON-lines batch.
type jsonRecord struct {
	Type           string          `json:"type"`
	SubjectDid     string          `json:"subjectDid"`
	Claims         json.RawMessage `json:"claims"`
	ValidFrom      *time.Time      `json:"validFrom"`
	ValidUntil     *time.Time      `json:"validUntil"`
	IdempotencyKey *string         `json:"idempotencyKey"`
}

func (j *jsonLinesReader) next() (batchRecord, error) {
	for {
		b, err := j.r.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			return batchRecord{}, err // io.EOF at the end
		}
		j.line++
		if j.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		rec := batchRecord{line: j.line}
		var jr jsonRecord
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&jr); err != nil {
			rec.err = fmt.Errorf("not a record object {type, subjectDid, claims, validFrom, validUntil, idempotencyKey}: %v", err)
			return rec, nil
		}
		if dec.More() {
			rec.err = errors.New("more than one JSON value on the line")
			return rec, nil
		}
		rec.in = client.IssueCredentialInput{Type: jr.Type, SubjectDid: jr.SubjectDid, ValidFrom: jr.ValidFrom, ValidUntil: jr.ValidUntil, IdempotencyKey: jr.IdempotencyKey}
		if len(jr.Claims) > 0 && !bytes.Equal(jr.Claims, []byte("null")) {
			if rec.in.Claims, err = claimsObject(jr.Claims); err != nil {
				rec.err = fmt.Errorf("claims: %v", err)
				return rec, nil
			}
		}
		rec.err = j.d.apply(&rec.in)
		return rec, nil
	}
}

// apply fills defaults and checks the fields every record needs.
func (d recordDefaults) apply(in *client.IssueCredentialInput) error {
	if in.Type == "" {
		in.Type = d.typ
	}
	if in.ValidFrom == nil {
		in.ValidFrom = d.validFrom
	}
	if in.ValidUntil == nil {
		in.ValidUntil = d.validUntil
	}
	if in.Format == nil {
		in.Format = d.format
	}
	var missing []string
	if in.Type == "" {
		missing = append(missing, "type")
	}
	if in.SubjectDid == "" {
		missing = append(missing, "subjectDid")
	}
	if len(in.Claims) == 0 {
		missing = append(missing, "claims")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

// ---- CSV -------------------------------------------------------------------

// Columns of a CSV batch that are not claims.
const (
	colClaim = iota
	colType
	colSubject
	colValidFrom
	colValidUntil
	colIdempotencyKey
)

var reservedColumns = map[string]int{
	"type": colType, "subjectdid": colSubject, "validfrom": colValidFrom,
	"validuntil": colValidUntil, "idempotencykey": colIdempotencyKey,
}

type csvColumn struct {
	kind int
	name string
}

type csvReader struct {
	r     *csv.Reader
	cols  []csvColumn
	d     recordDefaults
	types claimTypes
}

func newCSVReader(r io.Reader, d recordDefaults, types claimTypes) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty CSV: want a header row such as type,subjectDid,hours,organization")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %v", err)
	}
	c := &csvReader{r: cr, d: d, types: types}
	seen := map[string]bool{}
	hasType, hasSubject := false, false
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, fmt.Errorf("CSV header: column %d has no name", i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("CSV header: column %q appears twice", h)
		}
		seen[h] = true
		kind := reservedColumns[strings.ToLower(h)]
		hasType = hasType || kind == colType
		hasSubject = hasSubject || kind == colSubject
		c.cols = append(c.cols, csvColumn{kind: kind, name: h})
	}
	if !hasSubject {
		return nil, errors.New("CSV header: no subjectDid column (want type,subjectDid,<claim>,...)")
	}
	if !hasType && d.typ == "" {
		return nil, errors.New("CSV header: no type column; add one or pass --type")
	}
	return c, nil
}

func (c *csvReader) next() (batchRecord, error) {
	row, err := c.r.Read()
	if err == io.EOF {
		return batchRecord{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return batchRecord{line: pe.StartLine, err: fmt.Errorf("CSV: %v", pe.Err)}, nil
		}
		return batchRecord{}, err
	}
	line, _ := c.r.FieldPos(0)
	rec := batchRecord{line: line}
	var claims bytes.Buffer
	claims.WriteByte('{')
	n := 0
	for i, col := range c.cols {
		v := strings.TrimSpace(row[i])
		switch col.kind {
		case colType:
			rec.in.Type = v
		case colSubject:
			rec.in.SubjectDid = v
		case colValidFrom, colValidUntil:
			if v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				rec.err = fmt.Errorf("%s %q is not an RFC 3339 time", col.name, v)
				return rec, nil
			}
			if col.kind == colValidFrom {
				rec.in.ValidFrom = &t
			} else {
				rec.in.ValidUntil = &t
			}
		case colIdempotencyKey:
			if v != "" {
				rec.in.IdempotencyKey = &v
			}
		case colClaim:
			if v == "" {
				continue // absent, not ""
			}
			if n > 0 {
				claims.WriteByte(',')
			}
			name, _ := json.Marshal(col.name)
			claims.Write(name)
			claims.WriteByte(':')
			claims.Write(c.cellValue(rec.in.Type, col.name, v))
			n++
		}
	}
	claims.WriteByte('}')
	if rec.in.Type == "" {
		rec.in.Type = c.d.typ
	}
	rec.in.Claims = claims.Bytes()
	rec.err = c.d.apply(&rec.in)
	return rec, nil
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// cellValue turns a CSV cell into the JSON value of claim name of type typ:
// what the type's schema declares (number/integer, boolean, array/object
// given as JSON), and a number for a numeric cell of an undeclared claim;
// otherwise a string. "007" stays a string (not a JSON number).
func (c *csvReader) cellValue(typ, name, v string) json.RawMessage {
	declared, known := c.types[typ][name]
	has := func(t string) bool {
		for _, d := range declared {
			if d == t {
				return true
			}
		}
		return false
	}
	switch {
	case jsonNumber.MatchString(v) && (!known || has("number") || has("integer")):
		return json.RawMessage(v)
	case has("boolean") && (strings.EqualFold(v, "true") || strings.EqualFold(v, "false")):
		return json.RawMessage(strings.ToLower(v))
	case (has("array") && strings.HasPrefix(v, "[") || has("object") && strings.HasPrefix(v, "{")) && json.Valid([]byte(v)):
		var b bytes.Buffer
		_ = json.Compact(&b, []byte(v))
		return b.Bytes()
	}
	s, _ := json.Marshal(v)
	return s
}

// claimTypes maps a credential type to its claims and the JSON types their
// schema declares ({"hours": ["number"]}); a claim without a declared type
// has an empty list.
type claimTypes map[string]map[string][]string

func fetchClaimTypes(e *env, cl *client.Client) (claimTypes, error) {
	resp, err := client.CredentialTypes(e.ctx, cl)
	if err != nil {
		return nil, err
	}
	out := claimTypes{}
	for _, t := range resp.CredentialTypes {
		var schema struct {
			Properties map[string]struct {
				Type json.RawMessage `json:"type"`
			} `json:"properties"`
		}
		props := map[string][]string{}
		if json.Unmarshal(t.Schema, &schema) == nil {
			for name, p := range schema.Properties {
				var one string
				var many []string
				switch {
				case json.Unmarshal(p.Type, &one) == nil:
					props[name] = []string{one}
				case json.Unmarshal(p.Type, &many) == nil:
					props[name] = many
				default:
					props[name] = nil
				}
			}
		}
		out[t.Name] = props
	}
	return out, nil
}
