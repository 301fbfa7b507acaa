// Package peopleseed makes up people for load tests and demonstrations: as
// many as asked, plausible (names in the four languages' scripts, regions of
// Mongolia, Indonesia and France, tags of campaign themes, a quarter with
// consent to news) and the same for the same seed. Generate is pure, so a
// benchmark can recompute who was seeded without reading the database; Seed
// writes them, by COPY on PostgreSQL and by batched inserts on SQLite.
package peopleseed

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/regions"
)

// Source marks the people Seed writes (the people.source column).
const Source = "seed"

// Shares of the people generated, in per mille.
const (
	HandlePerMille    = 700 // have a social handle
	RuralPerMille     = 350 // declare a rural locality, the others urban
	VolunteerPerMille = 200 // volunteer
	NewsPerMille      = 250 // consented to news (mailings) when they signed up
	MaxTags           = 4   // a person has 0 to MaxTags tags
	FirstBirthYear    = 1990
	LastBirthYear     = 2012
)

// Period is when the people generated were created: the three years before
// PeriodEnd. It is fixed, so that a seed gives the same people whenever it
// runs.
const Period = 3 * 365 * 24 * time.Hour

// PeriodEnd closes Period.
var PeriodEnd = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

// Theme is a tag and its weight: a person's tags are drawn in proportion to
// the weights.
type Theme struct {
	Name   string
	Weight int
}

// Themes are the tags people get: campaign themes of a human-rights youth
// programme, the most common first.
var Themes = []Theme{
	{"climate", 14}, {"privacy", 12}, {"freedom-of-expression", 11}, {"gender-equality", 10},
	{"lgbti-rights", 9}, {"education", 8}, {"refugees", 7}, {"digital-rights", 7},
	{"disability-rights", 6}, {"minority-rights", 6}, {"peaceful-assembly", 5}, {"press-freedom", 5},
	{"indigenous-rights", 4}, {"death-penalty", 4}, {"torture", 3}, {"housing", 3},
	{"health", 3}, {"labour-rights", 3}, {"youth-participation", 3}, {"anti-discrimination", 2},
}

// tagCounts is how many tags a person has, in per mille for 0, 1, 2, …:
// about two on average.
var tagCounts = []int{150, 250, 250, 200, 150}

// Person is one person generated and the tags they have.
type Person struct {
	people.Person
	Tags []string
}

// name is a given or family name as written and in ASCII for addresses.
type name struct{ written, ascii string }

// language is the names of one language and where its speakers live.
type language struct {
	locale  string
	country string // "" for anywhere
	given   []name
	family  []name
	// familyPerMille have a family name (many Indonesians go by one name).
	familyPerMille int
}

func same(list ...string) []name {
	out := make([]name, len(list))
	for i, s := range list {
		out[i] = name{s, strings.ToLower(s)}
	}
	return out
}

var (
	mongolian = language{locale: "mn", country: "MN", familyPerMille: 1000,
		given: []name{{"Сараа", "saraa"}, {"Болд", "bold"}, {"Номин", "nomin"}, {"Тэмүүлэн", "temuulen"},
			{"Анар", "anar"}, {"Отгон", "otgon"}, {"Мөнхзул", "munkhzul"}, {"Батбаяр", "batbayar"},
			{"Энхжин", "enkhjin"}, {"Ариунаа", "ariunaa"}, {"Билгүүн", "bilguun"}, {"Золбоо", "zolboo"},
			{"Гэрэл", "gerel"}, {"Оюун", "oyun"}, {"Хулан", "khulan"}, {"Цэцэг", "tsetseg"},
			{"Дөлгөөн", "dulguun"}, {"Тэнгис", "tengis"}, {"Мишээл", "misheel"}, {"Ганбаатар", "ganbaatar"},
			{"Уянга", "uyanga"}, {"Төгөлдөр", "tuguldur"}, {"Солонго", "solongo"}, {"Хишиг", "khishig"}},
		family: []name{{"Батсүх", "batsukh"}, {"Дорж", "dorj"}, {"Ганбат", "ganbat"}, {"Мөнхбат", "munkhbat"},
			{"Энхтуяа", "enkhtuya"}, {"Пүрэв", "purev"}, {"Цэрэн", "tseren"}, {"Баатар", "baatar"},
			{"Очир", "ochir"}, {"Сүхбат", "sukhbat"}, {"Нямдорж", "nyamdorj"}, {"Эрдэнэ", "erdene"},
			{"Жаргал", "jargal"}, {"Лхагва", "lkhagva"}, {"Ганзориг", "ganzorig"}, {"Түмэн", "tumen"}}}
	indonesian = language{locale: "id", country: "ID", familyPerMille: 750,
		given: same("Sari", "Dewi", "Putri", "Ayu", "Rizky", "Budi", "Agus", "Fajar", "Intan", "Wahyu",
			"Nur", "Siti", "Eko", "Yusuf", "Rina", "Andi", "Bayu", "Citra", "Dimas", "Fitri",
			"Gilang", "Hana", "Indra", "Kartika"),
		family: same("Santoso", "Wijaya", "Saputra", "Hidayat", "Lestari", "Siregar", "Nasution", "Pratama",
			"Kurniawan", "Utami", "Setiawan", "Wibowo", "Rahmawati", "Harahap", "Simanjuntak", "Pangaribuan")}
	french = language{locale: "fr", country: "FR", familyPerMille: 1000,
		given: []name{{"Élodie", "elodie"}, {"Camille", "camille"}, {"Léa", "lea"}, {"Chloé", "chloe"},
			{"Théo", "theo"}, {"Noé", "noe"}, {"Maël", "mael"}, {"Hélène", "helene"}, {"François", "francois"},
			{"Jérôme", "jerome"}, {"Inès", "ines"}, {"Zoé", "zoe"}, {"Anaïs", "anais"}, {"Raphaël", "raphael"},
			{"Manon", "manon"}, {"Lucas", "lucas"}, {"Yasmine", "yasmine"}, {"Karim", "karim"},
			{"Océane", "oceane"}, {"Gaëlle", "gaelle"}},
		family: []name{{"Lefèvre", "lefevre"}, {"Dubois", "dubois"}, {"Moreau", "moreau"}, {"Girard", "girard"},
			{"Bérenger", "berenger"}, {"Mercier", "mercier"}, {"Fontaine", "fontaine"}, {"Rousseau", "rousseau"},
			{"Benoît", "benoit"}, {"Lemaître", "lemaitre"}, {"Chevalier", "chevalier"}, {"Garnier", "garnier"},
			{"Faure", "faure"}, {"André", "andre"}, {"Mbappé", "mbappe"}, {"Nguyen", "nguyen"}}}
	english = language{locale: "en", familyPerMille: 1000,
		given: same("Emma", "Olivia", "James", "Liam", "Amelia", "Noah", "Grace", "Oliver", "Ava", "Jack",
			"Isla", "Harry", "Mia", "Ethan", "Chloe", "Samuel", "Zara", "Daniel", "Ruby", "Leo"),
		family: same("Smith", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Johnson", "Walker",
			"Wright", "Robinson", "Thompson", "White", "Hughes", "Green", "Hall", "Clarke")}
)

