package people

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/gotong/gotong/app/quota"
	"gorm.io/gorm"
)

// Titles are the titles of an activity, a petition or a campaign by language.
type Titles map[string]string

// In is the title in lang, else in def, else in the first language, in
// alphabetical order, that has one.
func (t Titles) In(lang, def string) string {
	for _, l := range []string{lang, def} {
		if s := t[l]; s != "" {
			return s
		}
	}
	langs := make([]string, 0, len(t))
	for l, s := range t {
		if s != "" {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 {
		return ""
	}
	slices.Sort(langs)
	return t[langs[0]]
}

// RegistrationLine is one of a person's registrations.
type RegistrationLine struct {
	ID         int64
	ActivityID int64
	Kind       string
	StartsAt   time.Time
	Timezone   string // the activity's, in which its day is shown
	Titles     Titles `gorm:"-"`
	Status     string
	Pool       *string
	Attended   *bool
	// Confidential is set when the activity keeps seats for a sensitive
	// attribute: its seats are then not told apart, or the seat would tell
	// what the person declared.
	Confidential bool
	CreatedAt    time.Time
}

// SignatureLine is one of a person's signatures.
type SignatureLine struct {
	PetitionID     int64
	Slug           string
	Titles         Titles `gorm:"-"`
	CampaignID     int64
	CampaignTitles Titles `gorm:"-"`
	SignedAt       time.Time
}

// CoHostedLine is an activity co-hosted by partner organisations that the
// person joined (a confirmed seat not marked absent).
type CoHostedLine struct {
	ActivityID int64
	StartsAt   time.Time
	Timezone   string
	Titles     Titles
	Partners   []string // the organisations' names, sorted
}

// Involvement is what a person took part in: registrations newest activity
// first, signatures newest first, and the partners' activities they joined.
type Involvement struct {
	Registrations []RegistrationLine
	Signatures    []SignatureLine
	CoHosted      []CoHostedLine
}

// Involvement gathers what a person took part in, one statement per list
// and one per kind of title, however much there is.
func (s *Store) Involvement(ctx context.Context, personID int64) (*Involvement, error) {
	db := s.db.WithContext(ctx)
	out := &Involvement{}
	err := db.Table("registrations r").
		Select("r.id, r.activity_id, a.kind, a.starts_at, a.timezone, r.status, r.pool, r.attended, r.created_at, "+
			"EXISTS (SELECT 1 FROM quota_rules q WHERE q.activity_id = a.id AND q.attribute IN ?) AS confidential", quota.AllSensitive()).
		Joins("JOIN activities a ON a.id = r.activity_id").
		Where("r.person_id = ?", personID).Order("a.starts_at DESC, r.id DESC").Scan(&out.Registrations).Error
	if err != nil {
		return nil, fmt.Errorf("people: unable to read registrations: %w", err)
	}
	var activityIDs, joined []int64
	for _, r := range out.Registrations {
		activityIDs = append(activityIDs, r.ActivityID)
		if r.Status == "confirmed" && (r.Attended == nil || *r.Attended) {
			joined = append(joined, r.ActivityID)
		}
	}
	activityTitles, err := titles(db, "activity_translations", "activity_id", activityIDs)
	if err != nil {
		return nil, err
	}
	for i := range out.Registrations {
		out.Registrations[i].Titles = activityTitles[out.Registrations[i].ActivityID]
	}

	if len(joined) > 0 {
		var hosts []struct {
			ActivityID int64
			Name       string
		}
		err := db.Table("activity_partners ap").Select("ap.activity_id, p.name").Joins("JOIN partners p ON p.id = ap.partner_id").
			Where("ap.activity_id IN ?", joined).Order("p.name").Scan(&hosts).Error
		if err != nil {
			return nil, fmt.Errorf("people: unable to read co-hosts: %w", err)
		}
		names := map[int64][]string{}
		for _, h := range hosts {
			names[h.ActivityID] = append(names[h.ActivityID], h.Name)
		}
		seen := map[int64]bool{}
		for _, r := range out.Registrations {
			if n := names[r.ActivityID]; len(n) > 0 && slices.Contains(joined, r.ActivityID) && !seen[r.ActivityID] {
				seen[r.ActivityID] = true
				out.CoHosted = append(out.CoHosted, CoHostedLine{ActivityID: r.ActivityID, StartsAt: r.StartsAt, Timezone: r.Timezone, Titles: r.Titles, Partners: n})
			}
		}
	}

	err = db.Table("signatures s").Select("s.petition_id, p.slug, p.campaign_id, s.signed_at").
		Joins("JOIN petitions p ON p.id = s.petition_id").
		Where("s.person_id = ?", personID).Order("s.signed_at DESC, s.id DESC").Scan(&out.Signatures).Error
	if err != nil {
		return nil, fmt.Errorf("people: unable to read signatures: %w", err)
	}
	var petitionIDs, campaignIDs []int64
	for _, sig := range out.Signatures {
		petitionIDs = append(petitionIDs, sig.PetitionID)
		campaignIDs = append(campaignIDs, sig.CampaignID)
	}
	petitionTitles, err := titles(db, "petition_translations", "petition_id", petitionIDs)
	if err != nil {
		return nil, err
	}
	campaignTitles, err := titles(db, "campaign_translations", "campaign_id", campaignIDs)
	if err != nil {
		return nil, err
	}
	for i := range out.Signatures {
		out.Signatures[i].Titles = petitionTitles[out.Signatures[i].PetitionID]
		out.Signatures[i].CampaignTitles = campaignTitles[out.Signatures[i].CampaignID]
	}
	return out, nil
}

// titles reads the titles of the objects with ids from a translations
// table whose object column is col.
func titles(db *gorm.DB, table, col string, ids []int64) (map[int64]Titles, error) {
	out := map[int64]Titles{}
	if len(ids) == 0 {
		return out, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var rows []struct {
		ID     int64
		Locale string
		Title  string
	}
	if err := db.Table(table).Select(col+" AS id, locale, title").Where(col+" IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("people: unable to read titles from %s: %w", table, err)
	}
	for _, r := range rows {
		if out[r.ID] == nil {
			out[r.ID] = Titles{}
		}
		out[r.ID][r.Locale] = r.Title
	}
	return out, nil
}
