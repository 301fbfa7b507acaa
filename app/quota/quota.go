// Package quota names the attributes a quota rule may reserve seats for,
// and says, for each, who qualifies, whether it is sensitive and how it is
// labelled. Everything else (validating rules, allocating seats, counting
// pools in activity_seats, sealing pools, the reports and the pages) reads
// the registry here, so adding an attribute is a row of it, its messages in
// locales/ and a migration that adds its column to activity_seats.
package quota

import "slices"

// Attribute is what a quota rule reserves seats for; it is also the name of
// the attribute's pool in a registration and of its column in
// activity_seats.
type Attribute string

// The attributes a quota rule may reserve seats for.
const (
	Rural      Attribute = "rural"
	Disability Attribute = "disability"
	Minority   Attribute = "minority"
)

// Person is what qualifying for a quota looks at: what a person declared
// of where they live and, in confidence, of themselves (people.QuotaPerson
// makes one). It holds plain values so that people, which knows which
// quotas are sensitive from here, can depend on this package.
type Person struct {
	Locality   string // people.Urban or people.Rural
	Disability bool
	Minority   bool
	LGBTI      bool
}

// ruralLocality is people.Rural, which this package cannot import; a test
// in people holds the two equal.
const ruralLocality = "rural"

// def is one attribute of the registry.
type def struct {
	attribute Attribute
	// sensitive: the person declares it in confidence, so a seat of its
	// quota is stored and shown as a reserved one, its pool sealed, and
	// every count of its pool suppressed when small.
	sensitive bool
	qualifies func(Person) bool
	// label names the group in a sentence ("Kept for {{.Group}}") and in
	// the attribute's choice on forms; poolLabel heads its column in the
	// reports.
	label, poolLabel string
}

// registry is every attribute, in the order forms, reports and the
// allocation list them.
var registry = []def{
	{attribute: Rural, qualifies: func(p Person) bool { return p.Locality == ruralLocality },
		label: "quota_rural", poolLabel: "reports_pool_rural"},
	{attribute: Disability, sensitive: true, qualifies: func(p Person) bool { return p.Disability },
		label: "quota_disability", poolLabel: "reports_pool_disability"},
	{attribute: Minority, sensitive: true, qualifies: func(p Person) bool { return p.Minority },
		label: "quota_minority", poolLabel: "reports_pool_minority"},
}

func find(a Attribute) (def, bool) {
	i := slices.IndexFunc(registry, func(d def) bool { return d.attribute == a })
	if i < 0 {
		return def{}, false
	}
	return registry[i], true
}

// All returns every attribute in registry order.
func All() []Attribute {
	out := make([]Attribute, len(registry))
	for i, d := range registry {
		out[i] = d.attribute
	}
	return out
}

// AllSensitive returns the sensitive attributes in registry order.
func AllSensitive() []Attribute {
	var out []Attribute
	for _, d := range registry {
		if d.sensitive {
			out = append(out, d.attribute)
		}
	}
	return out
}

// Valid reports whether s names an attribute.
func Valid(s string) bool {
	_, ok := find(Attribute(s))
	return ok
}

// Sensitive reports whether a is declared in confidence; an unknown
// attribute is not.
func Sensitive(a Attribute) bool {
	d, _ := find(a)
	return d.sensitive
}

// Qualifies reports whether p may take a seat reserved for a; nobody
// qualifies for an unknown attribute.
func Qualifies(a Attribute, p Person) bool {
	d, ok := find(a)
	return ok && d.qualifies(p)
}

// Qualifying returns the attributes p qualifies for, in registry order.
func Qualifying(p Person) []Attribute {
	var out []Attribute
	for _, d := range registry {
		if d.qualifies(p) {
			out = append(out, d.attribute)
		}
	}
	return out
}

// Label is the message id naming the group of a (on forms, activity
// pages and seat lists); "" for an unknown attribute.
func Label(a Attribute) string {
	d, _ := find(a)
	return d.label
}

// PoolLabel is the message id heading the pool of a in the reports; "" for
// an unknown attribute.
func PoolLabel(a Attribute) string {
	d, _ := find(a)
	return d.poolLabel
}
