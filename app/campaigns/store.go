package campaigns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/partners"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// Limits of what a campaign holds.
const (
	MaxTitle      = 200
	MaxSummary    = 2000
	MaxNote       = 4000
	MaxItem       = 200
	MaxLetterNote = 1000
	MaxLetters    = 1000000 // letters in one entry
)

var (
	errForbidden  = apperr.New(apperr.Forbidden, "error_forbidden")
	errNotYours   = apperr.New(apperr.Forbidden, "error_stage_not_yours")
	errNoPartner  = apperr.New(apperr.NotFound, "error_partner_unknown")
	errStageMoved = apperr.New(apperr.Conflict, "error_stage_change")
)

// LeadRoles are the roles of the users who may lead a campaign.
var LeadRoles = []string{access.Coordinator, access.Admin}

// RoleChecker tells which users hold a role (auth.Store does).
type RoleChecker interface {
	Holding(ctx context.Context, role string, ids []int64) (map[int64]bool, error)
}

// Store reads and writes campaigns.
type Store struct {
	db    *gorm.DB
	roles RoleChecker
}

// NewStore returns a store over db; roles vouches for lead coordinators.
func NewStore(db *gorm.DB, roles RoleChecker) *Store {
	return &Store{db: db, roles: roles}
}

// Input is what creating or changing a campaign may set; nil leaves a field
// as it is (or at its default when creating).
type Input struct {
	Title   map[string]string
	Summary map[string]string
	Tags    *[]string
	// Stage: any stage when creating (a campaign may be entered where it
	// stands); when changing, only the next stage (see Advance).
	Stage    *string
	StartsOn *civil.Date // a zero date empties the field
	EndsOn   *civil.Date
	LeadID   *int64 // a user holding the coordinator or admin role
	// Partners replaces the stages of every partner: those left out no
	// longer take part.
	Partners *[]Involvement
}

// apply merges in's texts, themes, dates and lead into c and checks the
// result; the stage and partners are the callers'.
func apply(c *Campaign, in Input, f apperr.Fields) {
	c.Translations = i18n.MergeTexts(c.Translations, i18n.Texts{"title": in.Title, "summary": in.Summary}, f,
		func(t *Translation) string { return t.Locale },
		func(lang string) Translation { return Translation{CampaignID: c.ID, Locale: lang} },
		func(t *Translation, name string) *string {
			if name == "title" {
				return &t.Title
			}
			return &t.Summary
		})
	if in.Tags != nil {
		c.Tags = people.ValidateTags(f, "tags", *in.Tags)
	}
	if in.StartsOn != nil {
		c.StartsOn = *in.StartsOn
	}
	if in.EndsOn != nil {
		c.EndsOn = *in.EndsOn
	}
	if in.LeadID != nil {
		c.LeadID = in.LeadID
	}
	title := false
	for _, t := range c.Translations {
		title = title || t.Title != ""
		usertext.Check(f, "title", t.Title, usertext.Line)
		usertext.Check(f, "summary", t.Summary, usertext.Lines)
		if utf8.RuneCountInString(t.Title) > MaxTitle {
			f.Add("title", "error_too_long", "Max", MaxTitle)
		}
		if utf8.RuneCountInString(t.Summary) > MaxSummary {
			f.Add("summary", "error_too_long", "Max", MaxSummary)
		}
	}
	if !title {
		f.Add("title", "error_title_required")
	}
	if !c.StartsOn.IsZero() && !c.EndsOn.IsZero() && c.EndsOn.Before(c.StartsOn) {
		f.Add("ends_on", "error_campaign_ends_before_starts")
	}
}

