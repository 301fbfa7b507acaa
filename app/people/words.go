package people

import (
	"strings"
	"sync"

	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/regions"
	"github.com/gotong/gotong/app/textfold"
	"github.com/gotong/gotong/locales"
)

// An import takes a coded value (locality, region, locale, yes or no) as
// its code or as people write it: the label the interface shows for it in
// any of the four languages, or a common word for it, in any letter case
// and with or without the accents of Latin letters (textfold.Key). The
// labels are read from the locale files, so that a reworded label is
// understood the day it is shown.

// localityLabels are the messages that name a locality in the interface.
var localityLabels = map[string][]string{
	Urban: {"locality_urban"},
	Rural: {"locality_rural", "reports_rural"},
}

// localityWords are the words for a locality that no label holds alone.
var localityWords = map[string][]string{
	Urban: {"urbain", "urbaine", "ville", "en ville", "city", "town", "kota", "perkotaan", "хот", "хотод"},
	Rural: {"rurale", "campagne", "village", "countryside", "desa", "perdesaan", "pedesaan", "хөдөө", "хөдөөд"},
}

// headerWords are common names of the columns of each field, in the four
// languages; the field's own name and its label in the mapping step
// (import_f_<field>) are understood too. "Name" and "Nama" are not: they
// often hold a whole name.
var headerWords = map[string][]string{
	FieldGivenName: {"first name", "given name", "forename", "prénom", "nama depan", "нэр", "өөрийн нэр"},
	FieldFamilyName: {"last name", "family name", "surname", "nom", "nom de famille", "nama belakang", "nama keluarga",
		"овог", "эцгийн нэр"},
	FieldEmail: {"e-mail", "mail", "email address", "courriel", "adresse e-mail", "adresse électronique", "surel",
		"alamat email", "имэйл", "и-мэйл", "цахим шуудан", "имэйл хаяг"},
	FieldPhone: {"phone number", "telephone", "tel", "mobile", "cell", "téléphone", "portable", "telepon", "no hp",
		"nomor telepon", "hp", "утас", "утасны дугаар"},
	FieldBirthYear: {"year of birth", "born", "année de naissance", "tahun lahir", "төрсөн он"},
	FieldRegion:    {"province", "aimag", "région", "provinsi", "daerah", "аймаг", "аймаг хот", "бүс нутаг"},
	FieldLocality: {"urban rural", "urban/rural", "localité", "milieu", "urbain rural", "kota desa", "perkotaan perdesaan",
		"хот хөдөө", "хот/хөдөө", "байршил"},
	FieldLocale: {"language", "lang", "langue", "bahasa", "хэл"},
	FieldHandle: {"twitter", "x", "instagram", "tiktok", "telegram", "social", "social media", "username", "pseudo",
		"réseau social", "media sosial", "сошиал", "сошиал хаяг", "твиттер"},
	FieldVolunteer: {"bénévole", "relawan", "сайн дурын ажилтан", "сайн дурын"},
	FieldTags:      {"tag", "interests", "étiquettes", "intérêts", "label", "minat", "шошго", "сонирхол"},
	FieldConsent:   {"consentement", "persetujuan", "зөвшөөрөл"},
}

// codeWords maps the key of each word a coded field accepts to its code,
// and the key (headerKey) of each column name AutoField knows to its field.
type codeWords struct {
	locality, region, locale, header map[string]string
}

var words = sync.OnceValue(func() codeWords {
	w := codeWords{locality: map[string]string{}, region: map[string]string{}, locale: map[string]string{},
		header: map[string]string{}}
	cat, err := i18n.Load(locales.FS, "en", nil)
	if err != nil {
		panic("people: the embedded locale files do not load: " + err.Error())
	}
	var messages []*i18n.Localizer
	for _, lang := range i18n.Supported {
		messages = append(messages, cat.Localizer(lang))
	}
	for _, field := range ImportFields {
		w.header[headerKey(field)] = field
		for _, s := range headerWords[field] {
			w.header[headerKey(s)] = field
		}
		for _, m := range messages {
			if s := m.T(fieldLabelID(field)); s != "" {
				w.header[headerKey(s)] = field
			}
		}
	}
	for code, ids := range localityLabels {
		w.locality[textfold.Key(code)] = code
		for _, s := range localityWords[code] {
			w.locality[textfold.Key(s)] = code
		}
		for _, m := range messages {
			for _, id := range ids {
				if s := m.T(id); s != "" {
					w.locality[textfold.Key(s)] = code
				}
			}
		}
	}
	for _, m := range messages {
		lang := m.Lang
		w.locale[textfold.Key(lang)] = lang
		if s := m.T("lang_name"); s != "" {
			w.locale[textfold.Key(s)] = lang
		}
	}
	// A name two regions share names neither.
	ambiguous := map[string]bool{}
	for _, r := range regions.All() {
		w.region[textfold.Key(r.Code)] = r.Code
		for _, name := range r.Names {
			k := textfold.Key(name)
			if code, ok := w.region[k]; ok && code != r.Code {
				ambiguous[k] = true
			}
			w.region[k] = r.Code
		}
	}
	for k := range ambiguous {
		delete(w.region, k)
	}
	return w
})

// fieldLabelID is the message that labels an import field on the mapping
// page, which the import accepts as its column's header.
func fieldLabelID(field string) string { return "import_f_" + field }

// codeOf is the code that a cell of a coded field stands for, or the cell
// as written (trimmed) when it stands for none, for validation to refuse.
func codeOf(table map[string]string, cell string) string {
	if code, ok := table[textfold.Key(strings.TrimSpace(cell))]; ok {
		return code
	}
	return strings.TrimSpace(cell)
}

// LocalityCode is the locality a cell of an import stands for ("хөдөө",
// "Rurale" and "In a town or city" do), or the cell itself.
func LocalityCode(cell string) string { return codeOf(words().locality, cell) }

// RegionCode is the region a cell of an import stands for: its code or
// its name in one of the four languages ("Архангай", "arkhangai",
// "mn-073"), or the cell itself.
func RegionCode(cell string) string { return codeOf(words().region, cell) }

// LocaleCode is the language a cell of an import stands for: its code or
// its own name ("Монгол", "français"), or the cell itself.
func LocaleCode(cell string) string { return codeOf(words().locale, cell) }
