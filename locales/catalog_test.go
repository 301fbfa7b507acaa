package locales

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// pluralForms are the CLDR plural categories go-i18n asks of each language.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"fr": {"one", "many", "other"},
	"mn": {"one", "other"},
	"id": {"other"},
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// catalog reads one locale file: simple messages as strings, plural messages
// as tables of forms.
func catalog(t *testing.T, lang string) map[string]any {
	t.Helper()
	b, err := fs.ReadFile(FS, lang+".toml")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := toml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.toml: %v", lang, err)
	}
	return m
}

func placeholders(s string) string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// TestCatalogsComplete fails on a key missing from a locale, a key a locale
// has that English lacks, a plural message without the language's forms,
// and a message whose placeholders differ from English.
func TestCatalogsComplete(t *testing.T) {
	en := catalog(t, "en")
	for lang, forms := range pluralForms {
		c := catalog(t, lang)
		for key, src := range en {
			tr, ok := c[key]
			if !ok {
				t.Errorf("%s.toml lacks %s", lang, key)
				continue
			}
			switch s := src.(type) {
			case string:
				v, ok := tr.(string)
				if !ok {
					t.Errorf("%s.toml: %s should be a plain message", lang, key)
					continue
				}
				if placeholders(v) != placeholders(s) {
					t.Errorf("%s.toml: %s has placeholders {%s}, English {%s}", lang, key, placeholders(v), placeholders(s))
				}
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s.toml: %s is empty", lang, key)
				}
			case map[string]any:
				v, ok := tr.(map[string]any)
				if !ok {
					t.Errorf("%s.toml: %s should be a plural message", lang, key)
					continue
				}
				want := placeholders(s["other"].(string))
				for _, form := range forms {
					text, ok := v[form].(string)
					if !ok {
						t.Errorf("%s.toml: %s lacks the plural form %q", lang, key, form)
						continue
					}
					if placeholders(text) != want {
						t.Errorf("%s.toml: %s.%s has placeholders {%s}, English {%s}", lang, key, form, placeholders(text), want)
					}
				}
			}
		}
		for key := range c {
			if _, ok := en[key]; !ok {
				t.Errorf("%s.toml has %s, which en.toml lacks", lang, key)
			}
		}
	}
}

// messageRefs find message ids named in templates and Go code.
var messageRefs = []*regexp.Regexp{
	regexp.MustCompile(`\.(?:T|Plural) "([a-z0-9_]+)"`),       // templates
	regexp.MustCompile(`\.(?:T|Plural)\("([a-z0-9_]+)"`),      // Go
	regexp.MustCompile(`apperr\.New\([^,]+, "([a-z0-9_]+)"`),  // domain errors
	regexp.MustCompile(`\.Add\("[a-z0-9_]+", "([a-z0-9_]+)"`), // field errors
	regexp.MustCompile(`ID: "([a-z0-9_]+)"`),                  // apperr.Msg literals
	regexp.MustCompile(`s\.page\(c, "([a-z0-9_]+)"`),          // page titles
}

// sources returns the text of every non-test Go file and template.
func sources(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, root := range []string{"../app", "../cmd", "../views"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if (strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go")) || strings.HasSuffix(p, ".html") {
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				out[p] = string(b)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestCatalogKeysUsed fails on a key no template or code uses, and on a
// message id the code names that en.toml lacks.
func TestCatalogKeysUsed(t *testing.T) {
	en := catalog(t, "en")
	src := sources(t)
	all := strings.Builder{}
	for _, s := range src {
		all.WriteString(s)
	}
	text := all.String()
	for key := range en {
		if !strings.Contains(text, `"`+key+`"`) {
			t.Errorf("en.toml: %s is not used by any template or code", key)
		}
	}
	for path, s := range src {
		for _, re := range messageRefs {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				if _, ok := en[m[1]]; !ok {
					t.Errorf("%s names message %q, which en.toml lacks", path, m[1])
				}
			}
		}
	}
}
