//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gotong/gotong/app/database"
)

// A backup is readable by its owner only, whatever the umask.
func TestBackupOwnerOnlyPerm(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
	c := newCmdEnv(t, database.SQLite)
	c.run("seed", "demo")
	out := filepath.Join(t.TempDir(), "copy.db")
	if code, _, stderr := c.run("backup", "--out", out); code != 0 {
		t.Fatalf("backup: %q", stderr)
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Fatalf("the backup has mode %#o, want 0600", got)
	}
}
