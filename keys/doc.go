// Package keys generates bureau signing keys, keeps private keys encrypted at rest (AES-256-GCM under a master key) and hands them out as crypto.Signer.
package keys
