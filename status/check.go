package status

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CheckError is a failed status check, classified with the error codes of
// Bitstring Status List v1.0 §3.4 (plus STATUS_LIST_EXPIRED for a list
// outside its validity period). Test for a class with errors.Is against
// the Err* values below.
type CheckError struct {
	Code string // STATUS_VERIFICATION_ERROR, STATUS_LIST_LENGTH_ERROR, ...
	Msg  string
	Err  error
}

func (e *CheckError) Error() string {
	s := e.Code + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *CheckError) Unwrap() error { return e.Err }

// Is matches any *CheckError with the same Code.
func (e *CheckError) Is(target error) bool {
	t, ok := target.(*CheckError)
	return ok && t.Code == e.Code
}

// Classes of status check failures. A verifier reports each of them as a
// failed "status" check, never as "not revoked".
var (
	ErrStatusVerification = &CheckError{Code: "STATUS_VERIFICATION_ERROR", Msg: "status verification failed"}
	ErrStatusListLength   = &CheckError{Code: "STATUS_LIST_LENGTH_ERROR", Msg: "status list is too short"}
	ErrStatusRange        = &CheckError{Code: "STATUS_RANGE_ERROR", Msg: "status index out of range"}
	ErrStatusMalformed    = &CheckError{Code: "MALFORMED_VALUE_ERROR", Msg: "malformed status value"}
	ErrStatusListExpired  = &CheckError{Code: "STATUS_LIST_EXPIRED", Msg: "status list credential is not valid now"}
)

func checkErr(class *CheckError, err error, format string, args ...any) error {
	return &CheckError{Code: class.Code, Msg: fmt.Sprintf(format, args...), Err: err}
}

// CheckOptions tune CheckEntryWith. The zero value is strict.
type CheckOptions struct {
	// Now is the verification time for the list's validFrom/validUntil;
	// zero means time.Now().
	Now time.Time
	// MinEntries is the smallest acceptable number of entries. Zero means
	// the spec's 131,072; the spec lets an ecosystem specification set a
	// different lower bound, and only then should a caller change it.
	MinEntries int
	// Legacy accepts an encodedList without the multibase 'u' prefix (or
	// with base64 padding) on a BitstringStatusListCredential, as written
	// by pre-Recommendation implementations. StatusList2021 lists are
	// always decoded that way; the Recommendation requires the prefix.
	Legacy bool
}

// CheckEntry checks one credentialStatus entry against the status list
// credential it points to (already fetched, its proof already verified by
// the caller) and returns whether the status bit is set (revoked,
// suspended, ...). It is strict: see CheckEntryWith.
func CheckEntry(entry map[string]any, listCredential map[string]any) (bool, error) {
	return CheckEntryWith(entry, listCredential, CheckOptions{})
}

