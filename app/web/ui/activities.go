package ui

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/web/request"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/regions"
)

// Labels of the activity vocabularies, by value.
var (
	kindLabels     = map[string]string{activities.KindTraining: "kind_training", activities.KindWellbeing: "kind_wellbeing", activities.KindCamp: "kind_camp"}
	modeLabels     = map[string]string{activities.ModeInPerson: "mode_in_person", activities.ModeOnline: "mode_online", activities.ModeHybrid: "mode_hybrid"}
	localityLabels = map[string]string{people.Urban: "locality_urban", people.Rural: "locality_rural"}
	// registrationModeLabels name the registration modes.
	registrationModeLabels = map[string]string{activities.RegistrationModeOpen: "registration_mode_open",
		activities.RegistrationModeApplication: "registration_mode_application"}
)

// option is a choice of a select or radio group.
type option struct {
	Value, Label string
	Selected     bool
}

func options(values []string, labels map[string]string, p *request.Page, selected string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: p.L.T(labels[v]), Selected: v == selected}
	}
	return out
}

// regionGroup is a country's regions for a grouped select.
type regionGroup struct {
	Label   string
	Regions []option
}

var countryLabels = map[string]string{"MN": "country_mn", "ID": "country_id", "FR": "country_fr"}

func regionGroups(p *request.Page, selected string) []regionGroup {
	var out []regionGroup
	for _, c := range regions.Countries() {
		g := regionGroup{Label: p.L.T(countryLabels[c])}
		rs := regions.ByCountry(c)
		regions.SortByName(rs, p.L.Lang)
		for _, r := range rs {
			g.Regions = append(g.Regions, option{Value: r.Code, Label: r.Name(p.L.Lang), Selected: r.Code == selected})
		}
		out = append(out, g)
	}
	return out
}

// activityCard is an activity as the public pages show it.
type activityCard struct {
	A        *activities.Activity
	Text     activities.Text
	Kind     string
	Mode     string
	Region   string
	Free     int
	Counted  bool // whether Free was read
	Open     bool
	Closed   string // why registration is not open
	Quotas   []string
	AgeRange string
	// HidePlace leaves the venue out (a discreet activity's public pages):
	// the place is sent to confirmed participants.
	HidePlace bool
	// Src is the source of the shared link the page was reached by
	// (sharing.Source), which its link to the form carries on.
	Src string
}

func (s *Handlers) card(c *fiber.Ctx, p *request.Page, a *activities.Activity, withSeats bool) (activityCard, error) {
	now := s.Clock().UTC()
	card := activityCard{A: a, Text: a.TextIn(p.L.Lang, s.Catalog.Default()),
		Kind: p.L.T(kindLabels[a.Kind]), Mode: p.L.T(modeLabels[a.Mode]), HidePlace: a.Discreet}
	if r, ok := regions.Lookup(a.Region); ok {
		card.Region = r.Name(p.L.Lang)
	}
	open, reason := a.RegistrationOpen(now)
	card.Open = open
	if !open {
		card.Closed = p.L.T(reason)
	}
	for _, q := range a.Quotas {
		if !a.Released(q, now) {
			card.Quotas = append(card.Quotas, p.L.T("activity_quota", "Share", p.L.Number(int(q.Share*100+0.5)), "Group", p.L.T(quota.Label(q.Attribute))))
		}
	}
	switch {
	case a.AgeMin != nil && a.AgeMax != nil:
		card.AgeRange = p.L.T("activity_ages", "Min", *a.AgeMin, "Max", *a.AgeMax)
	case a.AgeMin != nil:
		card.AgeRange = p.L.T("activity_ages_from", "Min", *a.AgeMin)
	case a.AgeMax != nil:
		card.AgeRange = p.L.T("activity_ages_to", "Max", *a.AgeMax)
	}
	if withSeats {
		confirmed, err := s.Registrations.ConfirmedCount(c.UserContext(), a.ID)
		if err != nil {
			return card, err
		}
		card.Free, card.Counted = max(0, a.Capacity-confirmed), true
	}
	return card, nil
}

// Full reports whether every seat of the card's activity is taken, so that
// registering joins its waiting list.
func (c activityCard) Full() bool { return c.Counted && c.Free == 0 }