// normalize merges the stages given per partner, checks them and drops
// partners left without a stage; the result is by partner id.
func normalize(list []Involvement, f apperr.Fields) []Involvement {
	byID := map[int64][]string{}
	for _, p := range list {
		if p.PartnerID <= 0 {
			f.Add("partners", "error_partner_unknown")
			continue
		}
		for _, st := range p.Stages {
			if !ValidStage(st) {
				f.Add("partners", "error_stage_unknown")
			}
		}
		byID[p.PartnerID] = append(byID[p.PartnerID], p.Stages...)
	}
	out := []Involvement{}
	for id, stages := range byID {
		if len(stages) > 0 {
			out = append(out, Involvement{PartnerID: id, Stages: SortStages(stages)})
		}
	}
	slices.SortFunc(out, func(a, b Involvement) int { return int(a.PartnerID - b.PartnerID) })
	return out
}

// checkRefs adds a field error for a lead who is not staff and for a
// partner organisation that does not exist.
func (s *Store) checkRefs(ctx context.Context, lead *int64, involved []Involvement, f apperr.Fields) error {
	if lead != nil {
		ok, err := s.isStaff(ctx, *lead)
		if err != nil {
			return err
		}
		if !ok {
			f.Add("lead_id", "error_campaign_lead")
		}
	}
	if len(involved) > 0 {
		ids := make([]int64, len(involved))
		for i, p := range involved {
			ids[i] = p.PartnerID
		}
		names, err := partners.Names(s.db.WithContext(ctx), ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := names[id]; !ok {
				f.Add("partners", "error_partner_unknown")
			}
		}
	}
	return nil
}

// isStaff reports whether user id is an enabled coordinator or admin.
func (s *Store) isStaff(ctx context.Context, id int64) (bool, error) {
	if id <= 0 {
		return false, nil
	}
	for _, role := range LeadRoles {
		held, err := s.roles.Holding(ctx, role, []int64{id})
		if err != nil {
			return false, err
		}
		if held[id] {
			return true, nil
		}
	}
	return false, nil
}

// Check validates in as a new campaign would be, storing nothing and
// reading no other table; a form uses it to report every problem at once
// beside its own parsing errors.
func Check(in Input) error {
	f := apperr.Fields{}
	if in.Stage != nil && !ValidStage(*in.Stage) {
		f.Add("stage", "error_stage_unknown")
	}
	apply(&Campaign{Stage: StagePlanning}, in, f)
	return f.Err()
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// Create stores a new campaign (staff only). The lead is the creator
// unless given.
func (s *Store) Create(ctx context.Context, v access.Viewer, in Input) (*Campaign, error) {
	if !v.Staff {
		return nil, errForbidden
	}
	if in.LeadID == nil && v.UserID != 0 {
		lead := v.UserID
		in.LeadID = &lead
	}
	c := &Campaign{Stage: StagePlanning}
	f := apperr.Fields{}
	if in.Stage != nil {
		if ValidStage(*in.Stage) {
			c.Stage = *in.Stage
		} else {
			f.Add("stage", "error_stage_unknown")
		}
	}
	apply(c, in, f)
	var involved []Involvement
	if in.Partners != nil {
		involved = normalize(*in.Partners, f)
	}
	if err := s.checkRefs(ctx, in.LeadID, involved, f); err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Omit("Translations").Create(c).Error; err != nil {
			return fmt.Errorf("campaigns: unable to create: %w", err)
		}
		if err := writeTexts(tx, c.ID, c.Translations); err != nil {
			return err
		}
		if err := writeTags(tx, c.ID, c.Tags); err != nil {
			return err
		}
		if err := writePartners(tx, c.ID, involved); err != nil {
			return err
		}
		return audit.Record(tx, v.UserID, "campaign.create", "campaign", idString(c.ID), map[string]any{"stage": c.Stage})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, c.ID)
}

