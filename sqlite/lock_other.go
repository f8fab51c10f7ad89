//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import "os"

// lockFile is a no-op where flock is unavailable: the data directory is then
// not protected against a second process (the embedded store targets Linux).
func lockFile(f *os.File) error { return nil }

func unlockFile(f *os.File) error { return nil }
