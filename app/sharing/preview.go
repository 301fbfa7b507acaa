package sharing

import (
	"strings"
	"unicode/utf8"
)

// locales are the Open Graph locales (language_TERRITORY) of the four
// languages. English is British, as the portal's English is.
var locales = map[string]string{"en": "en_GB", "fr": "fr_FR", "id": "id_ID", "mn": "mn_MN"}

// Locale is the Open Graph locale of language lang, "" for an unknown one.
func Locale(lang string) string { return locales[lang] }

// SummaryRunes is how long a preview's description gets: WhatsApp and
// Facebook show two or three lines of it and cut the rest.
const SummaryRunes = 200

// Summary is text on one line, cut after at most SummaryRunes characters
// at the end of a word (within a word only when the first is longer), with
// an ellipsis when it was cut.
func Summary(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= SummaryRunes {
		return text
	}
	room := SummaryRunes - 1 // the ellipsis
	end, space := 0, 0
	for i := range text {
		if room == 0 {
			end = i
			break
		}
		if text[i] == ' ' {
			space = i
		}
		room--
	}
	if space > 0 && text[end] != ' ' {
		end = space
	}
	return strings.TrimRight(text[:end], " ") + ellipsis
}
