// Package crashtest holds the crash and replica tests of vcserve run as real
// OS processes: the tests build cmd/vcserve, start it as a child process on
// 127.0.0.1, drive it over HTTP, kill it with SIGKILL at random moments (or
// take its chain node down) and check after each restart that nothing
// acknowledged was lost, that no status list index was handed out twice and
// that every published status list version is anchored exactly once. The
// package has tests only; nothing imports it.
package crashtest
