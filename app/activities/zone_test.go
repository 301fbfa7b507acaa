package activities

import (
	"testing"
	"time"

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/locales"
)

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load(locales.FS, "en", nil)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestWhen: an activity's times read in its zone, with the zone named, in
// each language; one day is written once.
func TestWhen(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// A Zavkhan day camp 09:00–17:00 on its clocks (UTC+8).
	zavkhan := &Activity{Timezone: regions.Zone("MN-057"), StartsAt: utc("2027-01-12T01:00:00Z"), EndsAt: utc("2027-01-12T09:00:00Z")}
	// A Khovd camp over five days (UTC+7).
	khovd := &Activity{Timezone: regions.Zone("MN-043"), StartsAt: utc("2027-07-01T02:00:00Z"), EndsAt: utc("2027-07-05T10:00:00Z")}
	bali := &Activity{Timezone: regions.Zone("ID-BA"), StartsAt: utc("2027-03-01T01:00:00Z"), EndsAt: utc("2027-03-01T03:30:00Z")}
	paris := &Activity{Timezone: "Europe/Paris", StartsAt: utc("2027-07-01T07:00:00Z"), EndsAt: utc("2027-07-01T15:00:00Z")}
	online := &Activity{Timezone: "America/New_York", StartsAt: utc("2027-01-12T14:00:00Z"), EndsAt: utc("2027-01-12T15:00:00Z")}
	for _, tc := range []struct {
		name, lang string
		got        func(l *i18n.Localizer) string
		want       string
	}{
		{"when en", "en", func(l *i18n.Localizer) string { return zavkhan.When(l, zavkhan.StartsAt) }, "January 12, 2027, 09:00 (Ulaanbaatar time)"},
		{"when fr", "fr", func(l *i18n.Localizer) string { return zavkhan.When(l, zavkhan.StartsAt) }, "12 janvier 2027 à 09\u00a0h\u00a000 (heure d'Oulan-Bator)"},
		{"when id", "id", func(l *i18n.Localizer) string { return zavkhan.When(l, zavkhan.StartsAt) }, "12 Januari 2027 pukul 09.00 waktu Ulaanbaatar"},
		{"when mn", "mn", func(l *i18n.Localizer) string { return zavkhan.When(l, zavkhan.StartsAt) }, "2027 оны 1-р сарын 12, Улаанбаатарын цагаар 09:00"},

		{"day span en", "en", zavkhan.Span, "January 12, 2027, 09:00 – 17:00 (Ulaanbaatar time)"},
		{"day span fr", "fr", zavkhan.Span, "12 janvier 2027, de 09\u00a0h\u00a000 à 17\u00a0h\u00a000 (heure d'Oulan-Bator)"},
		{"day span id", "id", zavkhan.Span, "12 Januari 2027, pukul 09.00–17.00 waktu Ulaanbaatar"},
		{"day span mn", "mn", zavkhan.Span, "2027 оны 1-р сарын 12, Улаанбаатарын цагаар 09:00–17:00"},

		{"days span en", "en", khovd.Span, "July 1, 2027, 09:00 – July 5, 2027, 17:00 (Khovd time)"},
		{"days span fr", "fr", khovd.Span, "du 1 juillet 2027 à 09\u00a0h\u00a000 au 5 juillet 2027 à 17\u00a0h\u00a000 (heure de Khovd)"},
		{"days span id", "id", khovd.Span, "1 Juli 2027 pukul 09.00 – 5 Juli 2027 pukul 17.00 waktu Khovd"},
		{"days span mn", "mn", khovd.Span, "Ховдын цагаар: 2027 оны 7-р сарын 1, 09:00 – 2027 оны 7-р сарын 5, 17:00"},

		{"wita id", "id", bali.Span, "1 Maret 2027, pukul 09.00–11.30 WITA"},
		{"wita en", "en", bali.Span, "March 1, 2027, 09:00 – 11:30 (Central Indonesia Time)"},
		{"paris summer fr", "fr", paris.Span, "1 juillet 2027, de 09\u00a0h\u00a000 à 17\u00a0h\u00a000 (heure de Paris)"},
		{"another zone en", "en", online.Span, "January 12, 2027, 09:00 – 10:00 (time zone America/New_York)"},
		{"another zone mn", "mn", online.Span, "2027 оны 1-р сарын 12, America/New_York бүсийн цагаар 09:00–10:00"},

		// The local day, not UTC's: 17:00 UTC on the 11th is the 12th in
		// Ulaanbaatar.
		{"day en", "en", func(l *i18n.Localizer) string { return zavkhan.Day(l, utc("2027-01-11T17:00:00Z")) }, "January 12, 2027"},
		{"day in mn", "mn", func(l *i18n.Localizer) string { return DayIn(l, "Asia/Ulaanbaatar", utc("2027-01-11T15:59:00Z")) }, "2027 оны 1-р сарын 11"},
	} {
		if got := tc.got(cat.Localizer(tc.lang)); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestZoneNames: every zone a region has, and UTC, has a name of its own
// in every language; any other zone is named by its identifier.
func TestZoneNames(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	named := map[string]bool{}
	for _, z := range NamedZones() {
		named[z] = true
		if !ValidZone(z) {
			t.Errorf("%s does not load", z)
		}
	}
	for _, r := range regions.All() {
		if !named[regions.Zone(r.Code)] {
			t.Errorf("%s: zone %s has no name", r.Code, regions.Zone(r.Code))
		}
	}
	for _, lang := range i18n.Supported {
		l := cat.Localizer(lang)
		seen := map[string]string{}
		for z := range named {
			name := ZoneName(l, z)
			if name == "" || name == ZoneName(l, "Pacific/Auckland") {
				t.Errorf("%s: %s is not named (%q)", lang, z, name)
			}
			if other, dup := seen[name]; dup {
				t.Errorf("%s: %s and %s are both %q", lang, z, other, name)
			}
			seen[name] = z
		}
	}
	if got := ZoneName(cat.Localizer("id"), "Asia/Jayapura"); got != "WIT" {
		t.Errorf("Jayapura in Indonesian: %q", got)
	}
}

// TestZoneFor: a zone given wins, else the region's, else the portal's.
func TestZoneFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ tz, region, def, want string }{
		{"", "MN-043", "UTC", "Asia/Hovd"},
		{"", "ID-PA", "UTC", "Asia/Jayapura"},
		{" Europe/Paris ", "MN-1", "UTC", "Europe/Paris"},
		{"", "", "Asia/Ulaanbaatar", "Asia/Ulaanbaatar"},
		{"", "XX-1", "UTC", "UTC"},
	} {
		if got := ZoneFor(tc.tz, tc.region, tc.def); got != tc.want {
			t.Errorf("ZoneFor(%q, %q, %q) = %q, want %q", tc.tz, tc.region, tc.def, got, tc.want)
		}
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus", "asia/ulaanbaatar", "../../etc/passwd", "Asia/Ulaanbaatar\x00"} {
		if ValidZone(bad) {
			t.Errorf("%q is taken for a zone", bad)
		}
	}
}

