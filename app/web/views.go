package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/gotong/gotong/app/web/ui"
)

// pageViews is a fiber.Views with one template set per page: the layout, the
// partials and that page, so two pages' {{define "title"}} never collide.
// Templates get no per-request functions; the language travels in the data.
type pageViews struct {
	fsys  fs.FS
	pages map[string]*template.Template
}

func newViews(fsys fs.FS) *pageViews { return &pageViews{fsys: fsys} }

var templateFuncs = template.FuncMap{
	// dict builds a map for passing several values to a partial.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// Load parses every page set, once: fiber.New calls Load again on views
// that New has loaded already, and tests share one loaded pageViews.
func (v *pageViews) Load() error {
	if v.pages != nil {
		return nil
	}
	files, err := fs.Glob(v.fsys, "pages/*.html")
	if err != nil {
		return err
	}
	declared := map[string]bool{}
	for _, name := range ui.Pages {
		declared[name] = true
	}
	for _, f := range files {
		if name := strings.TrimSuffix(path.Base(f), ".html"); !declared[name] {
			return fmt.Errorf("views: %s is not declared in ui.Pages", f)
		}
	}
	base, err := template.New("layout").Funcs(templateFuncs).ParseFS(v.fsys, "layouts/*.html", "partials/*.html")
	if err != nil {
		return fmt.Errorf("views: %w", err)
	}
	v.pages = map[string]*template.Template{}
	for _, name := range ui.Pages {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(v.fsys, "pages/"+name+".html"); err != nil {
			return fmt.Errorf("views: page %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return nil
}

// Render executes the layout of page name into w. It renders into a buffer
// first, so a failing template never sends half a page.
func (v *pageViews) Render(w io.Writer, name string, data any, _ ...string) error {
	t, ok := v.pages[name]
	if !ok {
		return fmt.Errorf("views: unknown page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base.html", data); err != nil {
		return fmt.Errorf("views: render %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
