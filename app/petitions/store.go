package petitions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/campaigns"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/slug"
	"github.com/gotong/gotong/app/submissions"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// Bounds of a petition.
const (
	MinSlugLen    = 3
	MaxGoal       = 100_000_000
	MaxTitleRunes = 200
	MaxTextRunes  = 20000
)

// Input is what creating or changing a petition may set; nil leaves a field
// as it is. In Title and Text, a language given is set (an empty string
// removes it) and a language left out is kept.
type Input struct {
	CampaignID *int64
	Slug       *string
	Goal       *int
	Title      map[string]string
	Text       map[string]string
}

// Store reads and writes petitions and signatures.
type Store struct {
	db      *gorm.DB
	people  *people.Store
	subs    *submissions.Store
	catalog *i18n.Catalog
	baseURL string
	now     clock.Clock
}

// NewStore returns a store over db; signers become people through ps; a
// public signature waits in subs until its emailed link is tapped; catalog
// writes that email in the signer's language, with links under baseURL;
// now dates signatures and changes.
func NewStore(db *gorm.DB, ps *people.Store, subs *submissions.Store, catalog *i18n.Catalog, baseURL string, now clock.Clock) *Store {
	return &Store{db: db, people: ps, subs: subs, catalog: catalog, baseURL: baseURL, now: now}
}

// apply merges in into p and checks the result, reporting every problem.
func apply(p *Petition, in Input, f apperr.Fields) {
	if in.CampaignID != nil {
		p.CampaignID = *in.CampaignID
	}
	if in.Slug != nil {
		p.Slug = strings.TrimSpace(*in.Slug)
	}
	if in.Goal != nil {
		p.Goal = *in.Goal
	}
	p.Translations = i18n.MergeTexts(p.Translations, i18n.Texts{"title": in.Title, "text": in.Text}, f,
		func(t *Translation) string { return t.Locale },
		func(lang string) Translation { return Translation{PetitionID: p.ID, Locale: lang} },
		func(t *Translation, name string) *string {
			if name == "title" {
				return &t.Title
			}
			return &t.Text
		})
	// A language emptied of both is dropped.
	kept := p.Translations[:0]
	for _, t := range p.Translations {
		if t.Title != "" || t.Text != "" {
			kept = append(kept, t)
		}
	}
	p.Translations = kept
	validate(p, f)
}

// validate checks a whole petition, but for whether its campaign exists.
func validate(p *Petition, f apperr.Fields) {
	if p.CampaignID <= 0 {
		f.Add("campaign_id", "error_required")
	}
	switch {
	case p.Slug == "":
		f.Add("slug", "error_required")
	case len(p.Slug) < MinSlugLen || !slug.Valid(p.Slug):
		f.Add("slug", "error_petition_slug", "Min", MinSlugLen, "Max", slug.MaxLen)
	}
	if p.Goal < 1 || p.Goal > MaxGoal {
		f.Add("goal", "error_petition_goal", "Max", MaxGoal)
	}
	// Each language shows a title and a text together, never half a page.
	hasTitle, hasText := false, false
	for _, t := range p.Translations {
		hasTitle, hasText = hasTitle || t.Title != "", hasText || t.Text != ""
		usertext.Check(f, "title", t.Title, usertext.Line)
		usertext.Check(f, "text", t.Text, usertext.Lines)
		switch {
		case t.Title == "":
			f.Add("title", "error_petition_half_translation")
		case t.Text == "":
			f.Add("text", "error_petition_half_translation")
		}
		if utf8.RuneCountInString(t.Title) > MaxTitleRunes {
			f.Add("title", "error_too_long", "Max", MaxTitleRunes)
		}
		if utf8.RuneCountInString(t.Text) > MaxTextRunes {
			f.Add("text", "error_too_long", "Max", MaxTextRunes)
		}
	}
	if !hasTitle {
		f.Add("title", "error_title_required")
	}
	if !hasText {
		f.Add("text", "error_petition_text_required")
	}
}

// Check validates in as a new petition would be, storing nothing and
// without asking whether the campaign exists; a form uses it to report
// every problem at once beside its own parsing errors.
func Check(in Input) error {
	f := apperr.Fields{}
	apply(&Petition{}, in, f)
	return f.Err()
}

// checkCampaign adds an error when the petition's campaign does not exist.
func checkCampaign(tx *gorm.DB, p *Petition, f apperr.Fields) error {
	if p.CampaignID <= 0 {
		return nil
	}
	var n int64
	if err := tx.Table("campaigns").Where("id = ?", p.CampaignID).Count(&n).Error; err != nil {
		return fmt.Errorf("petitions: unable to find the campaign: %w", err)
	}
	if n == 0 {
		f.Add("campaign_id", "error_petition_campaign_unknown")
	}
	return nil
}

// saveErr turns the refusals of the database into field errors: a slug
// taken meanwhile, a campaign removed meanwhile.
func saveErr(err error) error {
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return apperr.Fields{"slug": {ID: "error_petition_slug_taken"}}.Err()
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return apperr.Fields{"campaign_id": {ID: "error_petition_campaign_unknown"}}.Err()
	}
	return fmt.Errorf("petitions: unable to save: %w", err)
}

