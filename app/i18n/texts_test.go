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
