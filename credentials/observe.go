package credentials

import (
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// Observer is told the outcome and duration of every issuance and
// verification, so an adapter can export them as metrics without this
// package knowing how. Implementations must be quick and safe for
// concurrent use; they must not keep res.
type Observer interface {
	// Issued is called once per credential Issue or IssueBatch item tried:
	// format as requested (FormatJWT when none was), outcome "ok" or the
	// fault code of the error ("invalid", "forbidden", "unavailable", ...).
	Issued(format Format, outcome string, d time.Duration)
	// Verified is called once per VerifyCredential ("credential") or
	// VerifyPresentation / VerifyPresentationCredentials ("presentation");
	// the failed checks are those of res.Checks that are not OK.
	Verified(kind string, res *Result, d time.Duration)
}

// WithObserver reports the issuances of a Service, or the verifications
// of a Verifier, to o.
func WithObserver(o Observer) ObserverOption { return ObserverOption{o: o} }

// ObserverOption is an Option and a VerifierOption; see WithObserver.
type ObserverOption struct{ o Observer }

func (o ObserverOption) applyService(s *Service)   { s.obs = o.o }
func (o ObserverOption) applyVerifier(v *Verifier) { v.obs = o.o }

// Outcome is the outcome label of err: "ok" for nil, else its fault code.
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return string(fault.CodeOf(err))
}

func (s *Service) observeIssue(f Format, start time.Time, err error) {
	if s.obs == nil {
		return
	}
	if f == "" {
		f = FormatJWT
	}
	s.obs.Issued(f, Outcome(err), time.Since(start))
}

func (v *Verifier) observe(kind string, res *Result, start time.Time) {
	if v.obs != nil {
		v.obs.Verified(kind, res, time.Since(start))
	}
}
