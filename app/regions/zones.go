package regions

// Zone is the IANA time zone in which the region's clocks run, "" for an
// unknown region (DESIGN.md, Time). Mongolia runs on Ulaanbaatar time but
// for its western aimags on Hovd time; Indonesia on three zones (WIB,
// WITA, WIT); metropolitan France on Paris time and each overseas region
// on its own.
//
// Of the five aimags DESIGN.md names for Hovd time, Govi-Altai and
// Zavkhan keep Ulaanbaatar time: the zone database that phones and this
// binary share (tzdata's zone1970.tab) gives Asia/Hovd to Bayan-Ölgii,
// Khovd and Uvs only, so a Zavkhan camp at 09:00 on the participants'
// phones starts at 01:00 UTC.
func Zone(code string) string {
	if !Valid(code) {
		return ""
	}
	if z, ok := zones[code]; ok {
		return z
	}
	return countryZones[code[:2]]
}

// countryZones are the zones of the regions that zones does not name, by
// country.
var countryZones = map[string]string{"MN": "Asia/Ulaanbaatar", "FR": "Europe/Paris"}

// zones are the regions whose zone is not their country's (Mongolia's
// west, France overseas) and every Indonesian province, which has no
// country-wide zone.
var zones = map[string]string{
	// Mongolia's western aimags on Hovd time.
	"MN-071": "Asia/Hovd", // Bayan-Ölgii
	"MN-043": "Asia/Hovd", // Khovd
	"MN-046": "Asia/Hovd", // Uvs

	// Indonesia, Western Indonesia Time (WIB): Sumatra and its islands,
	// Java, West and Central Kalimantan.
	"ID-AC": "Asia/Jakarta", "ID-SU": "Asia/Jakarta", "ID-SB": "Asia/Jakarta", "ID-RI": "Asia/Jakarta",
	"ID-KR": "Asia/Jakarta", "ID-JA": "Asia/Jakarta", "ID-BE": "Asia/Jakarta", "ID-SS": "Asia/Jakarta",
	"ID-BB": "Asia/Jakarta", "ID-LA": "Asia/Jakarta",
	"ID-BT": "Asia/Jakarta", "ID-JK": "Asia/Jakarta", "ID-JB": "Asia/Jakarta", "ID-JT": "Asia/Jakarta",
	"ID-YO": "Asia/Jakarta", "ID-JI": "Asia/Jakarta",
	"ID-KB": "Asia/Jakarta", "ID-KT": "Asia/Jakarta",
	// Central Indonesia Time (WITA): Bali, Nusa Tenggara, South, East and
	// North Kalimantan, Sulawesi.
	"ID-BA": "Asia/Makassar", "ID-NB": "Asia/Makassar", "ID-NT": "Asia/Makassar",
	"ID-KS": "Asia/Makassar", "ID-KI": "Asia/Makassar", "ID-KU": "Asia/Makassar",
	"ID-SA": "Asia/Makassar", "ID-GO": "Asia/Makassar", "ID-ST": "Asia/Makassar", "ID-SR": "Asia/Makassar",
	"ID-SN": "Asia/Makassar", "ID-SG": "Asia/Makassar",
	// Eastern Indonesia Time (WIT): Maluku and Papua.
	"ID-MA": "Asia/Jayapura", "ID-MU": "Asia/Jayapura",
	"ID-PA": "Asia/Jayapura", "ID-PB": "Asia/Jayapura", "ID-PD": "Asia/Jayapura", "ID-PE": "Asia/Jayapura",
	"ID-PS": "Asia/Jayapura", "ID-PT": "Asia/Jayapura",

	// France overseas.
	"FR-971": "America/Guadeloupe",
	"FR-972": "America/Martinique",
	"FR-973": "America/Cayenne",
	"FR-974": "Indian/Reunion",
	"FR-976": "Indian/Mayotte",
}
