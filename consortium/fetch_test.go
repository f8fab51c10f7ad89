package consortium

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/citizencloud/citizencredentials/fault"
)

func member(base string) Member {
	return Member{Account: common.HexToAddress("0x1"), Name: "parks", BaseURL: base, Active: true}
}

func TestForbiddenAddr(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"127.0.0.1", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"192.168.1.1", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"100.64.0.1", "shared (CGNAT)"},
		{"100.127.255.254", "shared (CGNAT)"},
		{"0.1.2.3", "reserved"},
		{"198.18.0.1", "reserved"},
		{"240.0.0.1", "reserved"},
		{"64:ff9b::7f00:1", "NAT64"},
		{"93.184.216.34", ""},
		{"100.128.0.1", ""},
		{"2606:4700::1111", ""},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			if got := forbiddenAddr(netip.MustParseAddr(tc.addr)); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}

func TestFetcherRefuses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("{}")) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	inactive := member(srv.URL)
	inactive.Active = false
	guarded := NewFetcher(WithFetchTimeout(2 * time.Second))
	open := NewFetcher(AllowPrivate(true), WithFetchTimeout(2*time.Second))
	for _, tc := range []struct {
		name string
		f    *Fetcher
		m    Member
		url  string
	}{
		{"refuse/inactive-member", open, inactive, srv.URL + "/status/x"},
		{"refuse/other-host", open, member("http://other.example"), srv.URL + "/status/x"},
		{"refuse/other-port", open, member("http://127.0.0.1:1"), srv.URL + "/status/x"},
		{"refuse/other-scheme", open, member("https" + strings.TrimPrefix(srv.URL, "http")), srv.URL + "/status/x"},
		{"refuse/not-http", open, member(srv.URL), "file:///etc/passwd"},
		{"refuse/not-under-base-path", open, member(srv.URL + "/node-a"), srv.URL + "/node-b/status/x"},
		{"refuse/base-path-prefix-only", open, member(srv.URL + "/node"), srv.URL + "/nodes/status/x"},
		{"refuse/userinfo", open, member(srv.URL), strings.Replace(srv.URL, "://", "://user:pw@", 1) + "/x"},
		{"refuse/bad-base-url", open, member("ftp://x.example"), "ftp://x.example/x"},
		{"refuse/loopback", guarded, member(srv.URL), srv.URL + "/status/x"},
		{"refuse/loopback-by-name", guarded, member("http://localhost" + port), "http://localhost" + port + "/status/x"},
		{"refuse/ipv6-loopback", guarded, member("http://[::1]" + port), "http://[::1]" + port + "/status/x"},
		{"refuse/private", guarded, member("http://10.0.0.1:9"), "http://10.0.0.1:9/x"},
		{"refuse/link-local", guarded, member("http://169.254.169.254"), "http://169.254.169.254/latest/meta-data"},
		{"refuse/unspecified", guarded, member("http://0.0.0.0" + port), "http://0.0.0.0" + port + "/x"},
		{"refuse/multicast", guarded, member("http://224.0.0.1:9"), "http://224.0.0.1:9/x"},
		{"refuse/cgnat", guarded, member("http://100.64.0.1:9"), "http://100.64.0.1:9/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.f.Get(context.Background(), tc.m, tc.url, 1024)
			if !errors.Is(err, ErrRefused) || fault.CodeOf(err) != fault.Forbidden {
				t.Fatalf("err %v, want a refusal", err)
			}
			if strings.Contains(fault.Message(err), tc.url) {
				t.Fatalf("the message repeats the URL: %s", fault.Message(err))
			}
		})
	}
}

func TestFetcherResponses(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("hello")) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(make([]byte, 2048)) })
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 4 {
			_, _ = w.Write(make([]byte, 512))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data", http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("/teapot", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusTeapot) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	down := httptest.NewServer(mux)
	down.Close()

	f := NewFetcher(AllowPrivate(true), WithFetchTimeout(300*time.Millisecond))
	m := member(srv.URL)
	for _, tc := range []struct {
		name  string
		m     Member
		path  string
		code  fault.Code
		cause error
	}{
		{"ok", m, "/ok", "", nil},
		{"fail/not-found", m, "/missing", fault.NotFound, nil},
		{"fail/too-large", m, "/big", fault.Unavailable, ErrBadResponse},
		{"fail/too-large-chunked", m, "/big-chunked", fault.Unavailable, ErrBadResponse},
		{"fail/redirect-not-followed", m, "/redirect", fault.Unavailable, ErrBadResponse},
		{"fail/other-status", m, "/teapot", fault.Unavailable, ErrBadResponse},
		{"fail/timeout", m, "/slow", fault.Unavailable, ErrUnreachable},
		{"fail/server-error", m, "/boom", fault.Unavailable, ErrUnreachable},
		{"fail/down", member(down.URL), "/ok", fault.Unavailable, ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, err := f.Get(context.Background(), tc.m, tc.m.BaseURL+tc.path, 1024)
			if tc.code == "" {
				if err != nil || string(body) != "hello" {
					t.Fatalf("%q, %v", body, err)
				}
				return
			}
			if fault.CodeOf(err) != tc.code || (tc.cause != nil && !errors.Is(err, tc.cause)) {
				t.Fatalf("err %v, want %s %v", err, tc.code, tc.cause)
			}
		})
	}
}

func TestFetcherHostConcurrency(t *testing.T) {
	release := make(chan struct{})
	inFlight := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight <- struct{}{}
		<-release
	}))
	defer srv.Close()
	f := NewFetcher(AllowPrivate(true), WithHostConcurrency(2), WithFetchTimeout(5*time.Second))
	m := member(srv.URL)
	done := make(chan error, 3)
	for range 3 {
		go func() { _, err := f.Get(context.Background(), m, srv.URL+"/x", 10); done <- err }()
	}
	<-inFlight
	<-inFlight
	select {
	case <-inFlight:
		t.Fatal("a third request reached the host while two were in flight")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
