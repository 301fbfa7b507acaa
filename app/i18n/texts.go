package i18n

import (
	"slices"
	"strings"

	"github.com/gotong/gotong/app/apperr"
)

// Texts are a record's texts by field ("title", "summary", …) and by
// language, as a form or a PATCH gives them.
type Texts map[string]map[string]string

// MergeTexts applies texts onto rows, one row per language, as a PATCH does:
// a language given in any field gets its row (newRow makes a missing one),
// each given text is set trimmed, and what is not given is kept. field finds
// a field's text in a row. A language that is not supported is reported in f
// under the field that names it.
func MergeTexts[T any](rows []T, texts Texts, f apperr.Fields,
	locale func(*T) string, newRow func(lang string) T, field func(row *T, name string) *string) []T {
	for name, byLang := range texts {
		for lang := range byLang {
			if !IsSupported(lang) {
				f.Add(name, "error_locale_unknown")
			}
		}
	}
	for _, lang := range Supported {
		given := false
		for _, byLang := range texts {
			_, ok := byLang[lang]
			given = given || ok
		}
		if !given {
			continue
		}
		i := slices.IndexFunc(rows, func(r T) bool { return locale(&r) == lang })
		if i < 0 {
			rows = append(rows, newRow(lang))
			i = len(rows) - 1
		}
		for name, byLang := range texts {
			if v, ok := byLang[lang]; ok {
				*field(&rows[i], name) = strings.TrimSpace(v)
			}
		}
	}
	return rows
}

// FieldIn finds one field of a record's texts for a reader of lang, field by
// field: the row in lang if its field is not empty, else the one in def, else
// the first other language (in Supported order) that has it. It returns the
// text and the language it is in, or "" and lang when no row has it. A page
// marks the text with that language, so a reader's screen reader and
// hyphenation follow it.
func FieldIn[T any](rows []T, lang, def string, locale func(*T) string, field func(*T) string) (text, in string) {
	order := append([]string{lang, def}, Supported...)
	for _, l := range order {
		for i := range rows {
			if locale(&rows[i]) == l {
				if v := field(&rows[i]); v != "" {
					return v, l
				}
			}
		}
	}
	return "", lang
}
