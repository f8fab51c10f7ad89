package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/citizencloud/citizencredentials/exchange"
)

// Request is a verifier's presentation request as GET <requestUri> returns
// it.
type Request struct {
	ID         string          `json:"id"`
	Challenge  string          `json:"challenge"`
	Domain     string          `json:"domain"`
	Purpose    string          `json:"purpose"`
	Definition json.RawMessage `json:"presentation_definition"`
	ExpiresAt  time.Time       `json:"expires_at"`
	State      string          `json:"state"`
	Response   struct {
		GraphQL string `json:"graphql"`
	} `json:"response"`
}

// RequestError is a request the service refused to serve (HTTP status
// other than 200).
type RequestError struct {
	Status        int
	Code, Message string // the service's error, if it sent one
}

func (e *RequestError) Error() string {
	if e.Message != "" {
		return strings.ToUpper(e.Code) + ": " + e.Message
	}
	return fmt.Sprintf("HTTP %d", e.Status)
}

// FetchRequest GETs the presentation request at reqURL. Errors: a
// *RequestError when the service answered with an error; the context's
// error; otherwise the request could not be fetched or is not a
// presentation request.
func FetchRequest(ctx context.Context, hc *http.Client, reqURL string) (*Request, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, reqURL, nil)
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", "vcctl")
	resp, err := hc.Do(hr)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, context.Canceled
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot fetch the request %s: %w", reqURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, exchange.MaxDefinitionSize+64<<10))
	if err != nil {
		return nil, fmt.Errorf("cannot fetch the request %s: %w", reqURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		re := &RequestError{Status: resp.StatusCode}
		var fe struct{ Error, Code string }
		if json.Unmarshal(body, &fe) == nil && fe.Error != "" {
			re.Code, re.Message = fe.Code, fe.Error
		}
		return nil, re
	}
	var doc Request
	if err := json.Unmarshal(body, &doc); err != nil || doc.ID == "" || doc.Challenge == "" || doc.Domain == "" || len(doc.Definition) == 0 {
		return nil, fmt.Errorf("%s is not a presentation request (want JSON with id, challenge, domain and presentation_definition)", reqURL)
	}
	return &doc, nil
}

// RequestURL turns what a holder was given (a requestUri, or a request id
// on the service at base) into the URL to GET.
func RequestURL(base, request string) (u string, byID bool) {
	if IsHTTPURL(request) {
		return request, false
	}
	return strings.TrimRight(base, "/") + "/requests/" + url.PathEscape(request), true
}

// SubmitEndpoint is where to submit the answer to the request at reqURL:
// the GraphQL endpoint the request names if it is on the same host,
// otherwise the one beside /requests/<id>.
func SubmitEndpoint(reqURL, named string) string {
	if u, err := url.Parse(named); err == nil && IsHTTPURL(named) && SameHost(u, reqURL) {
		return named
	}
	base := reqURL
	if i := strings.LastIndex(base, "/requests/"); i >= 0 {
		base = base[:i]
	}
	return strings.TrimRight(base, "/") + "/graphql"
}

// SameHost reports whether other is a URL on u's host.
func SameHost(u *url.URL, other string) bool {
	o, err := url.Parse(other)
	return err == nil && strings.EqualFold(u.Host, o.Host)
}

// HostOf is the host of a URL, or s itself.
func HostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Host
	}
	return s
}

// IsHTTPURL reports whether s is an absolute http(s) URL.
func IsHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
