package mailings

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// GivenName is the one placeholder a mailing's text may use.
const GivenName = "{{given_name}}"

// placeholder is anything written as a placeholder, so that a misspelt one
// ("{{ name }}") is refused instead of reaching a supporter as it is.
var placeholder = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// unknownPlaceholder returns the first placeholder of text other than
// GivenName, or "".
func unknownPlaceholder(text string) string {
	for _, p := range placeholder.FindAllString(text, -1) {
		if p != GivenName {
			return p
		}
	}
	return ""
}

// Personalize puts a recipient's given name where the text asks for it. A
// name is one line whatever a database holds, so it cannot add a header to
// a subject or a fake line to a body.
func Personalize(text, givenName string) string {
	if !strings.Contains(text, GivenName) {
		return text
	}
	name := strings.Join(strings.Fields(givenName), " ")
	return strings.ReplaceAll(text, GivenName, name)
}

// linkPattern finds the web links of a plain-text body.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"'` + "`" + `]+`)

// trailing are characters that end a sentence around a link more often than
// they end the link itself.
const trailing = `.,;:!?)]}»”’'`

// Links returns the web links of text in order of appearance, each once,
// without the sentence's punctuation that follows them.
func Links(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, loc := range linkSpans(text) {
		l := text[loc[0]:loc[1]]
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// linkSpans are the byte ranges of the links of text.
func linkSpans(text string) [][2]int {
	var spans [][2]int
	for _, loc := range linkPattern.FindAllStringIndex(text, -1) {
		end := loc[1]
		for end > loc[0] {
			r, size := utf8.DecodeLastRuneInString(text[loc[0]:end])
			if r == ')' && strings.Count(text[loc[0]:end], "(") >= strings.Count(text[loc[0]:end], ")") {
				break // a link of its own parentheses, as Wikipedia's
			}
			if !strings.ContainsRune(trailing, r) {
				break
			}
			end -= size
		}
		if end-loc[0] > len("https://") {
			spans = append(spans, [2]int{loc[0], end})
		}
	}
	return spans
}

// RewriteLinks replaces each link of text that to maps with its
// replacement (a counted redirect); other text, and links to does not map,
// stay as they are.
func RewriteLinks(text string, to func(link string) (string, bool)) string {
	spans := linkSpans(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp[0]])
		if r, ok := to(text[sp[0]:sp[1]]); ok {
			b.WriteString(r)
		} else {
			b.WriteString(text[sp[0]:sp[1]])
		}
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String()
}
