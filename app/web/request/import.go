package request

import (
	"strings"

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/people"
)

// ImportReport is an import's report as API.md shows it.
// ImportReport is an import's report as the API and the import page show it.
type ImportReport struct {
	Created  int         `json:"created"`
	Updated  int         `json:"updated"`
	Skipped  int         `json:"skipped"`
	Rejected []Rejection `json:"rejected"`
}

// Rejection is a rejected row and why.
type Rejection struct {
	Line   int               `json:"line"`
	Reason string            `json:"reason"`
	Values map[string]string `json:"values,omitempty"` // the cells at fault as written, by field
}

// rejectionReason is why a row was rejected, in l's language: the reason
// of the row, or each bad field as "field: message", in ImportFields'
// order.
func rejectionReason(l *i18n.Localizer, r *people.Rejection) string {
	if r.Reason.ID != "" {
		return l.T(r.Reason.ID, r.Reason.Args...)
	}
	parts := make([]string, 0, len(r.Fields))
	for _, f := range people.ImportFields {
		if m, ok := r.Fields[f]; ok {
			parts = append(parts, f+": "+l.T(m.ID, m.Args...))
		}
	}
	return strings.Join(parts, "; ")
}

// ToImportReport is rep in l's language.
func ToImportReport(l *i18n.Localizer, rep *people.ImportReport) ImportReport {
	out := ImportReport{Created: rep.Created, Updated: rep.Updated, Skipped: rep.Skipped,
		Rejected: make([]Rejection, len(rep.Rejected))}
	for i := range rep.Rejected {
		out.Rejected[i] = Rejection{Line: rep.Rejected[i].Line, Reason: rejectionReason(l, &rep.Rejected[i]),
			Values: rep.Rejected[i].Values}
	}
	return out
}