// Update merges in into a campaign (staff only). A stage given is either
// the current one (nothing moves) or the next one (the campaign advances);
// any other is a conflict.
func (s *Store) Update(ctx context.Context, v access.Viewer, id int64, in Input) (*Campaign, error) {
	if err := visible(s.db.WithContext(ctx), v, id); err != nil {
		return nil, err
	}
	if !v.Staff {
		return nil, errForbidden
	}
	f := apperr.Fields{}
	if in.Stage != nil && !ValidStage(*in.Stage) {
		f.Add("stage", "error_stage_unknown")
	}
	var involved []Involvement
	if in.Partners != nil {
		involved = normalize(*in.Partners, f)
	}
	if err := s.checkRefs(ctx, in.LeadID, involved, f); err != nil {
		return nil, err
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		c, err := s.get(tx, v, id)
		if err != nil {
			return err
		}
		apply(c, in, f)
		if err := f.Err(); err != nil {
			return err
		}
		if in.Stage != nil && *in.Stage != c.Stage {
			if next, ok := NextStage(c.Stage); !ok || next != *in.Stage {
				return errStageMoved
			}
			if err := advance(tx, v, c); err != nil {
				return err
			}
		}
		err = tx.Model(&Campaign{}).Where("id = ?", id).Updates(map[string]any{
			"starts_on": c.StartsOn, "ends_on": c.EndsOn, "lead_id": c.LeadID, "updated_at": time.Now().UTC()}).Error
		if err != nil {
			return fmt.Errorf("campaigns: unable to save: %w", err)
		}
		if in.Title != nil || in.Summary != nil {
			if err := writeTexts(tx, id, c.Translations); err != nil {
				return err
			}
		}
		if in.Tags != nil {
			if err := writeTags(tx, id, c.Tags); err != nil {
				return err
			}
		}
		if in.Partners != nil {
			if err := writePartners(tx, id, involved); err != nil {
				return err
			}
		}
		return audit.Record(tx, v.UserID, "campaign.update", "campaign", idString(id), nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, id)
}

// Advance moves a campaign to its next stage (staff only); at evaluation
// there is none, a conflict.
func (s *Store) Advance(ctx context.Context, v access.Viewer, id int64) (*Campaign, error) {
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		c, err := s.get(tx, v, id)
		if err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		if _, ok := NextStage(c.Stage); !ok {
			return apperr.New(apperr.Conflict, "error_stage_last")
		}
		return advance(tx, v, c)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, id)
}

