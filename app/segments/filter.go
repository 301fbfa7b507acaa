// Package segments selects people: a Filter read from a query string or a
// form, turned into one SQL condition by a pure function (Where), so that
// counting a segment, listing it and exporting it all ask the same thing.
package segments

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/usertext"
)

// Filter is what a segment asks of people; every field set must hold.
type Filter struct {
	Q            string   // in names, email or handle, without letter case or Latin accents
	AllTags      []string // every one of these tags ("tag", repeated)
	AnyTags      []string // at least one of these ("any_tag", repeated)
	Region       string
	Locality     string
	AgeMin       *int
	AgeMax       *int
	Volunteer    *bool
	AttendedKind string     // attended an activity of this kind
	SignedFor    int64      // signed a petition of this campaign
	CreatedSince civil.Date // created on or after this day
}

// Params are the query parameters a Filter reads; any other is refused, so
// that a mistyped filter is never silently ignored. Paging and language are
// the caller's.
var Params = []string{"q", "tag", "any_tag", "region", "locality", "age_min", "age_max", "volunteer",
	"attended", "signed", "created_since"}

// MaxTags bounds the tags of a filter, "tag" and "any_tag" together, as
// API.md promises. Each tag of "tag" is a subquery of its own: 200 of them
// kept PostgreSQL planning for 40 s and SQLite refused the expression, so
// the cap is on every tag, whichever list it is in (an "any_tag" list also
// grows the statement).
const MaxTags = 20

// MaxQRunes bounds the free-text search.
const MaxQRunes = 100

// Parse reads a Filter from query values; others names the parameters the
// caller reads itself (limit, cursor, lang). Every problem is a field error.
func Parse(v url.Values, others ...string) (Filter, error) {
	f := apperr.Fields{}
	f.RefuseUnknown(slices.Collect(maps.Keys(v)), append(slices.Clone(Params), others...)...)
	var out Filter
	one := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	out.Q = one("q")
	usertext.Check(f, "q", out.Q, usertext.Line)
	if utf8.RuneCountInString(out.Q) > MaxQRunes {
		f.Add("q", "error_too_long", "Max", MaxQRunes)
	}
	out.AllTags = people.ValidateTags(f, "tag", nonEmpty(v["tag"]))
	out.AnyTags = people.ValidateTags(f, "any_tag", nonEmpty(v["any_tag"]))
	if len(out.AllTags)+len(out.AnyTags) > MaxTags {
		for k, list := range map[string][]string{"tag": out.AllTags, "any_tag": out.AnyTags} {
			if len(list) > 0 {
				f.Add(k, "error_filter_tags_max", "Max", MaxTags)
			}
		}
	}
	if out.Region = one("region"); out.Region != "" && !regions.Valid(out.Region) {
		f.Add("region", "error_region_unknown")
	}
	if out.Locality = one("locality"); out.Locality != "" && out.Locality != people.Urban && out.Locality != people.Rural {
		f.Add("locality", "error_locality")
	}
	out.AgeMin = age(f, "age_min", one("age_min"))
	out.AgeMax = age(f, "age_max", one("age_max"))
	if out.AgeMin != nil && out.AgeMax != nil && *out.AgeMin > *out.AgeMax {
		f.Add("age_max", "error_age_order")
	}
	switch one("volunteer") {
	case "":
	case "true", "yes", "1":
		out.Volunteer = ptr(true)
	case "false", "no", "0":
		out.Volunteer = ptr(false)
	default:
		f.Add("volunteer", "error_filter_boolean")
	}
	if out.AttendedKind = one("attended"); out.AttendedKind != "" && !contains(activities.Kinds, out.AttendedKind) {
		f.Add("attended", "error_kind_unknown")
	}
	if s := one("signed"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			f.Add("signed", "error_filter_id")
		}
		out.SignedFor = id
	}
	if s := one("created_since"); s != "" {
		d, err := civil.Parse(s)
		if err != nil {
			f.Add("created_since", "error_date")
		}
		out.CreatedSince = d
	}
	if err := f.Err(); err != nil {
		return Filter{}, err
	}
	return out, nil
}

// MaxAge bounds an age in a filter.
const MaxAge = 130

func age(f apperr.Fields, field, s string) *int {
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxAge {
		f.Add(field, "error_filter_age", "Max", MaxAge)
		return nil
	}
	return &n
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

// Where is the condition on the people table (named people) that selects
// the filter's people, with its arguments in order; "" selects everyone.
// It is pure: the same filter and day give the same SQL, on SQLite and on
// PostgreSQL alike. An age is counted from the birth year: someone born in
// 2004 is 22 throughout 2026.
func Where(f Filter, today civil.Date) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.Q != "" {
		// Both sides are folded in Go (people.SearchText), the same on
		// both databases; PostgreSQL finds the rows by a trigram index.
		add(`people.search_text LIKE ? ESCAPE '\'`, people.SearchPattern(f.Q))
	}
	// The tag's id is a subquery of its own, not a join: PostgreSQL then
	// reads the tag's people from person_tags_tag_idx in id order and merges
	// them with the people's, where a join on the name made it hash all the
	// people of the tag first (docs/benchmarks.md, "People at scale").
	for _, t := range f.AllTags {
		add(`EXISTS (SELECT 1 FROM person_tags pt WHERE pt.person_id = people.id`+
			` AND pt.tag_id = (SELECT t.id FROM tags t WHERE t.name = ?))`, t)
	}
	if len(f.AnyTags) > 0 {
		add(`EXISTS (SELECT 1 FROM person_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.person_id = people.id AND t.name IN ?)`, f.AnyTags)
	}
	if f.Region != "" {
		add("people.region = ?", f.Region)
	}
	if f.Locality != "" {
		add("people.locality = ?", f.Locality)
	}
	if f.AgeMin != nil {
		add("people.birth_year <= ?", today.Year-*f.AgeMin)
	}
	if f.AgeMax != nil {
		add("people.birth_year >= ?", today.Year-*f.AgeMax)
	}
	if f.Volunteer != nil {
		add("people.volunteer = ?", *f.Volunteer)
	}
	if f.AttendedKind != "" {
		add(`EXISTS (SELECT 1 FROM registrations r JOIN activities a ON a.id = r.activity_id`+
			` WHERE r.person_id = people.id AND r.attended = ? AND a.kind = ?)`, true, f.AttendedKind)
	}
	if f.SignedFor != 0 {
		add(`EXISTS (SELECT 1 FROM signatures s JOIN petitions p ON p.id = s.petition_id`+
			` WHERE s.person_id = people.id AND p.campaign_id = ?)`, f.SignedFor)
	}
	if !f.CreatedSince.IsZero() {
		add("people.created_at >= ?", f.CreatedSince.Time())
	}
	return strings.Join(conds, " AND "), args
}
