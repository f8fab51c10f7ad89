package server

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/citizencloud/citizencredentials/fault"
	"github.com/citizencloud/citizencredentials/openid"
)

// maxOpenIDBody bounds the body of the token and credential endpoints.
const maxOpenIDBody = 64 << 10

// mountOpenID serves the OpenID4VCI 1.0 endpoints of every bureau's
// Credential Issuer (<base>/bureaus/{slug}): metadata at both well-known
// forms (RFC 8414 §3.1 path insertion, and the appended form older wallets
// use), the credential offer by reference with its QR code, and the token,
// nonce and credential endpoints.
func mountOpenID(mux *http.ServeMux, iss *openid.Issuer, log *slog.Logger) {
	metadata := func(w http.ResponseWriter, r *http.Request) {
		md, err := iss.Metadata(r.Context(), r.PathValue("slug"))
		if err != nil {
			writeFault(w, log, err)
			return
		}
		writeJSON(w, http.StatusOK, md)
	}
	mux.HandleFunc("GET /.well-known/openid-credential-issuer/bureaus/{slug}", metadata)
	mux.HandleFunc("GET /bureaus/{slug}/.well-known/openid-credential-issuer", metadata)
	asMetadata := func(w http.ResponseWriter, r *http.Request) {
		md, err := iss.AuthorizationServerMetadata(r.Context(), r.PathValue("slug"))
		if err != nil {
			writeFault(w, log, err)
			return
		}
		writeJSON(w, http.StatusOK, md)
	}
	mux.HandleFunc("GET /.well-known/oauth-authorization-server/bureaus/{slug}", asMetadata)
	mux.HandleFunc("GET /bureaus/{slug}/.well-known/oauth-authorization-server", asMetadata)

	mux.HandleFunc("GET /bureaus/{slug}/openid4vci/offers/{id}", func(w http.ResponseWriter, r *http.Request) {
		doc, err := iss.OfferDocument(r.Context(), r.PathValue("slug"), r.PathValue("id"))
		if err != nil {
			writeFault(w, log, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, doc)
	})
	mux.HandleFunc("GET /bureaus/{slug}/openid4vci/offers/{id}/qr.svg", func(w http.ResponseWriter, r *http.Request) {
		o, err := iss.Offer(r.Context(), r.PathValue("slug"), r.PathValue("id"))
		if err != nil {
			writeFault(w, log, err)
			return
		}
		svg, err := openid.QRSVG(o.URIByReference)
		if err != nil {
			writeFault(w, log, err)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(svg)
	})

	mux.HandleFunc("POST /bureaus/{slug}/openid4vci/token", func(w http.ResponseWriter, r *http.Request) {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidRequest, Description: "the token request must be application/x-www-form-urlencoded"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxOpenIDBody)
		if err := r.ParseForm(); err != nil {
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidRequest, Description: "the form cannot be read"})
			return
		}
		tok, err := iss.Token(r.Context(), r.PathValue("slug"), openid.TokenRequest{
			GrantType: r.PostForm.Get("grant_type"), PreAuthorizedCode: r.PostForm.Get("pre-authorized_code"), TxCode: r.PostForm.Get("tx_code"),
		})
		if err != nil {
			writeOAuth(w, log, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, tok)
	})
	mux.HandleFunc("POST /bureaus/{slug}/openid4vci/nonce", func(w http.ResponseWriter, r *http.Request) {
		n, err := iss.Nonce(r.Context())
		if err != nil {
			writeOAuth(w, log, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]string{"c_nonce": n})
	})
	mux.HandleFunc("POST /bureaus/{slug}/openid4vci/credential", func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidToken, Description: "a Bearer access token is required"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOpenIDBody))
		if err != nil {
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidCredentialRequest, Description: "the body is too large or unreadable"})
			return
		}
		var req openid.CredentialRequest
		if err := json.Unmarshal(body, &req); err != nil {
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidCredentialRequest, Description: "the body is not a credential request (JSON)"})
			return
		}
		resp, err := iss.Credential(r.Context(), r.PathValue("slug"), tok, &req)
		if err != nil {
			writeOAuth(w, log, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, resp)
	})
}

// writeOAuth is the one place OpenID4VCI endpoint errors are shaped: an
// OAuth error body {error, error_description}; 401 with WWW-Authenticate for
// invalid_token, 400 for other protocol errors, 503 or 500 otherwise (the
// cause logged, never shown).
func writeOAuth(w http.ResponseWriter, log *slog.Logger, err error) {
	w.Header().Set("Cache-Control", "no-store")
	var oe *openid.Error
	if errors.As(err, &oe) {
		status := http.StatusBadRequest
		if oe.Code == openid.ErrInvalidToken {
			status = http.StatusUnauthorized
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		writeJSON(w, status, map[string]string{"error": oe.Code, "error_description": oe.Description})
		return
	}
	if fault.CodeOf(err) == fault.Unavailable {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable", "error_description": fault.Message(err)})
		return
	}
	log.Error("openid4vci: internal error", "err", err.Error())
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": "internal error"})
}

// mountOpenIDVP serves every presentation request as an OpenID4VP 1.0
// authorisation request: the request object at its request_uri, the
// direct_post response endpoint, and a QR code of the authorisation
// request URI.
func mountOpenIDVP(mux *http.ServeMux, vp *openid.Presentations, log *slog.Logger) {
	mux.HandleFunc("GET /requests/{id}/openid4vp/request", func(w http.ResponseWriter, r *http.Request) {
		jwt, err := vp.RequestObject(r.Context(), r.PathValue("id"))
		if err != nil {
			writeFault(w, log, err)
			return
		}
		w.Header().Set("Content-Type", "application/"+openid.RequestObjectTyp)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(jwt))
	})
	mux.HandleFunc("GET /requests/{id}/openid4vp/qr.svg", func(w http.ResponseWriter, r *http.Request) {
		svg, err := openid.QRSVG(vp.AuthorizationRequestURI(r.PathValue("id")))
		if err != nil {
			writeFault(w, log, err)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(svg)
	})
	mux.HandleFunc("POST /requests/{id}/openid4vp/response", func(w http.ResponseWriter, r *http.Request) {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidRequest, Description: "the response must be application/x-www-form-urlencoded"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
		if err := r.ParseForm(); err != nil {
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidRequest, Description: "the form cannot be read"})
			return
		}
		res, err := vp.Respond(r.Context(), r.PathValue("id"), openid.Response{
			VPToken: r.PostForm.Get("vp_token"), State: r.PostForm.Get("state"), Error: r.PostForm.Get("error"),
		})
		if err != nil {
			writeOAuth(w, log, err)
			return
		}
		if !res.Verified {
			var failed []string
			for _, c := range res.Checks {
				if !c.OK {
					failed = append(failed, c.Name)
				}
			}
			writeOAuth(w, log, &openid.Error{Code: openid.ErrInvalidRequest, Description: "the presentation was refused; failed checks: " + strings.Join(failed, ", ")})
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]any{})
	})
}
