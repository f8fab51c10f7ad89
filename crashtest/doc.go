// Package crashtest holds the tests of vcserve run as real OS processes: the
// tests build cmd/vcserve, start it as a child process on 127.0.0.1 and
// drive it over HTTP.
//
// The crash and replica tests kill it with SIGKILL at random moments (or
// take its chain node down) and check after each restart that nothing
// acknowledged was lost, that no status list index was handed out twice and
// that every published status list version is anchored exactly once.
//
// The consortium test runs geth --dev as its own process and three vcserve
// members on it, each with its own data directory and member account, and
// checks what each member can prove about the others' credentials and what
// the monitor (vcctl audit consortium) finds.
//
// The package has tests only; nothing imports it.
package crashtest
