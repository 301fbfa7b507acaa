package web

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/gotong/gotong/views"
)

// A page file that is not declared in ui.Pages stops the start.
func TestViewsRefuseUndeclaredPage(t *testing.T) {
	t.Parallel()
	m := fstest.MapFS{}
	_ = fs.WalkDir(views.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(views.FS, p)
			m[p] = &fstest.MapFile{Data: b}
		}
		return nil
	})
	if err := newViews(m).Load(); err != nil {
		t.Fatalf("the real views do not load: %v", err)
	}
	m["pages/stray.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}x{{end}}`)}
	if err := newViews(m).Load(); err == nil {
		t.Fatal("an undeclared page was accepted")
	}
}
