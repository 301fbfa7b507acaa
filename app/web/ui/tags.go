package ui

import (
	"strings"

	"github.com/gotong/gotong/app/i18n"
)

// themeLabels are the message ids of the campaign themes the programme uses
// as tags. A tag is stored as its name (case-folded, often written like
// "lgbti-rights"); a page shows a known theme by its label in the reader's
// language, and any other tag as it was written.
var themeLabels = map[string]string{
	"climate": "tag_climate", "privacy": "tag_privacy", "freedom-of-expression": "tag_freedom_of_expression",
	"gender-equality": "tag_gender_equality", "lgbti-rights": "tag_lgbti_rights", "education": "tag_education",
	"refugees": "tag_refugees", "digital-rights": "tag_digital_rights", "disability-rights": "tag_disability_rights",
	"minority-rights": "tag_minority_rights", "peaceful-assembly": "tag_peaceful_assembly",
	"press-freedom": "tag_press_freedom", "indigenous-rights": "tag_indigenous_rights",
	"death-penalty": "tag_death_penalty", "torture": "tag_torture", "housing": "tag_housing", "health": "tag_health",
	"labour-rights": "tag_labour_rights", "youth-participation": "tag_youth_participation",
	"anti-discrimination": "tag_anti_discrimination",
}

// tagLabel is how a page shows the tag named name to a reader of l.
func tagLabel(l *i18n.Localizer, name string) string {
	if id, ok := themeLabels[name]; ok {
		return l.T(id)
	}
	return name
}

// tagLabels is tagLabel of each of names, in their order.
func tagLabels(l *i18n.Localizer, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = tagLabel(l, n)
	}
	return out
}

// tagList is names as one line of labels: "Climate, Privacy".
func tagList(l *i18n.Localizer, names []string) string {
	return strings.Join(tagLabels(l, names), ", ")
}