// advance moves c one stage on, unless someone moved it meanwhile.
func advance(tx *gorm.DB, v access.Viewer, c *Campaign) error {
	next, _ := NextStage(c.Stage)
	res := tx.Model(&Campaign{}).Where("id = ? AND stage = ?", c.ID, c.Stage).
		Updates(map[string]any{"stage": next, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return fmt.Errorf("campaigns: unable to advance: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return errStageMoved
	}
	from := c.Stage
	c.Stage = next
	return audit.Record(tx, v.UserID, "campaign.advance", "campaign", idString(c.ID), map[string]any{"from": from, "to": next})
}

// SetInvolvement replaces the stages a partner takes part in (staff only);
// no stage removes the partner from the campaign.
func (s *Store) SetInvolvement(ctx context.Context, v access.Viewer, campaignID, partnerID int64, stages []string) (*Campaign, error) {
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		names, err := partners.Names(tx, []int64{partnerID})
		if err != nil {
			return err
		}
		if _, ok := names[partnerID]; !ok {
			return errNoPartner
		}
		f := apperr.Fields{}
		for _, st := range stages {
			if !ValidStage(st) {
				f.Add("stages", "error_stage_unknown")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		stages = SortStages(stages)
		if err := tx.Where("campaign_id = ? AND partner_id = ?", campaignID, partnerID).Delete(&PartnerStage{}).Error; err != nil {
			return fmt.Errorf("campaigns: unable to clear involvement: %w", err)
		}
		if err := insertStages(tx, campaignID, partnerID, stages); err != nil {
			return err
		}
		return audit.Record(tx, v.UserID, "campaign.involvement", "campaign", idString(campaignID),
			map[string]any{"partner_id": partnerID, "stages": stages})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, v, campaignID)
}

func writeTexts(tx *gorm.DB, id int64, texts []Translation) error {
	if err := tx.Where("campaign_id = ?", id).Delete(&Translation{}).Error; err != nil {
		return fmt.Errorf("campaigns: unable to clear texts: %w", err)
	}
	rows := []Translation{}
	for _, t := range texts {
		if t.Title != "" || t.Summary != "" {
			t.CampaignID = id
			rows = append(rows, t)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("campaigns: unable to write texts: %w", err)
	}
	return nil
}

func writeTags(tx *gorm.DB, id int64, names []string) error {
	if err := tx.Where("campaign_id = ?", id).Delete(&CampaignTag{}).Error; err != nil {
		return fmt.Errorf("campaigns: unable to clear themes: %w", err)
	}
	ids, err := people.EnsureTags(tx, names)
	if err != nil {
		return err
	}
	rows := make([]CampaignTag, 0, len(names))
	for _, n := range names {
		rows = append(rows, CampaignTag{CampaignID: id, TagID: ids[n]})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("campaigns: unable to write themes: %w", err)
	}
	return nil
}

func writePartners(tx *gorm.DB, id int64, involved []Involvement) error {
	if err := tx.Where("campaign_id = ?", id).Delete(&PartnerStage{}).Error; err != nil {
		return fmt.Errorf("campaigns: unable to clear partners: %w", err)
	}
	for _, p := range involved {
		if err := insertStages(tx, id, p.PartnerID, p.Stages); err != nil {
			return err
		}
	}
	return nil
}

func insertStages(tx *gorm.DB, campaignID, partnerID int64, stages []string) error {
	if len(stages) == 0 {
		return nil
	}
	rows := make([]PartnerStage, len(stages))
	for i, st := range stages {
		rows[i] = PartnerStage{CampaignID: campaignID, PartnerID: partnerID, Stage: st}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("campaigns: unable to write involvement: %w", err)
	}
	return nil
}

// --- Reading ---

// scoped narrows a query of campaigns to those v may reach.
func scoped(q *gorm.DB, v access.Viewer) *gorm.DB { return q.Scopes(Reached(v, "campaigns.id")) }

// Reached narrows a query whose column col holds a campaign id to the
// campaigns v reaches: staff every one, a partner member those its
// organisation takes part in, anyone else none. Petitions go through it too.
func Reached(v access.Viewer, col string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		switch {
		case v.Staff:
			return q
		case v.PartnerID > 0:
			return q.Where(col+" IN (SELECT campaign_id FROM campaign_partners WHERE partner_id = ?)", v.PartnerID)
		}
		return q.Where("1 = 0")
	}
}

// visible answers ErrNotFound for a campaign v may not reach.
func visible(db *gorm.DB, v access.Viewer, id int64) error {
	var n int64
	if err := scoped(db.Model(&Campaign{}), v).Where("campaigns.id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("campaigns: unable to check a campaign: %w", err)
	}
	if n == 0 {
		return apperr.ErrNotFound
	}
	return nil
}

// Visible answers ErrNotFound unless v may reach campaign id.
func (s *Store) Visible(ctx context.Context, v access.Viewer, id int64) error {
	return visible(s.db.WithContext(ctx), v, id)
}

// find reads the campaigns v may reach that where selects, filled in.
func find(db *gorm.DB, v access.Viewer, where func(*gorm.DB) *gorm.DB) ([]Campaign, error) {
	var list []Campaign
	q := scoped(db.Model(&Campaign{}), v).Preload("Translations", func(q *gorm.DB) *gorm.DB { return q.Order("locale") })
	if where != nil {
		q = where(q)
	}
	if err := q.Order("campaigns.id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("campaigns: unable to list: %w", err)
	}
	if err := fill(db, list); err != nil {
		return nil, err
	}
	return list, nil
}

func (s *Store) get(db *gorm.DB, v access.Viewer, id int64) (*Campaign, error) {
	list, err := find(db, v, func(q *gorm.DB) *gorm.DB { return q.Where("campaigns.id = ?", id) })
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.ErrNotFound
	}
	return &list[0], nil
}

// Get returns one campaign, if v may reach it.
func (s *Store) Get(ctx context.Context, v access.Viewer, id int64) (*Campaign, error) {
	return s.get(s.db.WithContext(ctx), v, id)
}

// List returns every campaign v may reach, oldest first.
func (s *Store) List(ctx context.Context, v access.Viewer) ([]Campaign, error) {
	return find(s.db.WithContext(ctx), v, nil)
}

// ForPartner lists the campaigns partnerID takes part in, with its stages
// in each. A partner member may ask only about its own organisation.
func (s *Store) ForPartner(ctx context.Context, v access.Viewer, partnerID int64) ([]PartnerCampaign, error) {
	if !v.Staff && (v.PartnerID == 0 || v.PartnerID != partnerID) {
		return nil, apperr.ErrNotFound
	}
	list, err := find(s.db.WithContext(ctx), access.Viewer{PartnerID: partnerID}, nil)
	if err != nil {
		return nil, err
	}
	out := make([]PartnerCampaign, len(list))
	for i := range list {
		out[i] = PartnerCampaign{Campaign: list[i], Stages: list[i].StagesOf(partnerID)}
	}
	return out, nil
}

// InvolvementReport is the involvement report of the campaigns v reaches.
func (s *Store) InvolvementReport(ctx context.Context, v access.Viewer) ([]ReportRow, error) {
	list, err := s.List(ctx, v)
	if err != nil {
		return nil, err
	}
	return Report(list), nil
}

// fill reads the themes, partners and letter totals of list, a query each.
func fill(db *gorm.DB, list []Campaign) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	at := map[int64]*Campaign{}
	for i := range list {
		ids[i] = list[i].ID
		at[list[i].ID] = &list[i]
		list[i].Tags, list[i].Partners = []string{}, []Involvement{}
	}
	var tags []struct {
		CampaignID int64
		Name       string
	}
	err := db.Table("campaign_tags").Select("campaign_tags.campaign_id, tags.name").
		Joins("JOIN tags ON tags.id = campaign_tags.tag_id").
		Where("campaign_tags.campaign_id IN ?", ids).Order("tags.name").Scan(&tags).Error
	if err != nil {
		return fmt.Errorf("campaigns: unable to read themes: %w", err)
	}
	for _, t := range tags {
		at[t.CampaignID].Tags = append(at[t.CampaignID].Tags, t.Name)
	}
	var stages []PartnerStage
	if err := db.Where("campaign_id IN ?", ids).Order("campaign_id, partner_id").Find(&stages).Error; err != nil {
		return fmt.Errorf("campaigns: unable to read partners: %w", err)
	}
	partnerIDs := []int64{}
	for _, r := range stages {
		partnerIDs = append(partnerIDs, r.PartnerID)
	}
	names, err := partners.Names(db, partnerIDs)
	if err != nil {
		return err
	}
	for _, r := range stages {
		c := at[r.CampaignID]
		if n := len(c.Partners); n == 0 || c.Partners[n-1].PartnerID != r.PartnerID {
			c.Partners = append(c.Partners, Involvement{PartnerID: r.PartnerID, Name: names[r.PartnerID]})
		}
		p := &c.Partners[len(c.Partners)-1]
		p.Stages = append(p.Stages, r.Stage)
	}
	for i := range list {
		for j := range list[i].Partners {
			list[i].Partners[j].Stages = SortStages(list[i].Partners[j].Stages)
		}
	}
	var totals []struct {
		CampaignID int64
		Written    int64
		Delivered  int64
	}
	err = db.Model(&Letter{}).
		Select("campaign_id, SUM(count) AS written, SUM(CASE WHEN delivered_on IS NULL THEN 0 ELSE count END) AS delivered").
		Where("campaign_id IN ?", ids).Group("campaign_id").Scan(&totals).Error
	if err != nil {
		return fmt.Errorf("campaigns: unable to count letters: %w", err)
	}
	for _, t := range totals {
		at[t.CampaignID].Letters = LetterTotals{Written: t.Written, Delivered: t.Delivered}
	}
	return nil
}

// PartnerRef is a partner organisation as a choice.
type PartnerRef struct {
	ID   int64
	Name string
}

// PartnerChoices lists every partner organisation by name, for staff who
// involve one in a campaign.
func (s *Store) PartnerChoices(ctx context.Context) ([]PartnerRef, error) {
	names, err := partners.Names(s.db.WithContext(ctx), nil)
	if err != nil {
		return nil, err
	}
	out := make([]PartnerRef, 0, len(names))
	for id, n := range names {
		out = append(out, PartnerRef{ID: id, Name: n})
	}
	slices.SortFunc(out, func(a, b PartnerRef) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// --- Notes, checklist and letters ---

// mayContribute lets staff write at every stage and a partner member only
// at the stages its organisation takes part in.
func mayContribute(db *gorm.DB, v access.Viewer, campaignID int64, stage string) error {
	if v.Staff {
		return nil
	}
	if v.PartnerID == 0 {
		return errForbidden
	}
	var n int64
	err := db.Model(&PartnerStage{}).Where("campaign_id = ? AND partner_id = ? AND stage = ?", campaignID, v.PartnerID, stage).
		Count(&n).Error
	if err != nil {
		return fmt.Errorf("campaigns: unable to check involvement: %w", err)
	}
	if n == 0 {
		return errNotYours
	}
	return nil
}

// checkText checks a note's or an item's text, of kind k.
func checkText(f apperr.Fields, field, text string, max int, k usertext.Kind) {
	usertext.Check(f, field, text, k)
	switch {
	case text == "":
		f.Add(field, "error_required")
	case utf8.RuneCountInString(text) > max:
		f.Add(field, "error_too_long", "Max", max)
	}
}

func checkStage(f apperr.Fields, stage string) {
	if !ValidStage(stage) {
		f.Add("stage", "error_stage_unknown")
	}
}

// Notes returns a campaign's notes, every stage's, oldest first (a log read
// from top to bottom, its form at the end).
func (s *Store) Notes(ctx context.Context, v access.Viewer, campaignID int64) ([]NoteEntry, error) {
	db := s.db.WithContext(ctx)
	if err := visible(db, v, campaignID); err != nil {
		return nil, err
	}
	return notes(db, "campaign_notes.campaign_id = ?", campaignID)
}

func notes(db *gorm.DB, where string, arg any) ([]NoteEntry, error) {
	var list []NoteEntry
	err := db.Table("campaign_notes").Select("campaign_notes.*, COALESCE(users.display_name, '') AS author_name").
		Joins("LEFT JOIN users ON users.id = campaign_notes.author_id").
		Where(where, arg).Order("campaign_notes.created_at, campaign_notes.id").Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("campaigns: unable to read notes: %w", err)
	}
	return list, namePartners(db, list, func(n *NoteEntry) (*int64, *string) { return n.PartnerID, &n.PartnerName })
}

// namePartners fills in the organisation's name of each entry of list
// written or ticked by a partner member: of finds the entry's organisation
// id (nil for staff) and where its name goes.
func namePartners[E any](db *gorm.DB, list []E, of func(*E) (*int64, *string)) error {
	ids := []int64{}
	for i := range list {
		if id, _ := of(&list[i]); id != nil {
			ids = append(ids, *id)
		}
	}
	names, err := partners.Names(db, ids)
	if err != nil {
		return err
	}
	for i := range list {
		if id, name := of(&list[i]); id != nil {
			*name = names[*id]
		}
	}
	return nil
}

// AddNote writes a note at a stage of a campaign: staff at any stage, a
// partner member at its organisation's stages only.
func (s *Store) AddNote(ctx context.Context, v access.Viewer, campaignID int64, stage, text string) (*NoteEntry, error) {
	n := Note{CampaignID: campaignID, Stage: stage, Text: strings.TrimSpace(text), CreatedAt: time.Now().UTC()}
	if v.UserID != 0 {
		n.AuthorID = &v.UserID
	}
	if !v.Staff && v.PartnerID != 0 {
		n.PartnerID = &v.PartnerID
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		f := apperr.Fields{}
		checkStage(f, stage)
		checkText(f, "text", n.Text, MaxNote, usertext.Lines)
		if err := f.Err(); err != nil {
			return err
		}
		if err := mayContribute(tx, v, campaignID, stage); err != nil {
			return err
		}
		if err := tx.Create(&n).Error; err != nil {
			return fmt.Errorf("campaigns: unable to write a note: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.note", "campaign", idString(campaignID),
			map[string]any{"note_id": n.ID, "stage": stage})
	})
	if err != nil {
		return nil, err
	}
	list, err := notes(s.db.WithContext(ctx), "campaign_notes.id = ?", n.ID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.ErrNotFound
	}
	return &list[0], nil
}

// Checklist returns a campaign's checklist, stage by stage in order.
func (s *Store) Checklist(ctx context.Context, v access.Viewer, campaignID int64) ([]ChecklistEntry, error) {
	db := s.db.WithContext(ctx)
	if err := visible(db, v, campaignID); err != nil {
		return nil, err
	}
	list, err := checklist(db, "campaign_checklist.campaign_id = ?", campaignID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(a, b ChecklistEntry) int {
		return slices.Index(Stages, a.Stage) - slices.Index(Stages, b.Stage)
	})
	return list, nil
}

func checklist(db *gorm.DB, where string, arg any) ([]ChecklistEntry, error) {
	var list []ChecklistEntry
	err := db.Table("campaign_checklist").
		Select("campaign_checklist.*, COALESCE(users.display_name, '') AS done_by_name, users.partner_id AS done_by_partner_id").
		Joins("LEFT JOIN users ON users.id = campaign_checklist.done_by").
		Where(where, arg).Order("campaign_checklist.position, campaign_checklist.id").Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("campaigns: unable to read the checklist: %w", err)
	}
	return list, namePartners(db, list, func(e *ChecklistEntry) (*int64, *string) { return e.DoneByPartnerID, &e.DoneByPartner })
}

func (s *Store) item(ctx context.Context, id int64) (*ChecklistEntry, error) {
	list, err := checklist(s.db.WithContext(ctx), "campaign_checklist.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.ErrNotFound
	}
	return &list[0], nil
}

// AddItem puts an item at the end of a stage's checklist (staff only).
func (s *Store) AddItem(ctx context.Context, v access.Viewer, campaignID int64, stage, text string) (*ChecklistEntry, error) {
	it := ChecklistItem{CampaignID: campaignID, Stage: stage, Text: strings.TrimSpace(text), CreatedAt: time.Now().UTC()}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		f := apperr.Fields{}
		checkStage(f, stage)
		checkText(f, "text", it.Text, MaxItem, usertext.Line)
		if err := f.Err(); err != nil {
			return err
		}
		var last int
		if err := tx.Model(&ChecklistItem{}).Where("campaign_id = ? AND stage = ?", campaignID, stage).
			Select("COALESCE(MAX(position), -1)").Scan(&last).Error; err != nil {
			return fmt.Errorf("campaigns: unable to read the checklist: %w", err)
		}
		it.Position = last + 1
		if err := tx.Create(&it).Error; err != nil {
			return fmt.Errorf("campaigns: unable to add a checklist item: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.checklist_add", "campaign", idString(campaignID),
			map[string]any{"item_id": it.ID, "stage": stage})
	})
	if err != nil {
		return nil, err
	}
	return s.item(ctx, it.ID)
}

