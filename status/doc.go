// Package status implements Bitstring Status List v1.0: random, replica-safe index allocation, status changes and signed status list credential versions.
package status
