package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error is one GraphQL error as the service shapes it: Code is
// extensions.code (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND,
// CONFLICT, UNAVAILABLE, INTERNAL), empty if the answer had none.
type Error struct {
	Code    string
	Message string
	Path    string // e.g. "issueCredential"; empty for request-level errors
	Status  int    // HTTP status when the server refused the request as a whole (401, 413, 422, ...); 0 otherwise
}

// Error formats e as "CODE: message".
func (e *Error) Error() string {
	if e.Code == "" {
		return e.Message
	}
	return e.Code + ": " + e.Message
}

// Errors returns the GraphQL errors in err, which may be what a generated
// function returned (gqlerror.List), a *graphql.HTTPError (the server
// refused the request with a non-200 status, e.g. UNAUTHENTICATED with 401)
// or either wrapped. It returns nil if err carries no server answer: a
// transport failure, a timeout, a cancelled context.
func Errors(err error) []*Error {
	var list gqlerror.List
	if errors.As(err, &list) {
		return fromList(list, 0)
	}
	var one *gqlerror.Error
	if errors.As(err, &one) {
		return fromList(gqlerror.List{one}, 0)
	}
	var herr *graphql.HTTPError
	if errors.As(err, &herr) {
		return fromHTTP(herr)
	}
	return nil
}

// Code returns extensions.code of the first GraphQL error in err, or "" if
// there is none (see Errors).
func Code(err error) string {
	if errs := Errors(err); len(errs) > 0 {
		return errs[0].Code
	}
	return ""
}

// Message formats err for a person: "CODE: message" for each GraphQL error
// (joined by "; "), or the transport error's text.
func Message(err error) string {
	if err == nil {
		return ""
	}
	errs := Errors(err)
	if len(errs) == 0 {
		return err.Error()
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// IsTransport reports whether err is a failure to get any answer from the
// server (connection refused, timeout, cancelled), as opposed to the server
// answering with an error.
func IsTransport(err error) bool { return err != nil && len(Errors(err)) == 0 }

func fromList(list gqlerror.List, status int) []*Error {
	out := make([]*Error, 0, len(list))
	for _, e := range list {
		if e == nil {
			continue
		}
		ge := &Error{Message: e.Message, Status: status}
		if c, ok := e.Extensions["code"].(string); ok {
			ge.Code = c
		}
		if len(e.Path) > 0 {
			ge.Path = e.Path.String()
		}
		out = append(out, ge)
	}
	return out
}

// fromHTTP reads the errors of a non-200 answer. The service answers
// with GraphQL errors that carry a code (UNAUTHENTICATED with 401, input
// errors with 422, ...); anything else (a proxy's error page, an empty or
// non-GraphQL body, which genqlient puts verbatim into one error's message)
// becomes one error named after the status.
func fromHTTP(herr *graphql.HTTPError) []*Error {
	out := fromList(herr.Response.Errors, herr.StatusCode)
	raw := len(out) == 0 || (len(out) == 1 && out[0].Code == "" && out[0].Path == "" && looksRaw(out[0].Message))
	if raw {
		msg := http.StatusText(herr.StatusCode)
		if len(out) == 1 && strings.TrimSpace(out[0].Message) != "" {
			msg = truncate(out[0].Message, 200)
		}
		return []*Error{{Code: httpCode(herr.StatusCode), Message: fmt.Sprintf("HTTP %d: %s", herr.StatusCode, msg), Status: herr.StatusCode}}
	}
	for _, e := range out {
		if e.Code == "" {
			e.Code = httpCode(herr.StatusCode)
		}
	}
	return out
}

func looksRaw(msg string) bool {
	msg = strings.TrimSpace(msg)
	return msg == "" || strings.ContainsAny(msg[:1], "<{[") || strings.Contains(msg, "\n")
}

// httpCode maps the status of a non-GraphQL answer to the closest code.
func httpCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "FORBIDDEN"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return "BAD_USER_INPUT"
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return "UNAVAILABLE"
	}
	return "HTTP_" + fmt.Sprint(status)
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
