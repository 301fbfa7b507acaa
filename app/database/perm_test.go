//go:build unix

package database_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
)

// withUmask runs the test under mask, the common 022 unless a test says
// otherwise, so that a mode comes from the code and not from the machine.
func withUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// openAndWrite opens the SQLite file at path, migrates it and writes a row,
// so that its WAL and shared-memory files exist, and leaves it open.
func openAndWrite(t *testing.T, path string) {
	t.Helper()
	db, err := database.Open("sqlite://"+path, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = database.Close(db) })
	if err := database.MigrateUp(context.Background(), db, quiet); err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(db, 0, "test.write", "", "", nil); err != nil {
		t.Fatal(err)
	}
}

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %#o, want %#o", filepath.Base(path), got, want)
	}
}

// A new database, its WAL and its shared memory are readable by their
// owner only, and so is the data directory Gotong makes for them.
func TestSQLiteFilesOwnerOnlyPerm(t *testing.T) {
	withUmask(t, 0o022)
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "gotong.db")
	openAndWrite(t, path)
	wantMode(t, dir, 0o700)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, p, 0o600)
	}
}

// A database left readable by others (by an older Gotong, or a copy), and
// the WAL and shared memory a crash left beside it, are tightened at open.
func TestSQLiteExistingFilesTightenedPerm(t *testing.T) {
	withUmask(t, 0o022)
	path := filepath.Join(t.TempDir(), "gotong.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Leftovers that SQLite reads as no log and resets, but never chmods.
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.WriteFile(p, []byte("left by a crash"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openAndWrite(t, path)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		wantMode(t, p, 0o600)
	}
}