// TestInZone: a wall-clock time becomes the instant at which the zone's
// clocks show it; in Paris, a time skipped in March has none, and one shown
// twice in October is the first (summer time).
func TestInZone(t *testing.T) {
	t.Parallel()
	paris, _ := LoadZone("Europe/Paris")
	ub, _ := LoadZone("Asia/Ulaanbaatar")
	wall := func(s string) time.Time {
		v, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name string
		wall string
		loc  *time.Location
		want string // RFC 3339 in UTC, "" when there is none
	}{
		{"winter", "2027-01-12T09:00", paris, "2027-01-12T08:00:00Z"},
		{"summer", "2027-07-01T09:00", paris, "2027-07-01T07:00:00Z"},
		{"before the gap", "2027-03-28T01:59", paris, "2027-03-28T00:59:00Z"},
		{"in the gap", "2027-03-28T02:30", paris, ""},
		{"after the gap", "2027-03-28T03:00", paris, "2027-03-28T01:00:00Z"},
		{"overlap: the first", "2027-10-31T02:30", paris, "2027-10-31T00:30:00Z"},
		{"after the overlap", "2027-10-31T03:00", paris, "2027-10-31T02:00:00Z"},
		{"no daylight saving", "2027-01-12T09:00", ub, "2027-01-12T01:00:00Z"},
		{"UTC", "2027-01-12T09:00", time.UTC, "2027-01-12T09:00:00Z"},
	} {
		got, ok := InZone(wall(tc.wall), tc.loc)
		switch {
		case tc.want == "" && ok:
			t.Errorf("%s: %s gave %v, want none", tc.name, tc.wall, got)
		case tc.want != "" && (!ok || got.UTC().Format(time.RFC3339) != tc.want):
			t.Errorf("%s: %s gave %v (%v), want %s", tc.name, tc.wall, got.UTC(), ok, tc.want)
		}
	}
}
