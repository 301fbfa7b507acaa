package docs

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The repository's root, seen from this package's directory.
const root = ".."

func readArchitecture(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goFiles calls fn with every Go file under app/ and cmd/, its path
// relative to the root.
func goFiles(t *testing.T, fn func(rel string, body []byte)) {
	t.Helper()
	for _, top := range []string{"app", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			fn(filepath.ToSlash(rel), b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestArchitectureNamesWhatExists: the files, packages and tests that
// docs/architecture.md points a reader to are there, so the map does not
// drift from the house.
func TestArchitectureNamesWhatExists(t *testing.T) {
	doc := readArchitecture(t)
	tests := map[string]bool{}
	testFunc := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	goFiles(t, func(rel string, body []byte) {
		if strings.HasSuffix(rel, "_test.go") {
			for _, m := range testFunc.FindAllSubmatch(body, -1) {
				tests[string(m[1])] = true
			}
		}
	})
	for _, m := range regexp.MustCompile("`(Test\\w+)`").FindAllStringSubmatch(doc, -1) {
		if !tests[m[1]] {
			t.Errorf("architecture.md names %s, which no test file declares", m[1])
		}
	}
	// A path with a folder: app/<path>, or <path> from the root.
	for _, m := range regexp.MustCompile("`([a-z0-9_]+/[a-z0-9_/]+\\.(?:go|yaml|md))`").FindAllStringSubmatch(doc, -1) {
		p := m[1]
		if !exists(filepath.Join(root, "app", p)) && !exists(filepath.Join(root, p)) {
			t.Errorf("architecture.md names %s, which is neither app/%s nor in the root", p, p)
		}
	}
	// The layout: every folder it lists (an indented "name/" opening a line
	// of the block) is a folder of app/ or app/web/ or the root.
	layout := doc[strings.Index(doc, "```\n")+4:]
	layout = layout[:strings.Index(layout, "```")]
	folder := regexp.MustCompile(`^\s*([a-z]+)/\s`)
	sc := bufio.NewScanner(strings.NewReader(layout))
	for sc.Scan() {
		m := folder.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if !exists(filepath.Join(root, "app", m[1])) && !exists(filepath.Join(root, "app", "web", m[1])) && !exists(filepath.Join(root, m[1])) {
			t.Errorf("the layout lists %s/, which does not exist", m[1])
		}
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestNoPackageHoldsAQuarter: no Go package holds more than a quarter of
// the program's lines (non-test Go under app/ and cmd/), so that no room of
// the house becomes the house.
func TestNoPackageHoldsAQuarter(t *testing.T) {
	perPackage := map[string]int{}
	total := 0
	goFiles(t, func(rel string, body []byte) {
		if strings.HasSuffix(rel, "_test.go") {
			return
		}
		n := strings.Count(string(body), "\n")
		perPackage[filepath.Dir(rel)] += n
		total += n
	})
	if total == 0 {
		t.Fatal("no Go files found")
	}
	for pkg, n := range perPackage {
		if share := float64(n) / float64(total); share > 0.25 {
			t.Errorf("%s holds %d of %d lines (%.0f%%), more than a quarter", pkg, n, total, share*100)
		}
	}
}
