// Package storetest is the behavioural suite that every store adapter
// (sqlite, mongodb) must pass: one set of expectations, run against real
// backends. It is test code: only tests import it.
package storetest

import "github.com/citizencloud/citizencredentials/store"

// Store is the interface under test, store.Store (the aggregate lives in
// production code; the suite only exercises it).
type Store = store.Store