// Create validates and stores a new petition.
func (s *Store) Create(ctx context.Context, actorID int64, in Input) (*Petition, error) {
	p := &Petition{}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		f := apperr.Fields{}
		apply(p, in, f)
		if err := checkCampaign(tx, p, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now()
		p.CreatedAt, p.UpdatedAt = now, now
		if err := tx.Create(p).Error; err != nil {
			return saveErr(err)
		}
		return audit.Record(tx, actorID, "petition.create", "petition", strconv.FormatInt(p.ID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Update merges in into petition id and saves it.
func (s *Store) Update(ctx context.Context, actorID, id int64, in Input) (*Petition, error) {
	var out *Petition
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		p, err := get(tx, "id = ?", id)
		if err != nil {
			return err
		}
		f := apperr.Fields{}
		apply(p, in, f)
		if err := checkCampaign(tx, p, f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		p.UpdatedAt = s.now()
		if err := tx.Omit("Translations").Save(p).Error; err != nil {
			return saveErr(err)
		}
		if err := tx.Where("petition_id = ?", id).Delete(&Translation{}).Error; err != nil {
			return fmt.Errorf("petitions: unable to save texts: %w", err)
		}
		if len(p.Translations) > 0 {
			if err := tx.Create(&p.Translations).Error; err != nil {
				return fmt.Errorf("petitions: unable to save texts: %w", err)
			}
		}
		if p.Signatures, err = count(tx, id); err != nil {
			return err
		}
		out = p
		return audit.Record(tx, actorID, "petition.update", "petition", strconv.FormatInt(id, 10), nil)
	})
	return out, err
}

func get(db *gorm.DB, query string, arg any) (*Petition, error) {
	var p Petition
	err := db.Preload("Translations").Where(query, arg).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("petitions: unable to fetch: %w", err)
	}
	return &p, nil
}

// getCounted is get with the petition's count of signatures.
func getCounted(db *gorm.DB, scope func(*gorm.DB) *gorm.DB, query string, arg any) (*Petition, error) {
	p, err := get(db.Scopes(scope), query, arg)
	if err != nil {
		return nil, err
	}
	if p.Signatures, err = count(db, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// Get returns one petition with its texts and count, if v reaches its
// campaign (campaigns.Reached); any other is not found.
func (s *Store) Get(ctx context.Context, v access.Viewer, id int64) (*Petition, error) {
	return getCounted(s.db.WithContext(ctx), campaigns.Reached(v, "campaign_id"), "id = ?", id)
}

// anyone narrows nothing: a petition's public page is everyone's.
func anyone(q *gorm.DB) *gorm.DB { return q }

// GetBySlug returns one petition by slug with its texts and count.
func (s *Store) GetBySlug(ctx context.Context, slug string) (*Petition, error) {
	return getCounted(s.db.WithContext(ctx), anyone, "slug = ?", slug)
}

// List returns the petitions v may see, newest first, with their counts.
func (s *Store) List(ctx context.Context, v access.Viewer) ([]Petition, error) {
	return s.list(ctx, s.db.WithContext(ctx).Scopes(campaigns.Reached(v, "campaign_id")))
}

// ForCampaigns returns the petitions of campaigns ids by campaign, newest
// first, with their counts; those of campaigns v does not reach are absent.
func (s *Store) ForCampaigns(ctx context.Context, v access.Viewer, ids []int64) (map[int64][]Petition, error) {
	out := map[int64][]Petition{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := s.list(ctx, s.db.WithContext(ctx).Scopes(campaigns.Reached(v, "campaign_id")).Where("campaign_id IN ?", ids))
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		out[p.CampaignID] = append(out[p.CampaignID], p)
	}
	return out, nil
}

func (s *Store) list(ctx context.Context, q *gorm.DB) ([]Petition, error) {
	var out []Petition
	if err := q.Preload("Translations").Order("id DESC").Limit(500).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("petitions: unable to list: %w", err)
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	counts, err := s.Counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Signatures = counts[out[i].ID]
	}
	return out, nil
}

// Campaign is a campaign as petitions name it: its id and its title in a
// language.
type Campaign struct {
	ID    int64
	Title string
}

// Campaigns returns every campaign with its title in lang, else in def,
// else in the first language that has one, newest first.
func (s *Store) Campaigns(ctx context.Context, lang, def string) ([]Campaign, error) {
	var rows []struct {
		ID     int64
		Locale *string
		Title  *string
	}
	err := s.db.WithContext(ctx).Table("campaigns").
		Select("campaigns.id, campaign_translations.locale, campaign_translations.title").
		Joins("LEFT JOIN campaign_translations ON campaign_translations.campaign_id = campaigns.id AND campaign_translations.title <> ''").
		Order("campaigns.id DESC, campaign_translations.locale").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("petitions: unable to list campaigns: %w", err)
	}
	var out []Campaign
	rank := map[int64]int{} // how well the title found so far fits: 0 best
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			out = append(out, Campaign{ID: r.ID})
			rank[r.ID] = 4
		}
		if r.Title == nil {
			continue
		}
		fit := 2
		switch *r.Locale {
		case lang:
			fit = 0
		case def:
			fit = 1
		}
		if fit < rank[r.ID] {
			rank[r.ID] = fit
			out[len(out)-1].Title = *r.Title
		}
	}
	return out, nil
}
