// Package i18n loads the message catalogs, chooses the language of a request
// and formats messages, plurals, dates and numbers in it.
package i18n

import (
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Supported lists the languages Gotong speaks; English is the source.
var Supported = []string{"en", "fr", "mn", "id"}

var matcher = language.NewMatcher([]language.Tag{language.English, language.French, language.Mongolian, language.Indonesian})

// IsSupported reports whether code names one of the supported languages.
func IsSupported(code string) bool {
	for _, s := range Supported {
		if s == code {
			return true
		}
	}
	return false
}

// Negotiate chooses the language of a request: an explicit ?lang=, then the
// one remembered in the cookie, then the user's preference, then the best
// match of Accept-Language, then def. Unsupported values are passed over.
func Negotiate(query, cookie, preference, acceptLanguage, def string) string {
	for _, v := range []string{query, cookie, preference} {
		if v = strings.ToLower(strings.TrimSpace(v)); IsSupported(v) {
			return v
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			if _, i, conf := matcher.Match(tags...); conf != language.No {
				return Supported[i]
			}
		}
	}
	return def
}

// Catalog is the loaded bundle with one ready localizer per language.
type Catalog struct {
	def        string
	localizers map[string]*Localizer
}

// Load reads <lang>.toml for every supported language from fsys.
func Load(fsys fs.FS, def string, log *slog.Logger) (*Catalog, error) {
	bundle := goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Supported {
		if _, err := bundle.LoadMessageFileFS(fsys, lang+".toml"); err != nil {
			return nil, fmt.Errorf("i18n: unable to load %s.toml: %w", lang, err)
		}
	}
	c := &Catalog{def: def, localizers: map[string]*Localizer{}}
	for _, lang := range Supported {
		tag := language.MustParse(lang)
		c.localizers[lang] = &Localizer{
			Lang:    lang,
			l:       goi18n.NewLocalizer(bundle, lang, def),
			printer: message.NewPrinter(tag),
			log:     log,
		}
	}
	return c, nil
}

// Default is the configured default language.
func (c *Catalog) Default() string { return c.def }

// Localizer returns the localizer of lang, or of the default language.
func (c *Catalog) Localizer(lang string) *Localizer {
	if l, ok := c.localizers[lang]; ok {
		return l
	}
	return c.localizers[c.def]
}

// Localizer formats text for one language. It is safe for concurrent use and
// is handed to templates in the page data, never bound into shared templates.
type Localizer struct {
	Lang    string
	l       *goi18n.Localizer
	printer *message.Printer
	log     *slog.Logger
}

// T translates the message id; args are name, value pairs for its
// placeholders. A number among the values is written as the language writes
// numbers (Number: "1,000,000", "1 000 000", "1.000.000"); a value that is
// not a quantity, such as a year or an id, is given as a string.
func (l *Localizer) T(id string, args ...any) string {
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: l.pairs(args)})
}

// Plural translates id with the CLDR plural form of count, which is also
// given to the message as {{.Count}}.
func (l *Localizer) Plural(id string, count int, args ...any) string {
	data := l.pairs(args)
	data["Count"] = l.Number(count)
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: data})
}

// localize never fails: a missing translation falls back (and is logged), a
// missing message shows its id.
func (l *Localizer) localize(cfg *goi18n.LocalizeConfig) string {
	s, err := l.l.Localize(cfg)
	if err != nil {
		if l.log != nil {
			l.log.Warn("translation missing", "lang", l.Lang, "id", cfg.MessageID, "err", err)
		}
		if s == "" {
			return cfg.MessageID
		}
	}
	return s
}

// Number formats an integer or float with the language's separators.
func (l *Localizer) Number(n any) string {
	switch v := n.(type) {
	case int, int32, int64, uint, uint32, uint64, float32, float64:
		return l.printer.Sprint(number.Decimal(v))
	default:
		return fmt.Sprint(n)
	}
}

var monthIDs = [12]string{"month_1", "month_2", "month_3", "month_4", "month_5", "month_6",
	"month_7", "month_8", "month_9", "month_10", "month_11", "month_12"}

// Date formats a day as the language writes it.
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("format_date", "Day", strconv.Itoa(t.Day()), "Month", l.T(monthIDs[t.Month()-1]), "Year", strconv.Itoa(t.Year()))
}

// Clock formats a time of day (24-hour clock) as t's own location reads
// it: the caller puts t in the zone it means.
func (l *Localizer) Clock(t time.Time) string {
	return l.T("format_clock", "Hour", fmt.Sprintf("%02d", t.Hour()), "Minute", fmt.Sprintf("%02d", t.Minute()))
}

// DateClock formats a day and a time of day as t's own location reads
// them; Date and Clock in one phrase.
func (l *Localizer) DateClock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("format_datetime", "Date", l.Date(t), "Time", l.Clock(t))
}

// DateTime formats a day and a time of day in UTC: the moments of the
// portal's own records (audit, notes, consents). An activity's times are
// the activity's to format, in its zone (activities.Activity.When).
func (l *Localizer) DateTime(t time.Time) string {
	return l.DateClock(t.UTC())
}

// pairs makes the template data of name, value pairs, numbers formatted.
func (l *Localizer) pairs(args []any) map[string]any {
	m := make(map[string]any, len(args)/2+1)
	for i := 0; i+1 < len(args); i += 2 {
		k, ok := args[i].(string)
		if !ok {
			continue
		}
		switch v := args[i+1].(type) {
		case int, int32, int64, uint, uint32, uint64, float32, float64:
			m[k] = l.Number(v)
		default:
			m[k] = v
		}
	}
	return m
}
