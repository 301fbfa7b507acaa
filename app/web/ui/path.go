package ui

import (
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/path"
	"github.com/gotong/gotong/app/web/request"
)

// A person's path as the staff person page and the participant's account
// show it (views/partials/path.html).

// pathRow is one attended activity of a path.
type pathRow struct {
	ActivityID                  int64
	Title, Kind, EndedOn, Hours string
	Certificate                 *string // its verification code, once issued
}

// pathView is a path laid out for a page.
type pathView struct {
	Heading, None string // the section's heading, and what it says of an empty path
	Manage        bool   // titles link to the staff's activity pages
	Rows          []pathRow
	Count, Hours  string // activities attended, hours in all
	Surveys       string // surveys answered
}

// pathViewOf lays x out in p's language; a discreet activity is named in
// full, the path being the person's own and the staff's.
func pathViewOf(p *request.Page, def string, x *path.Path, heading, none string, manage bool) pathView {
	l := p.L
	v := pathView{Heading: l.T(heading), None: l.T(none), Manage: manage, Count: l.Number(len(x.Entries)),
		Hours: l.Number(x.Hours()), Surveys: l.Number(x.Surveys)}
	for _, e := range x.Entries {
		v.Rows = append(v.Rows, pathRow{ActivityID: e.Activity.ID, Title: e.Activity.TextIn(l.Lang, def).Title,
			Kind: l.T(kindLabels[e.Activity.Kind]), EndedOn: l.Date(e.EndedOn.Time()), Hours: l.Number(activities.Hours(e.Minutes)),
			Certificate: e.Certificate})
	}
	return v
}