// Tick marks a checklist item done or not done: staff at any stage, a
// partner member at its organisation's stages only. Ticking a done item
// again keeps who ticked it first, and when.
func (s *Store) Tick(ctx context.Context, v access.Viewer, campaignID, itemID int64, done bool) (*ChecklistEntry, error) {
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		var it ChecklistItem
		err := tx.Where("id = ? AND campaign_id = ?", itemID, campaignID).Take(&it).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("campaigns: unable to read a checklist item: %w", err)
		}
		if err := mayContribute(tx, v, campaignID, it.Stage); err != nil {
			return err
		}
		if done == (it.DoneAt != nil) {
			return nil
		}
		set := map[string]any{"done_at": nil, "done_by": nil}
		if done {
			set["done_at"] = time.Now().UTC()
			if v.UserID != 0 {
				set["done_by"] = v.UserID
			}
		}
		if err := tx.Model(&ChecklistItem{}).Where("id = ?", itemID).Updates(set).Error; err != nil {
			return fmt.Errorf("campaigns: unable to tick an item: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.checklist_tick", "campaign", idString(campaignID),
			map[string]any{"item_id": itemID, "done": done})
	})
	if err != nil {
		return nil, err
	}
	return s.item(ctx, itemID)
}

// LetterInput is a batch of letters as logged.
type LetterInput struct {
	Count       int
	DeliveredOn civil.Date // zero: not delivered (yet)
	Note        string
}

