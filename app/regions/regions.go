// Package regions lists the first-level administrative regions of the
// countries Gotong works in (Mongolia, Indonesia, France), keyed by their
// ISO 3166-2 codes, with names in English, French, Mongolian and Indonesian.
// Country names are not here: they are translated in the locale files.
package regions

import (
	"maps"
	"sort"
)

// Region is a first-level administrative region.
type Region struct {
	Code    string            // ISO 3166-2, e.g. "MN-057"
	Country string            // ISO 3166-1 alpha-2: "MN", "ID" or "FR"
	Names   map[string]string // by language: "en", "fr", "mn", "id"
}

// countries in display order.
var countries = []string{"MN", "ID", "FR"}

// row is one region: code, then its names in en, fr, mn, id.
type row struct{ code, en, fr, mn, id string }

var rows = []row{
	// Mongolia: the capital and the 21 aimags.
	{"MN-1", "Ulaanbaatar", "Oulan-Bator", "Улаанбаатар", "Ulaanbaatar"},
	{"MN-035", "Orkhon", "Orkhon", "Орхон", "Orkhon"},
	{"MN-037", "Darkhan-Uul", "Darkhan-Uul", "Дархан-Уул", "Darkhan-Uul"},
	{"MN-039", "Khentii", "Khentii", "Хэнтий", "Khentii"},
	{"MN-041", "Khövsgöl", "Khövsgöl", "Хөвсгөл", "Khövsgöl"},
	{"MN-043", "Khovd", "Khovd", "Ховд", "Khovd"},
	{"MN-046", "Uvs", "Uvs", "Увс", "Uvs"},
	{"MN-047", "Töv", "Töv", "Төв", "Töv"},
	{"MN-049", "Selenge", "Selenge", "Сэлэнгэ", "Selenge"},
	{"MN-051", "Sükhbaatar", "Sükhbaatar", "Сүхбаатар", "Sükhbaatar"},
	{"MN-053", "Ömnögovi", "Ömnögovi", "Өмнөговь", "Ömnögovi"},
	{"MN-055", "Övörkhangai", "Övörkhangai", "Өвөрхангай", "Övörkhangai"},
	{"MN-057", "Zavkhan", "Zavkhan", "Завхан", "Zavkhan"},
	{"MN-059", "Dundgovi", "Dundgovi", "Дундговь", "Dundgovi"},
	{"MN-061", "Dornod", "Dornod", "Дорнод", "Dornod"},
	{"MN-063", "Dornogovi", "Dornogovi", "Дорноговь", "Dornogovi"},
	{"MN-064", "Govisümber", "Govisümber", "Говьсүмбэр", "Govisümber"},
	{"MN-065", "Govi-Altai", "Govi-Altai", "Говь-Алтай", "Govi-Altai"},
	{"MN-067", "Bulgan", "Bulgan", "Булган", "Bulgan"},
	{"MN-069", "Bayankhongor", "Bayankhongor", "Баянхонгор", "Bayankhongor"},
	{"MN-071", "Bayan-Ölgii", "Bayan-Ölgii", "Баян-Өлгий", "Bayan-Ölgii"},
	{"MN-073", "Arkhangai", "Arkhangai", "Архангай", "Arkhangai"},

	// Indonesia: the 38 provinces.
	{"ID-AC", "Aceh", "Aceh", "Ачех", "Aceh"},
	{"ID-BA", "Bali", "Bali", "Бали", "Bali"},
	{"ID-BB", "Bangka Belitung Islands", "Îles Bangka Belitung", "Бангка-Белитунг арлууд", "Kepulauan Bangka Belitung"},
	{"ID-BT", "Banten", "Banten", "Бантен", "Banten"},
	{"ID-BE", "Bengkulu", "Bengkulu", "Бенгкулу", "Bengkulu"},
	{"ID-GO", "Gorontalo", "Gorontalo", "Горонтало", "Gorontalo"},
	{"ID-JA", "Jambi", "Jambi", "Жамби", "Jambi"},
	{"ID-JB", "West Java", "Java occidental", "Баруун Ява", "Jawa Barat"},
	{"ID-JT", "Central Java", "Java central", "Төв Ява", "Jawa Tengah"},
	{"ID-JI", "East Java", "Java oriental", "Зүүн Ява", "Jawa Timur"},
	{"ID-KB", "West Kalimantan", "Kalimantan occidental", "Баруун Калимантан", "Kalimantan Barat"},
	{"ID-KS", "South Kalimantan", "Kalimantan du Sud", "Өмнөд Калимантан", "Kalimantan Selatan"},
	{"ID-KT", "Central Kalimantan", "Kalimantan central", "Төв Калимантан", "Kalimantan Tengah"},
	{"ID-KI", "East Kalimantan", "Kalimantan oriental", "Зүүн Калимантан", "Kalimantan Timur"},
	{"ID-KU", "North Kalimantan", "Kalimantan du Nord", "Хойд Калимантан", "Kalimantan Utara"},
	{"ID-KR", "Riau Islands", "Îles Riau", "Риау арлууд", "Kepulauan Riau"},
	{"ID-LA", "Lampung", "Lampung", "Лампунг", "Lampung"},
	{"ID-MA", "Maluku", "Moluques", "Малуку", "Maluku"},
	{"ID-MU", "North Maluku", "Moluques du Nord", "Хойд Малуку", "Maluku Utara"},
	{"ID-NB", "West Nusa Tenggara", "Petites îles de la Sonde occidentales", "Баруун Нуса Тенггара", "Nusa Tenggara Barat"},
	{"ID-NT", "East Nusa Tenggara", "Petites îles de la Sonde orientales", "Зүүн Нуса Тенггара", "Nusa Tenggara Timur"},
	{"ID-PA", "Papua", "Papouasie", "Папуа", "Papua"},
	{"ID-PB", "West Papua", "Papouasie occidentale", "Баруун Папуа", "Papua Barat"},
	{"ID-PD", "Southwest Papua", "Papouasie du Sud-Ouest", "Баруун өмнөд Папуа", "Papua Barat Daya"},
	{"ID-PE", "Highland Papua", "Papouasie des Hautes Terres", "Уулархаг Папуа", "Papua Pegunungan"},
	{"ID-PS", "South Papua", "Papouasie du Sud", "Өмнөд Папуа", "Papua Selatan"},
	{"ID-PT", "Central Papua", "Papouasie centrale", "Төв Папуа", "Papua Tengah"},
	{"ID-RI", "Riau", "Riau", "Риау", "Riau"},
	{"ID-SR", "West Sulawesi", "Sulawesi occidental", "Баруун Сулавеси", "Sulawesi Barat"},
	{"ID-SN", "South Sulawesi", "Sulawesi du Sud", "Өмнөд Сулавеси", "Sulawesi Selatan"},
	{"ID-ST", "Central Sulawesi", "Sulawesi central", "Төв Сулавеси", "Sulawesi Tengah"},
	{"ID-SG", "Southeast Sulawesi", "Sulawesi du Sud-Est", "Зүүн өмнөд Сулавеси", "Sulawesi Tenggara"},
	{"ID-SA", "North Sulawesi", "Sulawesi du Nord", "Хойд Сулавеси", "Sulawesi Utara"},
	{"ID-SB", "West Sumatra", "Sumatra occidental", "Баруун Суматра", "Sumatera Barat"},
	{"ID-SS", "South Sumatra", "Sumatra du Sud", "Өмнөд Суматра", "Sumatera Selatan"},
	{"ID-SU", "North Sumatra", "Sumatra du Nord", "Хойд Суматра", "Sumatera Utara"},
	{"ID-JK", "Jakarta", "Jakarta", "Жакарта", "DKI Jakarta"},
	{"ID-YO", "Yogyakarta", "Yogyakarta", "Йогьякарта", "DI Yogyakarta"},

	// France: the 13 metropolitan and 5 overseas regions.
	{"FR-ARA", "Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes", "Овернь-Рон-Альп", "Auvergne-Rhône-Alpes"},
	{"FR-BFC", "Bourgogne-Franche-Comté", "Bourgogne-Franche-Comté", "Бургунь-Франш-Конте", "Bourgogne-Franche-Comté"},
	{"FR-BRE", "Brittany", "Bretagne", "Бретань", "Bretagne"},
	{"FR-CVL", "Centre-Val de Loire", "Centre-Val de Loire", "Сантр-Валь-де-Луар", "Centre-Val de Loire"},
	{"FR-COR", "Corsica", "Corse", "Корсик", "Korsika"},
	{"FR-GES", "Grand Est", "Grand Est", "Гранд-Эст", "Grand Est"},
	{"FR-HDF", "Hauts-de-France", "Hauts-de-France", "О-де-Франс", "Hauts-de-France"},
	{"FR-IDF", "Île-de-France", "Île-de-France", "Иль-де-Франс", "Île-de-France"},
	{"FR-NOR", "Normandy", "Normandie", "Нормандия", "Normandia"},
	{"FR-NAQ", "Nouvelle-Aquitaine", "Nouvelle-Aquitaine", "Нувель-Аквитен", "Nouvelle-Aquitaine"},
	{"FR-OCC", "Occitania", "Occitanie", "Окситани", "Occitanie"},
	{"FR-PDL", "Pays de la Loire", "Pays de la Loire", "Пеи-де-ла-Луар", "Pays de la Loire"},
	{"FR-PAC", "Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur", "Прованс-Альп-Кот-д'Азюр", "Provence-Alpes-Côte d'Azur"},
	{"FR-971", "Guadeloupe", "Guadeloupe", "Гваделуп", "Guadeloupe"},
	{"FR-972", "Martinique", "Martinique", "Мартиник", "Martinik"},
	{"FR-973", "French Guiana", "Guyane", "Францын Гвиана", "Guyana Prancis"},
	{"FR-974", "Réunion", "La Réunion", "Реюньон", "Réunion"},
	{"FR-976", "Mayotte", "Mayotte", "Майотта", "Mayotte"},
}

