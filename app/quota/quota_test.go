package quota

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/locales"
)

// column is what an attribute's name must look like: it names a column of
// activity_seats and goes into SQL unquoted.
var column = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// TestRegistryConsistent fails on an attribute that cannot be a column or a
// pool, a repeated one, one without a qualifying rule, or a label missing
// from a catalogue.
func TestRegistryConsistent(t *testing.T) {
	catalogs := map[string]map[string]any{}
	for _, lang := range i18n.Supported {
		b, err := fs.ReadFile(locales.FS, lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := toml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.toml: %v", lang, err)
		}
		catalogs[lang] = m
	}
	if len(catalogs) != 4 {
		t.Fatalf("%d catalogues, want en, fr, mn and id", len(catalogs))
	}
	seen := map[Attribute]bool{}
	for _, d := range registry {
		a := d.attribute
		switch {
		case !column.MatchString(string(a)):
			t.Errorf("%q cannot name a column", a)
		case slices.Contains([]string{"activity_id", "general", "reserved", "waitlisted", "last_order"}, string(a)):
			t.Errorf("%q is taken by a pool or a column of activity_seats", a)
		case seen[a]:
			t.Errorf("%q is in the registry twice", a)
		case d.qualifies == nil:
			t.Errorf("%q says nothing of who qualifies", a)
		}
		seen[a] = true
		for _, id := range []string{Label(a), PoolLabel(a)} {
			if id == "" {
				t.Errorf("%q lacks a label", a)
			}
			for lang, c := range catalogs {
				if s, ok := c[id].(string); !ok || s == "" {
					t.Errorf("%s.toml lacks %s, the label of %q", lang, id, a)
				}
			}
		}
	}
	if Label("nonsense") != "" || PoolLabel("nonsense") != "" {
		t.Error("an unknown attribute has a label")
	}
}

func TestValidAndSensitive(t *testing.T) {
	tests := []struct {
		in               string
		valid, sensitive bool
	}{
		{"rural", true, false},
		{"disability", true, true},
		{"minority", true, true},
		{"Rural", false, false},
		{"", false, false},
		{"general", false, false},
		{"reserved", false, false},
		{"urban", false, false},
		{"lgbti", false, false}, // declared in confidence, but no quota reserves seats for it
	}
	for _, tt := range tests {
		if got := Valid(tt.in); got != tt.valid {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.valid)
		}
		if got := Sensitive(Attribute(tt.in)); got != tt.sensitive {
			t.Errorf("Sensitive(%q) = %v, want %v", tt.in, got, tt.sensitive)
		}
	}
	if !slices.Equal(All(), []Attribute{Rural, Disability, Minority}) {
		t.Errorf("All() = %v", All())
	}
	if !slices.Equal(AllSensitive(), []Attribute{Disability, Minority}) {
		t.Errorf("AllSensitive() = %v", AllSensitive())
	}
	all := All()
	all[0] = "changed"
	if All()[0] != Rural {
		t.Error("All() hands out the registry itself")
	}
}

func TestQualifies(t *testing.T) {
	tests := []struct {
		name string
		p    Person
		want []Attribute
	}{
		{"nothing declared", Person{}, nil},
		{"urban", Person{Locality: "urban"}, nil},
		{"rural", Person{Locality: "rural"}, []Attribute{Rural}},
		{"locality is exact", Person{Locality: "Rural"}, nil},
		{"disability", Person{Disability: true}, []Attribute{Disability}},
		{"lgbti reserves nothing", Person{LGBTI: true}, nil},
		{"all three", Person{Locality: "rural", Disability: true, Minority: true}, []Attribute{Rural, Disability, Minority}},
		{"minority in town", Person{Locality: "urban", Minority: true}, []Attribute{Minority}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Qualifying(tt.p); !slices.Equal(got, tt.want) {
				t.Errorf("Qualifying = %v, want %v", got, tt.want)
			}
			for _, a := range All() {
				if got, want := Qualifies(a, tt.p), slices.Contains(tt.want, a); got != want {
					t.Errorf("Qualifies(%s) = %v, want %v", a, got, want)
				}
			}
			if Qualifies("nonsense", tt.p) {
				t.Error("qualifies for an unknown attribute")
			}
		})
	}
}
