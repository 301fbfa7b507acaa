package activities

import (
	"io"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/usertext"
)

// WriteICS writes the activity as an iCalendar (RFC 5545) file with one
// event, its texts in lang (falling back to def). The online link is not in
// it: the file is public, the link is for confirmed participants only.
// Texts are cleaned of control characters (usertext), whatever an older
// database holds: the library escapes LF but not a bare CR, which a lenient
// reader takes for the end of a line and the start of another property.
func (a *Activity) WriteICS(w io.Writer, lang, def, baseURL string) error {
	text := a.TextIn(lang, def)
	cal := ics.NewCalendarFor("Gotong")
	cal.SetMethod(ics.MethodPublish)
	host := baseURL
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
	place := a.Venue
	if r, ok := regions.Lookup(a.Region); ok {
		if place != "" {
			place += ", "
		}
		place += r.Name(lang)
	}
	if place != "" {
		e.SetLocation(usertext.OneLine(place))
	}
	e.SetURL(strings.TrimSuffix(baseURL, "/") + "/activities/" + a.Slug)
	if a.Status == StatusCancelled {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	// RFC 5545: CRLF line ends, lines folded at 75 octets.
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"), ics.WithLineLength(75))
}