var (
	all    []Region          // ordered by country (MN, ID, FR), then by code
	byCode map[string]Region // shares Names maps with all; never handed out as is
)

func init() {
	rank := make(map[string]int, len(countries))
	for i, c := range countries {
		rank[c] = i
	}
	all = make([]Region, 0, len(rows))
	byCode = make(map[string]Region, len(rows))
	for _, w := range rows {
		r := Region{
			Code:    w.code,
			Country: w.code[:2],
			Names:   map[string]string{"en": w.en, "fr": w.fr, "mn": w.mn, "id": w.id},
		}
		all = append(all, r)
		byCode[r.Code] = r
	}
	sort.SliceStable(all, func(i, j int) bool {
		if a, b := rank[all[i].Country], rank[all[j].Country]; a != b {
			return a < b
		}
		return all[i].Code < all[j].Code
	})
}

// clone returns r with its own copy of the Names map.
func (r Region) clone() Region {
	r.Names = maps.Clone(r.Names)
	return r
}

// All returns every region, ordered by country (MN, ID, FR), then by code
// (byte order, so "MN-073" comes before "MN-1" and "FR-971" before "FR-ARA").
// The result, Names maps included, is a fresh copy the caller may modify.
func All() []Region {
	out := make([]Region, len(all))
	for i, r := range all {
		out[i] = r.clone()
	}
	return out
}

// Lookup returns the region with exactly this ISO 3166-2 code (upper case,
// e.g. "MN-057").
func Lookup(code string) (Region, bool) {
	r, ok := byCode[code]
	if !ok {
		return Region{}, false
	}
	return r.clone(), true
}

// Valid reports whether code is exactly the ISO 3166-2 code of a known region.
func Valid(code string) bool {
	_, ok := byCode[code]
	return ok
}

// Name returns the region's name in lang ("en", "fr", "mn" or "id"), or the
// English name when there is none in lang.
func (r Region) Name(lang string) string {
	if n := r.Names[lang]; n != "" {
		return n
	}
	return r.Names["en"]
}

// Countries returns the ISO 3166-1 alpha-2 codes of the countries covered:
// "MN", "ID", "FR".
func Countries() []string {
	return append([]string(nil), countries...)
}

// ByCountry returns the regions of country (ISO 3166-1 alpha-2, upper case),
// ordered by code, or nil for an unknown country.
func ByCountry(country string) []Region {
	var out []Region
	for _, r := range all {
		if r.Country == country {
			out = append(out, r.clone())
		}
	}
	return out
}
