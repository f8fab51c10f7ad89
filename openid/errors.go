package openid

// Error codes of OAuth 2.0 (RFC 6749 §5.2, RFC 6750 §3.1) and OpenID4VCI
// 1.0 (§6.3, §8.3.1.2) that the endpoints return.
const (
	ErrInvalidRequest              = "invalid_request"
	ErrInvalidGrant                = "invalid_grant"
	ErrUnsupportedGrantType        = "unsupported_grant_type"
	ErrInvalidToken                = "invalid_token"
	ErrInvalidCredentialRequest    = "invalid_credential_request"
	ErrUnknownConfiguration        = "unknown_credential_configuration"
	ErrUnsupportedCredentialFormat = "unsupported_credential_format"
	ErrInvalidProof                = "invalid_proof"
	ErrInvalidNonce                = "invalid_nonce"
	ErrCredentialRequestDenied     = "credential_request_denied"
)

// Error is a protocol error: an OAuth-style error code and a description
// safe to show to the wallet (it never contains claims, keys or tokens).
// Other errors the endpoints return are the store's or the issuance
// service's (fault errors) and are not the wallet's fault.
type Error struct {
	Code        string
	Description string
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

func oauthErr(code, desc string) *Error { return &Error{Code: code, Description: desc} }
