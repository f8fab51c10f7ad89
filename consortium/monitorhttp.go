package consortium

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/citizencloud/citizencredentials/fault"
)

// HTTPGetter is a plain Getter over an http.Client: no redirects, a
// timeout per request, a body cap. A monitor uses it to read members'
// public endpoints; it has no SSRF guard, as the auditor runs outside the
// nodes it audits.
type HTTPGetter struct {
	client *http.Client
}

// NewHTTPGetter returns a getter whose requests time out after timeout.
func NewHTTPGetter(timeout time.Duration) *HTTPGetter {
	return &HTTPGetter{client: &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// Get implements Getter.
func (g *HTTPGetter) Get(ctx context.Context, url string, maxBytes int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "bad URL")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, fault.Wrap(fault.Unavailable, err, "unreachable")
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("HTTP 404: %w", fault.ErrNotFound)
	case resp.StatusCode != http.StatusOK:
		return nil, fault.E(fault.Unavailable, "HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, fault.Wrap(fault.Unavailable, err, "read the answer")
	}
	if int64(len(body)) > maxBytes {
		return nil, fault.E(fault.Unavailable, "the answer is larger than %d bytes", maxBytes)
	}
	return body, nil
}
