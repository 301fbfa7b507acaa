package regions

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones the binary embeds, not the machine's
)

// TestZone names the zone of every region, one by one, so that a region
// added without a zone, or a zone mistyped, fails here.
func TestZone(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"MN-1": "Asia/Ulaanbaatar", "MN-035": "Asia/Ulaanbaatar", "MN-037": "Asia/Ulaanbaatar", "MN-039": "Asia/Ulaanbaatar",
		"MN-041": "Asia/Ulaanbaatar", "MN-043": "Asia/Hovd", "MN-046": "Asia/Hovd", "MN-047": "Asia/Ulaanbaatar",
		"MN-049": "Asia/Ulaanbaatar", "MN-051": "Asia/Ulaanbaatar", "MN-053": "Asia/Ulaanbaatar", "MN-055": "Asia/Ulaanbaatar",
		"MN-057": "Asia/Ulaanbaatar", "MN-059": "Asia/Ulaanbaatar", "MN-061": "Asia/Ulaanbaatar", "MN-063": "Asia/Ulaanbaatar",
		"MN-064": "Asia/Ulaanbaatar", "MN-065": "Asia/Ulaanbaatar", "MN-067": "Asia/Ulaanbaatar", "MN-069": "Asia/Ulaanbaatar",
		"MN-071": "Asia/Hovd", "MN-073": "Asia/Ulaanbaatar",

		"ID-AC": "Asia/Jakarta", "ID-BA": "Asia/Makassar", "ID-BB": "Asia/Jakarta", "ID-BT": "Asia/Jakarta",
		"ID-BE": "Asia/Jakarta", "ID-GO": "Asia/Makassar", "ID-JA": "Asia/Jakarta", "ID-JB": "Asia/Jakarta",
		"ID-JT": "Asia/Jakarta", "ID-JI": "Asia/Jakarta", "ID-KB": "Asia/Jakarta", "ID-KS": "Asia/Makassar",
		"ID-KT": "Asia/Jakarta", "ID-KI": "Asia/Makassar", "ID-KU": "Asia/Makassar", "ID-KR": "Asia/Jakarta",
		"ID-LA": "Asia/Jakarta", "ID-MA": "Asia/Jayapura", "ID-MU": "Asia/Jayapura", "ID-NB": "Asia/Makassar",
		"ID-NT": "Asia/Makassar", "ID-PA": "Asia/Jayapura", "ID-PB": "Asia/Jayapura", "ID-PD": "Asia/Jayapura",
		"ID-PE": "Asia/Jayapura", "ID-PS": "Asia/Jayapura", "ID-PT": "Asia/Jayapura", "ID-RI": "Asia/Jakarta",
		"ID-SR": "Asia/Makassar", "ID-SN": "Asia/Makassar", "ID-ST": "Asia/Makassar", "ID-SG": "Asia/Makassar",
		"ID-SA": "Asia/Makassar", "ID-SB": "Asia/Jakarta", "ID-SS": "Asia/Jakarta", "ID-SU": "Asia/Jakarta",
		"ID-JK": "Asia/Jakarta", "ID-YO": "Asia/Jakarta",

		"FR-ARA": "Europe/Paris", "FR-BFC": "Europe/Paris", "FR-BRE": "Europe/Paris", "FR-CVL": "Europe/Paris",
		"FR-COR": "Europe/Paris", "FR-GES": "Europe/Paris", "FR-HDF": "Europe/Paris", "FR-IDF": "Europe/Paris",
		"FR-NOR": "Europe/Paris", "FR-NAQ": "Europe/Paris", "FR-OCC": "Europe/Paris", "FR-PDL": "Europe/Paris",
		"FR-PAC": "Europe/Paris", "FR-971": "America/Guadeloupe", "FR-972": "America/Martinique",
		"FR-973": "America/Cayenne", "FR-974": "Indian/Reunion", "FR-976": "Indian/Mayotte",

		// Not regions: no zone.
		"": "", "MN": "", "MN-999": "", "mn-057": "", "ID-XX": "", "FR-975": "", "DE-BE": "",
	}
	for _, r := range All() {
		if _, ok := want[r.Code]; !ok {
			t.Errorf("region %s has no expected zone in this test", r.Code)
		}
	}
	for code, zone := range want {
		if got := Zone(code); got != zone {
			t.Errorf("Zone(%q) = %q, want %q", code, got, zone)
		}
		if zone == "" {
			continue
		}
		if _, err := time.LoadLocation(zone); err != nil {
			t.Errorf("%s: zone %q does not load: %v", code, zone, err)
		}
	}
}
