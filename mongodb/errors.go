package mongodb

import (
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/citizencloud/citizencredentials/fault"
)

// wrap is the one place where driver errors become domain errors; op names
// the operation for logs (never a value: ids, keys and claims stay out of
// errors). It returns nil for nil.
//
//   - mongo.ErrNoDocuments: fault.ErrNotFound.
//   - a duplicate key (E11000, or FerretDB's code 1 for an update that breaks
//     a unique index): fault.ErrConflict. The cause is dropped: the server's
//     message quotes the duplicate key, which may be a key hash or a
//     client's idempotency key.
//   - network errors, timeouts, server selection failures, a disconnected
//     client and the "not primary / shutting down" family: fault.ErrUnavailable
//     (callers may retry).
//   - anything else: an internal error whose text keeps only the server's
//     error codes, not its message; the original stays reachable with
//     errors.As for logs.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return notFound(op)
	case isDuplicate(err):
		return fmt.Errorf("mongodb: %s: %w", op, fault.ErrConflict)
	case isUnavailable(err):
		return fmt.Errorf("mongodb: %s: %w", op, &fault.Error{Code: fault.Unavailable, Msg: fault.ErrUnavailable.Msg, Err: redact(err)})
	default:
		return fmt.Errorf("mongodb: %s: %w", op, redact(err))
	}
}

// notFound is fault.ErrNotFound for op.
func notFound(op string) error { return fmt.Errorf("mongodb: %s: %w", op, fault.ErrNotFound) }

// isNotFound reports whether err is fault.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, fault.ErrNotFound) }

// conflict is fault.ErrConflict for op.
func conflict(op string) error { return fmt.Errorf("mongodb: %s: %w", op, fault.ErrConflict) }

// ferretUniqueViolation is how FerretDB (SQLite backend) reports an update
// that breaks a unique index: an InternalError (code 1) carrying SQLite's
// message, instead of MongoDB's DuplicateKey (11000).
const ferretUniqueViolation = "UNIQUE constraint failed"

func isDuplicate(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCodeWithMessage(1, ferretUniqueViolation)
}

// unavailableCodes are server errors that mean "try again later": the node
// is shutting down, stepping down or not the primary, or a host is
// unreachable.
var unavailableCodes = []int{
	6,     // HostUnreachable
	7,     // HostNotFound
	89,    // NetworkTimeout
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	262,   // ExceededTimeLimit
	9001,  // SocketException
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

func isUnavailable(err error) bool {
	if mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.Is(err, mongo.ErrClientDisconnected) {
		return true
	}
	var sel topology.ServerSelectionError
	var conn topology.ConnectionError
	if errors.As(err, &sel) || errors.As(err, &conn) || errors.Is(err, topology.ErrTopologyClosed) {
		return true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		if se.HasErrorLabel("RetryableWriteError") {
			return true
		}
		for _, c := range unavailableCodes {
			if se.HasErrorCode(c) {
				return true
			}
		}
	}
	return false
}

// redactedError hides a server error's message (which may quote document
// values) and keeps its codes; Unwrap still gives the original for logs.
type redactedError struct {
	codes []int
	err   error
}

func (e *redactedError) Error() string {
	s := make([]string, len(e.codes))
	for i, c := range e.codes {
		s[i] = fmt.Sprint(c)
	}
	return "server error (codes " + strings.Join(s, ",") + ")"
}

func (e *redactedError) Unwrap() error { return e.err }

func redact(err error) error {
	var se mongo.ServerError
	if errors.As(err, &se) {
		return &redactedError{codes: se.ErrorCodes(), err: err}
	}
	return err
}

// firstWriteError returns the index of the first failed write of an
// ordered insertMany: the number of documents inserted before it.
func firstWriteError(err error) (int, bool) {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 {
		return 0, false
	}
	first := bwe.WriteErrors[0].Index
	for _, we := range bwe.WriteErrors {
		first = min(first, we.Index)
	}
	return first, true
}
