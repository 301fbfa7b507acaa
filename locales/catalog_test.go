package locales

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

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

// A placeholder, then what may close around it (quotes, brackets).
const placeholderEnd = `\}\}[»"”’')\]]*`

var (
	// hyphenSuffix is a placeholder followed by a hyphen and letters, in any
	// script: "{{.Group}}-д", "«{{.Title}}»-ийн", "{{.Name}}-nya".
	hyphenSuffix = regexp.MustCompile(placeholderEnd + `-\p{L}+`)
	// gluedLetter is a placeholder directly followed by a letter: "{{.Month}}ын".
	gluedLetter = regexp.MustCompile(placeholderEnd + `\p{L}+`)
)

// suffixOnPlaceholder returns the first place where a message of lang glues
// a word ending onto an inserted value, or "". Mongolian case endings depend
// on the value's last vowel and sound (40-өөс but 30-аас), so a Mongolian
// message never lets a letter touch a placeholder; no language hyphenates
// an ending onto one.
func suffixOnPlaceholder(lang, msg string) string {
	if m := hyphenSuffix.FindString(msg); m != "" {
		return m
	}
	if lang == "mn" {
		return gluedLetter.FindString(msg)
	}
	return ""
}

func TestSuffixOnPlaceholder(t *testing.T) {
	for _, c := range []struct {
		lang, msg string
		bad       bool
	}{
		// what issue 14 found
		{"mn", "{{.Capacity}}-аас {{.Count}} сул суудал", true},
		{"mn", "Суудлын {{.Share}}%-ийг {{.Group}}-д зориулж нөөцөлсөн.", true},
		{"mn", "{{.Title}}-д бүртгүүлэх", true},
		{"mn", "{{.Title}}-ийн хүлээлгийн жагсаалтад", true},
		{"mn", "({{.Date}})-д", true},
		{"mn", "«{{.Title}}»-д бүртгүүлэх", true},
		{"mn", "{{.Position}}-т", true},
		{"mn", "{{.Year}} оны {{.Month}}ын {{.Day}}", true},
		{"id", "Tempat {{.Name}}-nya", true},
		{"fr", "{{.Title}}-ci", true},
		// what the catalogues write instead
		{"mn", "Нийт {{.Capacity}} суудлаас {{.Count}} нь сул", false},
		{"mn", "Суудлын {{.Share}}%-ийг дараах бүлэгт нөөцөлсөн: {{.Group}}.", false},
		{"mn", "«{{.Title}}» үйл ажиллагаанд бүртгүүлэх", false},
		{"mn", "Та хүлээлгийн жагсаалтын {{.Position}} дугаарт байна", false},
		{"mn", "Нас: {{.Min}}–{{.Max}}", false},
		{"mn", "{{.Min}}-{{.Max}} нас", false},
		{"en", "{{.Name}} ({{.Partner}})", false},
		{"fr", "Inscription : {{.Title}}", false},
		{"en", "{{.Count}}x", false}, // only Mongolian forbids a glued letter
	} {
		if got := suffixOnPlaceholder(c.lang, c.msg); (got != "") != c.bad {
			t.Errorf("%s %q: found %q, want bad=%v", c.lang, c.msg, got, c.bad)
		}
	}
}

// TestCatalogNoSuffixOnPlaceholder fails on a message, in any language, that
// glues a word ending onto a placeholder.
func TestCatalogNoSuffixOnPlaceholder(t *testing.T) {
	for _, lang := range []string{"en", "fr", "mn", "id"} {
		for key, v := range catalog(t, lang) {
			texts := map[string]string{}
			switch s := v.(type) {
			case string:
				texts[key] = s
			case map[string]any:
				for form, text := range s {
					if text, ok := text.(string); ok {
						texts[key+"."+form] = text
					}
				}
			}
			for id, text := range texts {
				if m := suffixOnPlaceholder(lang, text); m != "" {
					t.Errorf("%s.toml: %s glues an ending onto a placeholder (%q): reword so the value stands alone", lang, id, m)
				}
			}
		}
	}
}

// TestNoticeBodiesCapitalised: an e-mail body follows the greeting
// ("Hello Saraa,") as a paragraph of its own, so it begins with a capital in
// every language (or with a placeholder, a name).
func TestNoticeBodiesCapitalised(t *testing.T) {
	for _, lang := range []string{"en", "fr", "mn", "id"} {
		for key, v := range catalog(t, lang) {
			s, ok := v.(string)
			if !ok || !strings.HasPrefix(key, "notice_") || !strings.HasSuffix(key, "_body") || strings.HasPrefix(s, "{{") {
				continue
			}
			// A body written whole starts with its own greeting line.
			if _, rest, ok := strings.Cut(s, "\n\n"); ok && strings.HasSuffix(strings.SplitN(s, "\n", 2)[0], ",") {
				s = rest
			}
			if r, _ := utf8.DecodeRuneInString(s); !unicode.IsUpper(r) {
				t.Errorf("%s.toml: %s begins %.20q, not with a capital", lang, key, s)
			}
		}
	}
}
