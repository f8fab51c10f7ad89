// Package auth identifies callers (operator, bureau, verifier, holder) and decides what each may do: admin token, hashed API keys, DID-auth challenges and holder sessions.
package auth
