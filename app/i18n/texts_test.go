package i18n

import (
	"reflect"
	"testing"

	"github.com/gotong/gotong/app/apperr"
)

type textRow struct{ Lang, Title, Body string }

func mergeRows(rows []textRow, texts Texts, f apperr.Fields) []textRow {
	return MergeTexts(rows, texts, f, func(r *textRow) string { return r.Lang },
		func(lang string) textRow { return textRow{Lang: lang} },
		func(r *textRow, name string) *string {
			if name == "title" {
				return &r.Title
			}
			return &r.Body
		})
}

func TestMergeTexts(t *testing.T) {
	t.Parallel()
	rows := []textRow{{Lang: "en", Title: "Camp", Body: "Five days"}, {Lang: "fr", Title: "Camp", Body: "Cinq jours"}}
	for _, tc := range []struct {
		name  string
		texts Texts
		want  []textRow
		bad   []string
	}{
		{"nothing given keeps all", Texts{}, rows, nil},
		{"one field of one language", Texts{"title": {"fr": "  Camp d'été "}},
			[]textRow{{"en", "Camp", "Five days"}, {"fr", "Camp d'été", "Cinq jours"}}, nil},
		{"a new language gets a row", Texts{"body": {"mn": "Таван өдөр"}},
			append(rows[:2:2], textRow{Lang: "mn", Body: "Таван өдөр"}), nil},
		{"an empty text empties the field", Texts{"body": {"en": ""}},
			[]textRow{{"en", "Camp", ""}, {"fr", "Camp", "Cinq jours"}}, nil},
		{"an unknown language is named under its field", Texts{"body": {"xx": "?"}, "title": {"en": "Camp"}}, rows, []string{"body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := apperr.Fields{}
			got := mergeRows(append([]textRow(nil), rows...), tc.texts, f)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			var bad []string
			for k := range f {
				bad = append(bad, k)
			}
			if !reflect.DeepEqual(bad, tc.bad) {
				t.Fatalf("fields in error %v, want %v", bad, tc.bad)
			}
		})
	}
}

func TestFieldIn(t *testing.T) {
	t.Parallel()
	rows := []textRow{
		{Lang: "mn", Title: "Зуслан"},
		{Lang: "fr", Title: "Camp", Body: "Une semaine dehors"},
		{Lang: "en", Title: "Camp", Body: ""},
		{Lang: "id", Title: "", Body: "Seminggu di luar"},
	}
	title := func(r *textRow) string { return r.Title }
	body := func(r *textRow) string { return r.Body }
	lang := func(r *textRow) string { return r.Lang }
	for _, c := range []struct {
		name, lang, def string
		field           func(*textRow) string
		text, in        string
	}{
		{"in the reader's language", "mn", "en", title, "Зуслан", "mn"},
		{"missing in it: the default", "mn", "fr", body, "Une semaine dehors", "fr"},
		{"empty in the default too: the next in Supported order", "mn", "en", body, "Une semaine dehors", "fr"},
		{"only one language has it", "en", "en", body, "Une semaine dehors", "fr"},
		{"an empty field is passed over", "id", "en", title, "Camp", "en"},
		{"nowhere", "en", "en", func(*textRow) string { return "" }, "", "en"},
	} {
		text, in := FieldIn(rows, c.lang, c.def, lang, c.field)
		if text != c.text || in != c.in {
			t.Errorf("%s: got %q in %s, want %q in %s", c.name, text, in, c.text, c.in)
		}
	}
}
