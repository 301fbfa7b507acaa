package request

import "sort"

// Field is an input of a form as the error summary names it.
type Field struct {
	Key    string // its key in Page.Errors
	Label  string // its label, translated
	Target string // the id of the element the summary links to; "f-"+Key when empty
}

// Problem is a line of the error summary: a field's label and message, and
// the link to the field; Href and Label are empty for a message about the
// whole form.
type Problem struct {
	Href    string
	Label   string
	Message string
}

// Label adds to the page's fields, for the error summary, the inputs named
// by pairs of a key and the message id of its label, each at "f-"+key.
func (p *Page) Label(pairs ...string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		p.Fields = append(p.Fields, Field{Key: pairs[i], Label: p.L.T(pairs[i+1])})
	}
}

// Summary lists the page's messages for the error summary: first those no
// field names (about the whole form), without a link, then each field's in
// the order of p.Fields, linked to it.
func (p *Page) Summary() []Problem {
	named := map[string]bool{}
	var fields []Problem
	for _, f := range p.Fields {
		msg, bad := p.Errors[f.Key]
		if !bad || named[f.Key] {
			continue
		}
		named[f.Key] = true
		id := f.Target
		if id == "" {
			id = "f-" + f.Key
		}
		fields = append(fields, Problem{Href: "#" + id, Label: f.Label, Message: msg})
	}
	var rest []string
	for k := range p.Errors {
		if !named[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	out := make([]Problem, 0, len(p.Errors))
	for _, k := range rest {
		out = append(out, Problem{Message: p.Errors[k]})
	}
	return append(out, fields...)
}
