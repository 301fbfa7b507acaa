package activities

import (
	"cmp"
	"io"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/usertext"
)

// ICSOptions say how WriteICS writes an activity.
type ICSOptions struct {
	// Lang is the language of the texts, Default the one they fall back to.
	Lang, Default string
	// BaseURL is the portal's address, which names the event (its UID).
	BaseURL string
	// URL is the link in the event: the public page when empty, except for
	// a discreet activity, whose page's address (its slug) may name it.
	URL string
	// Neutral is the title of a discreet activity's event, in Lang ("Gotong"
	// when empty): a calendar is seen by whoever holds the phone.
	Neutral string
	// ShowPlace writes the venue and region. A discreet activity's place is
	// for its confirmed participants, so its public file leaves it out.
	ShowPlace bool
}

// WriteICS writes the activity as an iCalendar (RFC 5545) file with one
// event. The online link is never in it: a file travels further than the
// page it came from. A discreet activity's event carries the neutral title
// and none of the activity's own texts.
// Texts are cleaned of control characters (usertext), whatever an older
// database holds: the library escapes LF but not a bare CR, which a lenient
// reader takes for the end of a line and the start of another property.
func (a *Activity) WriteICS(w io.Writer, o ICSOptions) error {
	text := a.TextIn(o.Lang, o.Default)
	if a.Discreet {
		text = Text{Title: cmp.Or(o.Neutral, "Gotong")}
	}
	cal := ics.NewCalendarFor("Gotong")
	cal.SetMethod(ics.MethodPublish)
	host := o.BaseURL
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	e := cal.AddEvent("activity-" + strconv.FormatInt(a.ID, 10) + "@" + strings.TrimSuffix(host, "/"))
	e.SetDtStampTime(a.UpdatedAt.UTC())
	e.SetModifiedAt(a.UpdatedAt.UTC())
	e.SetStartAt(a.StartsAt.UTC())
	e.SetEndAt(a.EndsAt.UTC())
	e.SetSummary(usertext.OneLine(text.Title))
	if d := strings.TrimSpace(usertext.OneLine(text.Summary) + "\n\n" + usertext.Clean(text.Description)); d != "" {
		e.SetDescription(d)
	}
	if o.ShowPlace {
		place := a.Venue
		if r, ok := regions.Lookup(a.Region); ok {
			if place != "" {
				place += ", "
			}
			place += r.Name(o.Lang)
		}
		if place != "" {
			e.SetLocation(usertext.OneLine(place))
		}
	}
	switch {
	case o.URL != "":
		e.SetURL(o.URL)
	case !a.Discreet:
		e.SetURL(strings.TrimSuffix(o.BaseURL, "/") + "/activities/" + a.Slug)
	}
	if a.Status == StatusCancelled {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	// RFC 5545: CRLF line ends, lines folded at 75 octets.
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"), ics.WithLineLength(75))
}
