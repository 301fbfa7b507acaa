package activities

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

func TestWriteICSParsesBack(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	a := &Activity{ID: 7, Slug: "summer-camp-2027", Region: "MN-057", Venue: "Uliastai",
		StartsAt: start, EndsAt: start.Add(4*24*time.Hour + 8*time.Hour), UpdatedAt: start.Add(-time.Hour),
		Status: StatusPublished, OnlineURL: "https://meet.example/secret-room",
		Translations: []Translation{
			{Locale: "en", Title: "Summer camp", Summary: "Five days; with friends, rights, and a long line that must be folded because RFC 5545 says lines stop at 75 octets"},
			{Locale: "mn", Title: "Зуны зуслан", Summary: "Таван өдөр"},
		}}
	var b bytes.Buffer
	if err := a.WriteICS(&b, "mn", "en", "https://youth.example.org"); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	if strings.Contains(raw, "secret-room") {
		t.Fatal("the online link is in the public calendar file")
	}
	for _, line := range strings.Split(raw, "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line longer than 75 octets: %q", line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	e := events[0]
	if got, _ := e.GetStartAt(); !got.Equal(start) {
		t.Errorf("start %v", got)
	}
	if got, _ := e.GetEndAt(); !got.Equal(a.EndsAt) {
		t.Errorf("end %v", got)
	}
	if p := e.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != "Зуны зуслан" {
		t.Errorf("summary %+v", p)
	}
	if p := e.GetProperty(ics.ComponentPropertyLocation); p == nil || !strings.HasPrefix(p.Value, "Uliastai, ") {
		t.Errorf("location %+v", p)
	}
	if p := e.GetProperty(ics.ComponentPropertyUrl); p == nil || p.Value != "https://youth.example.org/activities/summer-camp-2027" {
		t.Errorf("url %+v", p)
	}
	if e.Id() != "activity-7@youth.example.org" {
		t.Errorf("uid %q", e.Id())
	}
	// A language without a text falls back to the default.
	b.Reset()
	_ = a.WriteICS(&b, "fr", "en", "https://youth.example.org")
	cal, _ = ics.ParseCalendar(strings.NewReader(b.String()))
	if p := cal.Events()[0].GetProperty(ics.ComponentPropertySummary); p.Value != "Summer camp" {
		t.Errorf("fallback summary %q", p.Value)
	}
}

func TestAgeAllowedAndWindow(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	lo, hi := 16, 30
	a := &Activity{StartsAt: start, AgeMin: &lo, AgeMax: &hi, Status: StatusPublished}
	for year, want := range map[int]bool{2011: true, 2012: false, 1996: true, 1997: true, 1995: false} {
		if got := a.AgeAllowed(year); got != want {
			t.Errorf("born %d: %v, want %v", year, got, want)
		}
	}
	closes := start.Add(-24 * time.Hour)
	opens := start.Add(-30 * 24 * time.Hour)
	a.RegistrationOpensAt, a.RegistrationClosesAt = &opens, &closes
	for _, tc := range []struct {
		at     time.Time
		ok     bool
		reason string
	}{
		{opens.Add(-time.Minute), false, "error_registration_not_open_yet"},
		{opens, true, ""},
		{closes.Add(-time.Second), true, ""},
		{closes, false, "error_registration_closed"},
	} {
		if ok, reason := a.RegistrationOpen(tc.at); ok != tc.ok || reason != tc.reason {
			t.Errorf("at %v: %v %q", tc.at, ok, reason)
		}
	}
	a.Status = StatusDraft
	if ok, reason := a.RegistrationOpen(opens); ok || reason != "error_registration_not_published" {
		t.Error("a draft takes registrations")
	}
}

// TestWriteICSCleansControlCharacters: texts stored before they were
// checked cannot add a property to the file: every line is one property
// (or the fold of one), and the texts come back cleaned.
func TestWriteICSCleansControlCharacters(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	a := &Activity{ID: 7, Slug: "camp", Venue: "Hall\rATTENDEE:mailto:x@example.org", StartsAt: start, EndsAt: start.Add(time.Hour),
		UpdatedAt: start, Status: StatusPublished, Translations: []Translation{{Locale: "en",
			Title:       "Camp\rORGANIZER:mailto:evil@example.org",
			Summary:     "One\u2028DTSTART:20000101T000000Z",
			Description: "Line one\r\nline two\rX-INJECTED:1\x00\x1b"}}}
	var b bytes.Buffer
	if err := a.WriteICS(&b, "en", "en", "https://youth.example.org"); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n\x00\x1b\u2028") {
			t.Fatalf("a control character in %q", line)
		}
		if name, _, ok := strings.Cut(line, ":"); !ok && !strings.HasPrefix(line, " ") || strings.Contains(name, "ORGANIZER") {
			t.Fatalf("line %q", line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	e := cal.Events()[0]
	for _, p := range []ics.ComponentProperty{ics.ComponentPropertyOrganizer, ics.ComponentPropertyAttendee, "X-INJECTED"} {
		if e.GetProperty(p) != nil {
			t.Errorf("injected %s", p)
		}
	}
	for p, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySummary:     "Camp ORGANIZER:mailto:evil@example.org",
		ics.ComponentPropertyDescription: "One DTSTART:20000101T000000Z\n\nLine one\nline two\nX-INJECTED:1",
		ics.ComponentPropertyLocation:    "Hall ATTENDEE:mailto:x@example.org",
	} {
		if got := e.GetProperty(p); got == nil || got.Value != want {
			t.Errorf("%s = %+v, want %q", p, got, want)
		}
	}
}