// latestToday is the date it is now somewhere on Earth (UTC+14): a
// delivery logged in the morning in Ulaanbaatar or Jakarta is not "in the
// future" because it is still yesterday in UTC.
func latestToday(now time.Time) civil.Date { return civil.Of(now.UTC().Add(14 * time.Hour)) }

// Letters returns the letters logged for a campaign, oldest first.
func (s *Store) Letters(ctx context.Context, v access.Viewer, campaignID int64) ([]Letter, error) {
	db := s.db.WithContext(ctx)
	if err := visible(db, v, campaignID); err != nil {
		return nil, err
	}
	var list []Letter
	if err := db.Where("campaign_id = ?", campaignID).Order("created_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("campaigns: unable to read letters: %w", err)
	}
	return list, nil
}

// AddLetter logs letters written for a campaign (staff only).
func (s *Store) AddLetter(ctx context.Context, v access.Viewer, campaignID int64, in LetterInput) (*Letter, error) {
	l := Letter{CampaignID: campaignID, Count: in.Count, DeliveredOn: in.DeliveredOn, Note: strings.TrimSpace(in.Note),
		CreatedAt: time.Now().UTC()}
	if v.UserID != 0 {
		l.CreatedBy = &v.UserID
	}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := visible(tx, v, campaignID); err != nil {
			return err
		}
		if !v.Staff {
			return errForbidden
		}
		f := apperr.Fields{}
		if l.Count < 1 || l.Count > MaxLetters {
			f.Add("count", "error_letter_count", "Max", MaxLetters)
		}
		if !l.DeliveredOn.IsZero() && l.DeliveredOn.After(latestToday(time.Now())) {
			f.Add("delivered_on", "error_delivered_future")
		}
		usertext.Check(f, "note", l.Note, usertext.Lines)
		if utf8.RuneCountInString(l.Note) > MaxLetterNote {
			f.Add("note", "error_too_long", "Max", MaxLetterNote)
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := tx.Create(&l).Error; err != nil {
			return fmt.Errorf("campaigns: unable to log letters: %w", err)
		}
		return audit.Record(tx, v.UserID, "campaign.letters", "campaign", idString(campaignID),
			map[string]any{"letter_id": l.ID, "count": l.Count})
	})
	if err != nil {
		return nil, err
	}
	return &l, nil
}
