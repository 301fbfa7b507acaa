package activities

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the zone database goes with the binary: no machine's files decide a camp's start

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/regions"
)

// An activity's times are instants (UTC in the database, RFC 3339 in the
// API, UTC in .ics files) and are shown where it happens: in its zone,
// Activity.Timezone, an IANA name (DESIGN.md, Time).

// zoneNames are the zones the portal names in every language, in the order
// the staff form offers them, with the message id of their name. Any other
// IANA zone is accepted too, and named by its identifier (zone_other).
var zoneNames = []struct{ Zone, ID string }{
	{"Asia/Ulaanbaatar", "zone_asia_ulaanbaatar"},
	{"Asia/Hovd", "zone_asia_hovd"},
	{"Asia/Jakarta", "zone_asia_jakarta"},
	{"Asia/Makassar", "zone_asia_makassar"},
	{"Asia/Jayapura", "zone_asia_jayapura"},
	{"Europe/Paris", "zone_europe_paris"},
	{"America/Guadeloupe", "zone_america_guadeloupe"},
	{"America/Martinique", "zone_america_martinique"},
	{"America/Cayenne", "zone_america_cayenne"},
	{"Indian/Reunion", "zone_indian_reunion"},
	{"Indian/Mayotte", "zone_indian_mayotte"},
	{"UTC", "zone_utc"},
}

// NamedZones are the zones that have a name in every language: every
// region's, and UTC.
func NamedZones() []string {
	out := make([]string, len(zoneNames))
	for i, z := range zoneNames {
		out[i] = z.Zone
	}
	return out
}

// ZoneName is how l's language names zone, as a phrase that stands alone
// beside a time ("Ulaanbaatar time", "WITA", "Улаанбаатарын цагаар").
func ZoneName(l *i18n.Localizer, zone string) string {
	for _, z := range zoneNames {
		if z.Zone == zone {
			return l.T(z.ID)
		}
	}
	if zone == "Etc/UTC" {
		return l.T("zone_utc")
	}
	return l.T("zone_other", "Zone", zone)
}

// locations caches loaded zones: time.LoadLocation reads and parses the
// zone's data again at each call.
var locations sync.Map

// LoadZone returns the location of an IANA zone name; ok is false for a
// name that is none ("", "Local", an unknown or malformed name).
func LoadZone(name string) (loc *time.Location, ok bool) {
	if v, ok := locations.Load(name); ok {
		return v.(*time.Location), true
	}
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	locations.Store(name, loc)
	return loc, true
}

// ValidZone reports whether name is an IANA zone an activity may have.
func ValidZone(name string) bool {
	_, ok := LoadZone(name)
	return ok
}

// ZoneFor is the zone an activity gets from what it was given: timezone
// when given, else its region's (regions.Zone), else def, the portal's
// (GOTONG_TIMEZONE).
func ZoneFor(timezone, region, def string) string {
	if tz := strings.TrimSpace(timezone); tz != "" {
		return tz
	}
	if z := regions.Zone(region); z != "" {
		return z
	}
	return def
}

// InZone is the instant at which clocks in loc show the wall-clock time of
// wall (its date and time of day; its own location is ignored). Where
// daylight saving time starts, a wall time the clocks skip has no instant:
// ok is false, and a form says so rather than guess. Where it ends, a wall
// time the clocks show twice is the first of the two (still summer time),
// so that nothing starts later than its organiser meant.
func InZone(wall time.Time, loc *time.Location) (t time.Time, ok bool) {
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	naive := time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), time.UTC)
	// Each offset loc uses around that day, tried in turn: the instant at
	// which it gives the wall time back is a candidate.
	for _, probe := range []time.Duration{-36 * time.Hour, 0, 36 * time.Hour} {
		_, off := naive.Add(probe).In(loc).Zone()
		c := naive.Add(-time.Duration(off) * time.Second)
		back := c.In(loc)
		by, bmo, bd := back.Date()
		bh, bmi, bs := back.Clock()
		if by == y && bmo == mo && bd == d && bh == h && bmi == mi && bs == s && (!ok || c.Before(t)) {
			t, ok = c, true
		}
	}
	return t, ok
}

// Location is the activity's zone, UTC when it has none that loads (a
// stored zone was checked when it was saved).
func (a *Activity) Location() *time.Location {
	if loc, ok := LoadZone(a.Timezone); ok {
		return loc
	}
	return time.UTC
}

// Local is t as the clocks show it where the activity happens.
func (a *Activity) Local(t time.Time) time.Time { return t.In(a.Location()) }

// When is a moment of the activity (its start, its end, a deadline about
// it) as a person reads it, in l's language: the local date and time with
// the zone named ("January 12, 2027, 09:00 (Ulaanbaatar time)"). Pages,
// emails and rosters show an activity's times through When, Span and Day
// alone, so that its zone enters in this one place.
func (a *Activity) When(l *i18n.Localizer, t time.Time) string {
	lt := a.Local(t)
	return l.T("format_when", "Date", l.Date(lt), "Time", l.Clock(lt), "Zone", ZoneName(l, a.Timezone))
}

// Span is when the activity runs, from its start to its end, in its zone;
// the date once when both fall on the same local day.
func (a *Activity) Span(l *i18n.Localizer) string {
	from, to := a.Local(a.StartsAt), a.Local(a.EndsAt)
	zone := ZoneName(l, a.Timezone)
	fy, fm, fd := from.Date()
	if ty, tm, td := to.Date(); fy == ty && fm == tm && fd == td {
		return l.T("format_span_day", "Date", l.Date(from), "Start", l.Clock(from), "End", l.Clock(to), "Zone", zone)
	}
	return l.T("format_span", "From", l.DateClock(from), "To", l.DateClock(to), "Zone", zone)
}

// Day is the local date of a moment of the activity, for lists: a start at
// 01:00 UTC is already the next day in Ulaanbaatar.
func (a *Activity) Day(l *i18n.Localizer, t time.Time) string { return l.Date(a.Local(t)) }

// DayIn is Day for a list that read an activity's zone and not the
// activity.
func DayIn(l *i18n.Localizer, zone string, t time.Time) string {
	return (&Activity{Timezone: zone}).Day(l, t)
}