// CheckEntryWith is CheckEntry with options. It implements the validate
// algorithm of Bitstring Status List v1.0 §3.2 for BitstringStatusListEntry
// (and StatusList2021Entry against a StatusList2021Credential):
//   - the list credential has the matching type and its subject the
//     matching list type; the list is within its validity period;
//   - the entry's statusPurpose is one of the list's statusPurpose values
//     (else STATUS_VERIFICATION_ERROR);
//   - encodedList decodes (else MALFORMED_VALUE_ERROR) to at least
//     MinEntries entries of statusSize bits (else STATUS_LIST_LENGTH_ERROR);
//   - the index lies inside the list (else STATUS_RANGE_ERROR).
//
// For statusSize > 1 it reports whether the status value is non-zero.
// Dereferencing statusListCredential and verifying the list's proof are
// the caller's job; if entry names a list id, it must match the list's id.
func CheckEntryWith(entry map[string]any, listCredential map[string]any, o CheckOptions) (bool, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.MinEntries <= 0 {
		o.MinEntries = MinBits
	}

	entryType, _ := entry["type"].(string)
	var wantCred, wantSubject string
	legacy := o.Legacy
	switch entryType {
	case "BitstringStatusListEntry":
		wantCred, wantSubject = "BitstringStatusListCredential", "BitstringStatusList"
	case "StatusList2021Entry":
		wantCred, wantSubject = "StatusList2021Credential", "StatusList2021"
		legacy = true
	default:
		return false, checkErr(ErrStatusVerification, nil, "unsupported credentialStatus type %q", entryType)
	}

	purpose, _ := entry["statusPurpose"].(string)
	if purpose == "" {
		return false, checkErr(ErrStatusMalformed, nil, "credentialStatus has no statusPurpose")
	}
	index, err := intField(entry, "statusListIndex", -1)
	if err != nil || index < 0 {
		return false, checkErr(ErrStatusMalformed, err, "statusListIndex must be a non-negative decimal string")
	}
	size, err := intField(entry, "statusSize", 1)
	if err != nil || size < 1 || size > 8 {
		return false, checkErr(ErrStatusMalformed, err, "statusSize must be between 1 and 8")
	}

	if !hasType(listCredential["type"], wantCred) {
		return false, checkErr(ErrStatusVerification, nil, "status list credential is not a %s", wantCred)
	}
	if url, _ := entry["statusListCredential"].(string); url != "" {
		if id, ok := listCredential["id"].(string); ok && id != url {
			return false, checkErr(ErrStatusVerification, nil, "status list credential id does not match statusListCredential")
		}
	}
	if err := checkValidity(listCredential, o.Now); err != nil {
		return false, err
	}
	subject, ok := listCredential["credentialSubject"].(map[string]any)
	if !ok {
		return false, checkErr(ErrStatusMalformed, nil, "status list credential has no credentialSubject object")
	}
	if !hasType(subject["type"], wantSubject) {
		return false, checkErr(ErrStatusVerification, nil, "status list subject is not a %s", wantSubject)
	}
	if !hasType(subject["statusPurpose"], purpose) {
		return false, checkErr(ErrStatusVerification, nil, "status purpose %q is not a purpose of the list", purpose)
	}
	encoded, _ := subject["encodedList"].(string)
	var bs *Bitstring
	if legacy {
		bs, err = DecodeLegacy(encoded)
	} else {
		bs, err = Decode(encoded)
	}
	if err != nil {
		return false, checkErr(ErrStatusMalformed, err, "encodedList")
	}
	if bs.Len()/size < o.MinEntries {
		return false, checkErr(ErrStatusListLength, nil, "%d entries, at least %d required", bs.Len()/size, o.MinEntries)
	}
	v, err := bs.Value(index, size)
	if err != nil {
		return false, checkErr(ErrStatusRange, err, "index %d", index)
	}
	return v != 0, nil
}

// intField reads a decimal-string (or, leniently, JSON number) field; def
// is returned when the field is absent.
func intField(m map[string]any, key string, def int) (int, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if def < 0 {
			return 0, fmt.Errorf("%s missing", key)
		}
		return def, nil
	}
	switch t := v.(type) {
	case string:
		if t == "" || strings.TrimSpace(t) != t || strings.HasPrefix(t, "+") {
			return 0, fmt.Errorf("%s: %q", key, t)
		}
		n, err := strconv.ParseInt(t, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", key, err)
		}
		return int(n), nil
	case float64:
		if t != float64(int32(t)) {
			return 0, fmt.Errorf("%s: not an integer", key)
		}
		return int(t), nil
	case int:
		return t, nil
	case int64:
		if t != int64(int32(t)) {
			return 0, fmt.Errorf("%s: out of range", key)
		}
		return int(t), nil
	default:
		return 0, fmt.Errorf("%s: unexpected %T", key, v)
	}
}

// hasType reports whether v (a string or an array of strings) contains want.
func hasType(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s == want {
				return true
			}
		}
	case []string:
		for _, s := range t {
			if s == want {
				return true
			}
		}
	}
	return false
}

// checkValidity checks validFrom/validUntil (VCDM 2.0) and
// issuanceDate/expirationDate (VCDM 1.1) of the list credential.
func checkValidity(c map[string]any, now time.Time) error {
	for _, k := range []string{"validFrom", "issuanceDate"} {
		if s, ok := c[k].(string); ok {
			t, err := parseTime(s)
			if err != nil {
				return checkErr(ErrStatusMalformed, err, "%s", k)
			}
			if now.Before(t) {
				return checkErr(ErrStatusListExpired, nil, "status list is not valid before %s", s)
			}
		}
	}
	for _, k := range []string{"validUntil", "expirationDate"} {
		if s, ok := c[k].(string); ok {
			t, err := parseTime(s)
			if err != nil {
				return checkErr(ErrStatusMalformed, err, "%s", k)
			}
			if now.After(t) {
				return checkErr(ErrStatusListExpired, nil, "status list expired at %s", s)
			}
		}
	}
	return nil
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	// XML Schema dateTime without a zone is allowed by VCDM; read it as UTC.
	t, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil {
		return time.Time{}, errors.New("not an RFC 3339 date-time")
	}
	return t, nil
}