// countries: where people live, in per mille, and the language most speak
// there; englishPerMille of them use English instead.
var countries = []struct {
	perMille int
	lang     *language
	regions  []string
}{
	{400, &mongolian, codes("MN")},
	{400, &indonesian, codes("ID")},
	{200, &french, codes("FR")},
}

const englishPerMille = 120

func codes(country string) []string {
	var out []string
	for _, r := range regions.ByCountry(country) {
		out = append(out, r.Code)
	}
	return out
}

var domains = []string{"example.org", "example.net", "example.com"}

// Email is the address of person i of seed: unique for every seed and i,
// since the names hold no digit and end before the seed and i.
func Email(seed int64, i int) string {
	return Generate(seed, i).Email()
}

// Email is the person's address.
func (p Person) Email() string {
	if p.Person.Email == nil {
		return ""
	}
	return *p.Person.Email
}

// Generate is person i (from 0) of seed; the same seed and i always give
// the same person.
func Generate(seed int64, i int) Person {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
	pm := func() int { return r.IntN(1000) }

	c := countries[len(countries)-1]
	for x, acc, k := pm(), 0, 0; k < len(countries); k++ {
		if acc += countries[k].perMille; x < acc {
			c = countries[k]
			break
		}
	}
	lang := c.lang
	if pm() < englishPerMille {
		lang = &english
	}
	given := lang.given[r.IntN(len(lang.given))]
	var family name
	if pm() < lang.familyPerMille {
		family = lang.family[r.IntN(len(lang.family))]
	}

	local := given.ascii
	if family.ascii != "" {
		local += "." + family.ascii
	}
	email := local + "." + strconv.FormatInt(seed, 10) + "-" + strconv.Itoa(i) + "@" + domains[r.IntN(len(domains))]
	year := FirstBirthYear + r.IntN(LastBirthYear-FirstBirthYear+1)
	created := PeriodEnd.Add(-time.Duration(r.Int64N(int64(Period/time.Second))) * time.Second)

	p := Person{Person: people.Person{
		GivenName:      given.written,
		FamilyName:     family.written,
		Email:          &email,
		BirthYear:      &year,
		Region:         c.regions[r.IntN(len(c.regions))],
		Locality:       people.Urban,
		Locale:         lang.locale,
		ConsentVersion: people.ConsentVersion,
		ConsentAt:      &created,
		Source:         Source,
		CreatedAt:      created,
		UpdatedAt:      created,
	}}
	if pm() < HandlePerMille {
		p.Handle = "@" + strings.ReplaceAll(local, ".", "_") + "_" + strconv.FormatInt(int64(i), 36)
	}
	if pm() < RuralPerMille {
		p.Locality = people.Rural
	}
	p.Volunteer = pm() < VolunteerPerMille
	p.Tags = drawTags(r)
	// Drawn last, so that every draw before it gives what it gave before
	// consent to news existed.
	if pm() < NewsPerMille {
		news := created
		p.NewsAt = &news
	}
	return p
}

// totalWeight is the sum of the themes' weights.
var totalWeight = func() int {
	n := 0
	for _, t := range Themes {
		n += t.Weight
	}
	return n
}()

// drawTags draws how many tags, then each in proportion to its weight, none
// twice.
func drawTags(r *rand.Rand) []string {
	n, x := 0, r.IntN(1000)
	for acc := 0; n < len(tagCounts); n++ {
		acc += tagCounts[n]
		if x < acc {
			break
		}
	}
	n = min(n, MaxTags)
	var out []string
	for len(out) < n {
		x := r.IntN(totalWeight)
		var pick string
		for _, t := range Themes {
			if x < t.Weight {
				pick = t.Name
				break
			}
			x -= t.Weight
		}
		dup := false
		for _, o := range out {
			dup = dup || o == pick
		}
		if !dup {
			out = append(out, pick)
		}
	}
	return out
}
