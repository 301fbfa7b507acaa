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
	if err := a.WriteICS(&b, ICSOptions{Lang: "mn", Default: "en", BaseURL: "https://youth.example.org", ShowPlace: true}); err != nil {
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
	_ = a.WriteICS(&b, ICSOptions{Lang: "fr", Default: "en", BaseURL: "https://youth.example.org", ShowPlace: true})
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
	if err := a.WriteICS(&b, ICSOptions{Lang: "en", Default: "en", BaseURL: "https://youth.example.org", ShowPlace: true}); err != nil {
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

// TestWriteICSDiscreet: a discreet activity's event says nothing of it: the
// neutral title, no texts, no place unless asked, no link to its page (whose
// slug may name it) unless another link is given.
func TestWriteICSDiscreet(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	a := &Activity{ID: 9, Slug: "lgbti-safe-space", Region: "MN-1", Venue: "Rainbow house", Discreet: true,
		StartsAt: start, EndsAt: start.Add(3 * time.Hour), UpdatedAt: start, Status: StatusPublished,
		OnlineURL:    "https://meet.example/safe-room",
		Translations: []Translation{{Locale: "en", Title: "LGBTI safe space", Summary: "A workshop for LGBTI youth", Description: "Queer joy"}}}
	parse := func(o ICSOptions) (string, *ics.VEvent) {
		t.Helper()
		var b bytes.Buffer
		if err := a.WriteICS(&b, o); err != nil {
			t.Fatal(err)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		return b.String(), cal.Events()[0]
	}
	raw, e := parse(ICSOptions{Lang: "en", Default: "en", BaseURL: "https://youth.example.org", Neutral: "Gotong activity"})
	for _, leak := range []string{"LGBTI", "lgbti", "Queer", "Rainbow", "safe-room", "Ulaanbaatar"} {
		if strings.Contains(raw, leak) {
			t.Errorf("the public file of a discreet activity holds %q:\n%s", leak, raw)
		}
	}
	if p := e.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != "Gotong activity" {
		t.Errorf("summary %+v", p)
	}
	for _, p := range []ics.ComponentProperty{ics.ComponentPropertyDescription, ics.ComponentPropertyLocation, ics.ComponentPropertyUrl} {
		if e.GetProperty(p) != nil {
			t.Errorf("the public file of a discreet activity has %s", p)
		}
	}
	if got, _ := e.GetStartAt(); !got.Equal(start) {
		t.Errorf("start %v", got)
	}
	// A confirmed participant's own file: the place and their private link,
	// the title still neutral; without a neutral title given, "Gotong".
	_, e = parse(ICSOptions{Lang: "en", Default: "en", BaseURL: "https://youth.example.org",
		URL: "https://youth.example.org/r/private", ShowPlace: true})
	if p := e.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != "Gotong" {
		t.Errorf("summary without a neutral title %+v", p)
	}
	if p := e.GetProperty(ics.ComponentPropertyLocation); p == nil || !strings.HasPrefix(p.Value, "Rainbow house, ") {
		t.Errorf("location %+v", p)
	}
	if p := e.GetProperty(ics.ComponentPropertyUrl); p == nil || p.Value != "https://youth.example.org/r/private" {
		t.Errorf("url %+v", p)
	}
}

func TestGuardianAgeOr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		own  *int
		def  int
		want int
	}{
		{nil, 18, 18},
		{nil, 0, 0},
		{ptr(16), 18, 16},
		{ptr(0), 18, 0}, // the activity's own 0 wins: no guardian step
		{ptr(21), 0, 21},
	} {
		a := &Activity{GuardianAge: tc.own}
		if got := a.GuardianAgeOr(tc.def); got != tc.want {
			t.Errorf("own %v, default %d: %d, want %d", tc.own, tc.def, got, tc.want)
		}
	}
}

// TestNeedsGuardian: with the birth year only, a guardian is asked whenever
// some birthday in that year leaves the person under the age on the first
// day, the other way from AgeAllowed's benefit of the doubt.
func TestNeedsGuardian(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		own       *int
		def, born int
		want      bool
	}{
		{"17 or 18 on the day: asked", nil, 18, 2009, true},
		{"18 or 19 on the day: not asked", nil, 18, 2008, false},
		{"16 or 17", nil, 18, 2010, true},
		{"a child", nil, 18, 2020, true},
		{"an adult", nil, 18, 1990, false},
		{"the activity's own age", ptr(16), 18, 2010, false},
		{"the activity's own age, younger", ptr(16), 18, 2011, true},
		{"0 on the activity: never", ptr(0), 18, 2020, false},
		{"0 by default: never", nil, 0, 2020, false},
		{"a higher age of its own", ptr(21), 18, 2006, true},
		{"born the year it starts", nil, 1, 2027, true},
	} {
		a := &Activity{StartsAt: start, GuardianAge: tc.own}
		if got := a.NeedsGuardian(tc.born, tc.def); got != tc.want {
			t.Errorf("%s: born %d: %v, want %v", tc.name, tc.born, got, tc.want)
		}
	}
}