type activitiesData struct {
	Cards   []activityCard
	Kinds   []option
	Modes   []option
	Regions []regionGroup
	Region  string
}

// ActivitiesList is the public list of upcoming published activities.
func (s *Handlers) ActivitiesList(c *fiber.Ctx) error {
	f := activities.Filter{Status: activities.StatusPublished, Kind: c.Query("kind"), Region: c.Query("region"), Mode: c.Query("mode"),
		Listed: true}
	list, err := s.Activities.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	p := s.Page(c, "activities_title", nil)
	data := activitiesData{Kinds: options(activities.Kinds, kindLabels, p, f.Kind),
		Modes: options(activities.Modes, modeLabels, p, f.Mode), Regions: regionGroups(p, f.Region), Region: f.Region}
	now := s.Clock()
	for i := range list {
		if list[i].EndsAt.Before(now) {
			continue
		}
		card, err := s.card(c, p, &list[i], false)
		if err != nil {
			return err
		}
		data.Cards = append(data.Cards, card)
	}
	ids := make([]int64, len(data.Cards))
	for i, card := range data.Cards {
		ids[i] = card.A.ID
	}
	confirmed, err := s.Registrations.ConfirmedCounts(c.UserContext(), ids)
	if err != nil {
		return err
	}
	for i := range data.Cards {
		card := &data.Cards[i]
		card.Free, card.Counted = max(0, card.A.Capacity-confirmed[card.A.ID]), true
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplActivities, p)
}

func activityPath(slug string) string { return "/activities/" + url.PathEscape(slug) }

// publicActivity finds a published (or cancelled or completed) activity by
// slug; drafts are not public.
func (s *Handlers) publicActivity(c *fiber.Ctx) (*activities.Activity, error) {
	slug := strings.TrimSuffix(c.Params("slug"), ".ics")
	a, err := s.Cached.BySlug(c.UserContext(), slug)
	if err != nil {
		return nil, err
	}
	if a.Status == activities.StatusDraft {
		return nil, apperr.ErrNotFound
	}
	return a, nil
}

// ActivityPage shows one activity with its free seats. A discreet one is
// reached only by its link: kept out of search engines, its place left to
// the confirmed participants' manage page, and its title out of the
// browser's history and tabs.
func (s *Handlers) ActivityPage(c *fiber.Ctx) error {
	if strings.HasSuffix(c.Params("slug"), ".ics") {
		return s.activityICS(c)
	}
	a, err := s.publicActivity(c)
	if err != nil {
		return err
	}
	p := s.Page(c, "activities_title", nil)
	card, err := s.card(c, p, a, true)
	if err != nil {
		return err
	}
	p.Title = card.Text.Title
	data := activityPageData{activityCard: card}
	if a.Discreet {
		p.Title, p.NoIndex = p.L.T("activity_neutral_title"), true
		p.Meta = s.neutralPreview(p, p.Title)
	} else {
		data.Src = sharing.Source(c.Query("src"))
		data.Share = s.shareFor(p, activityPath(a.Slug), card.Text.Title)
		p.Meta = s.preview(p, activityPath(a.Slug), p.Title, card.Text.Summary)
	}
	p.Data = data
	return s.Render(c, fiber.StatusOK, tplActivity, p)
}

// activityPageData is what an activity's public page shows: its card, and
// the ways to pass it on (none for a discreet activity).
type activityPageData struct {
	activityCard
	Share *shareBlock
}

// activityICS serves the activity as a calendar file.
func (s *Handlers) activityICS(c *fiber.Ctx) error {
	a, err := s.publicActivity(c)
	if err != nil {
		return err
	}
	l := s.Localizer(c)
	var b bytes.Buffer
	if err := a.WriteICS(&b, activities.ICSOptions{Lang: l.Lang, Default: s.Catalog.Default(), BaseURL: s.Config.BaseURL,
		Neutral: l.T("activity_neutral_title"), ShowPlace: !a.Discreet}); err != nil {
		return err
	}
	// A discreet activity's slug may name it: the saved file's name does not.
	name := a.Slug
	if a.Discreet {
		name = "gotong"
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.ics"`)
	return c.Send(b.Bytes())
}
