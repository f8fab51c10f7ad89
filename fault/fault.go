// Package fault defines the transport-neutral error model shared by every
// domain package: a small set of codes, sentinel errors for identity, and one
// typed error that carries a code and a message safe to show to a caller.
//
// Transports (GraphQL, HTTP, CLI) map a Code to their own vocabulary in exactly
// one place; domain code never formats transport errors itself.
package fault

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers. The set is closed.
type Code string

const (
	Invalid         Code = "invalid"         // the caller sent something malformed; fix the input
	NotFound        Code = "not_found"       // the named thing does not exist (or is not visible to the caller)
	Unauthenticated Code = "unauthenticated" // no or bad credentials
	Forbidden       Code = "forbidden"       // authenticated, but not allowed
	Conflict        Code = "conflict"        // the write clashes with existing state
	Unavailable     Code = "unavailable"     // a dependency is down; retrying later may succeed
	Internal        Code = "internal"        // a bug or unexpected failure; details are logged, not shown
)

// Sentinel errors. Adapters return these (possibly wrapped); callers test them
// with errors.Is.
var (
	// ErrNotFound: the record does not exist. Callers report NOT_FOUND.
	ErrNotFound = &Error{Code: NotFound, Msg: "not found"}
	// ErrConflict: a unique constraint was hit (duplicate id, slug, index or
	// idempotency key). Callers either retry with another value or load the
	// existing record.
	ErrConflict = &Error{Code: Conflict, Msg: "already exists"}
	// ErrUnavailable: the store or chain could not be reached. Callers may retry.
	ErrUnavailable = &Error{Code: Unavailable, Msg: "service temporarily unavailable"}
)

// Error is an error with a code and a message that is safe to show to the
// caller (it never contains claims, keys or tokens). Err, if set, holds the
// underlying cause for logs.
type Error struct {
	Code Code
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true for any *Error with the same code
// and message as a sentinel, so adapters may wrap sentinels freely.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Code == e.Code && t.Msg == e.Msg
}

// E builds an *Error with a formatted, caller-safe message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Wrap attaches a cause (kept for logs) to a caller-safe message.
func Wrap(code Code, err error, msg string) *Error {
	return &Error{Code: code, Msg: msg, Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Message returns the caller-safe message of err: the message of the first
// *Error in its chain, or "internal error" for anything else.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Msg
	}
	return "internal error"
}
