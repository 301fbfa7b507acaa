// Package mailings sends messages to segments of the people database
// (DESIGN.md, "Reaching supporters"): only to people with an email whose
// consent to news stands, each in their language, with a one-click
// unsubscribe, at no more than GOTONG_MAIL_RATE messages a second. Its
// links are counted in aggregate, per mailing, link and language; nothing
// records what one person opened or clicked.
package mailings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/i18n"
	"github.com/gotong/gotong/app/keys"
	"github.com/gotong/gotong/app/segments"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// A mailing's statuses.
const (
	StatusDraft     = "draft"
	StatusScheduled = "scheduled"
	StatusSending   = "sending"
	StatusSent      = "sent"
	StatusCancelled = "cancelled"
)

// Limits of a mailing's fields.
const (
	MaxNameRunes    = 200
	MaxSubjectRunes = 200
	MaxBodyRunes    = 50_000
	maxLinks        = 100 // counted links of one mailing, all languages together
)

// Mailing is a message to a segment, in the languages it is written in.
type Mailing struct {
	ID          int64
	Name        string
	SegmentID   *int64
	Query       string
	Status      string
	ScheduledAt *time.Time
	StartedAt   *time.Time
	FinishedAt  *time.Time
	LeaseUntil  *time.Time
	LeaseNode   string
	CreatedBy   *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Texts       []Text `gorm:"foreignKey:MailingID"`
}

// TableName is the migrated table.
func (Mailing) TableName() string { return "mailings" }

// Text is a mailing's subject and body in one language.
type Text struct {
	MailingID int64  `gorm:"primaryKey"`
	Locale    string `gorm:"primaryKey"`
	Subject   string
	Body      string
}

// TableName is the migrated table.
func (Text) TableName() string { return "mailing_texts" }

// In returns the subject and body for a reader of lang: the text in lang
// when the mailing has one, else the one in def (which every mailing has),
// and the language they are in.
func (m *Mailing) In(lang, def string) (subject, body, in string) {
	for _, l := range []string{lang, def} {
		for _, t := range m.Texts {
			if t.Locale == l {
				return t.Subject, t.Body, l
			}
		}
	}
	if len(m.Texts) > 0 {
		return m.Texts[0].Subject, m.Texts[0].Body, m.Texts[0].Locale
	}
	return "", "", def
}

// Editable reports whether the mailing may still change: only a draft does.
func (m *Mailing) Editable() bool { return m.Status == StatusDraft }

// Service keeps mailings and sends them.
type Service struct {
	db       *gorm.DB
	segments *segments.Store
	catalog  *i18n.Catalog
	baseURL  string
	key      keys.MailingKey
	now      clock.Clock
	started  chan struct{} // a mailing started on this node: its worker need not wait for its next round
}

// NewService keeps mailings in db; segments reads saved segments, catalog
// words the footer and the test's subject, baseURL makes the links, key
// signs them.
func NewService(db *gorm.DB, segs *segments.Store, catalog *i18n.Catalog, baseURL string, key keys.MailingKey, now clock.Clock) *Service {
	return &Service{db: db, segments: segs, catalog: catalog, baseURL: strings.TrimRight(baseURL, "/"), key: key, now: now,
		started: make(chan struct{}, 1)}
}

func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Input is a mailing as staff write it. Subject and Body are by language.
type Input struct {
	Name      string
	Subject   map[string]string
	Body      map[string]string
	SegmentID *int64
	Query     string
}

// check validates in and returns its texts; the default language's subject
// and body are required, since every reader falls back to them.
func (s *Service) check(ctx context.Context, in *Input) ([]Text, error) {
	f := apperr.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		f.Add("name", "error_required")
	case utf8.RuneCountInString(in.Name) > MaxNameRunes:
		f.Add("name", "error_too_long", "Max", strconv.Itoa(MaxNameRunes))
	case usertext.Problem(in.Name, usertext.Line) != "":
		f.Add("name", usertext.Problem(in.Name, usertext.Line))
	}
	var texts []Text
	for _, field := range []string{"subject", "body"} {
		byLang := in.Subject
		if field == "body" {
			byLang = in.Body
		}
		for lang := range byLang {
			if !i18n.IsSupported(lang) {
				f.Add(field, "error_locale_unknown")
			}
		}
	}
	def := s.catalog.Default()
	for _, lang := range i18n.Supported {
		subject, body := strings.TrimSpace(in.Subject[lang]), strings.TrimSpace(in.Body[lang])
		if subject == "" && body == "" && lang != def {
			continue
		}
		sf, bf := "subject."+lang, "body."+lang
		switch {
		case subject == "":
			f.Add(sf, "error_required")
		case utf8.RuneCountInString(subject) > MaxSubjectRunes:
			f.Add(sf, "error_too_long", "Max", strconv.Itoa(MaxSubjectRunes))
		case usertext.Problem(subject, usertext.Line) != "":
			f.Add(sf, usertext.Problem(subject, usertext.Line))
		case unknownPlaceholder(subject) != "":
			f.Add(sf, "error_mailing_placeholder", "Placeholder", unknownPlaceholder(subject), "Known", GivenName)
		}
		switch {
		case body == "":
			f.Add(bf, "error_required")
		case utf8.RuneCountInString(body) > MaxBodyRunes:
			f.Add(bf, "error_too_long", "Max", strconv.Itoa(MaxBodyRunes))
		case usertext.Problem(body, usertext.Lines) != "":
			f.Add(bf, usertext.Problem(body, usertext.Lines))
		case unknownPlaceholder(body) != "":
			f.Add(bf, "error_mailing_placeholder", "Placeholder", unknownPlaceholder(body), "Known", GivenName)
		}
		texts = append(texts, Text{Locale: lang, Subject: subject, Body: body})
	}
	var links []string
	for _, t := range texts {
		links = append(links, Links(t.Body)...)
	}
	if len(links) > maxLinks {
		f.Add("body."+def, "error_mailing_links", "Max", strconv.Itoa(maxLinks))
	}
	in.Query = strings.TrimPrefix(strings.TrimSpace(in.Query), "?")
	switch {
	case in.SegmentID != nil && in.Query != "":
		f.Add("query", "error_mailing_segment_or_query")
	case in.SegmentID != nil:
		if _, err := s.segments.GetSaved(ctx, *in.SegmentID); errors.Is(err, apperr.ErrNotFound) {
			f.Add("segment_id", "error_mailing_segment_unknown")
		} else if err != nil {
			return nil, err
		}
	default:
		filter, err := segments.ParseQuery("query", in.Query)
		var ae *apperr.Error
		if errors.As(err, &ae) {
			for k, m := range ae.Fields {
				f[k] = m
			}
		} else if err != nil {
			return nil, err
		} else {
			in.Query = filter.Values().Encode()
		}
	}
	return texts, f.Err()
}

// Create keeps a new draft, as actorID.
func (s *Service) Create(ctx context.Context, actorID int64, in Input) (*Mailing, error) {
	texts, err := s.check(ctx, &in)
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	m := &Mailing{Name: in.Name, SegmentID: in.SegmentID, Query: in.Query, Status: StatusDraft, CreatedAt: now, UpdatedAt: now}
	if actorID != 0 {
		m.CreatedBy = &actorID
	}
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Omit("Texts").Create(m).Error; err != nil {
			return fmt.Errorf("mailings: unable to create: %w", err)
		}
		for i := range texts {
			texts[i].MailingID = m.ID
		}
		if err := tx.Create(&texts).Error; err != nil {
			return fmt.Errorf("mailings: unable to create texts: %w", err)
		}
		return audit.Record(tx, actorID, "mailing.create", "mailing", strconv.FormatInt(m.ID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	m.Texts = texts
	return m, nil
}

// errNotDraft is a change to a mailing past its draft.
var errNotDraft = apperr.New(apperr.Conflict, "error_mailing_not_draft")

// Update replaces a draft's name, texts and recipients, as actorID; a
// mailing past its draft is a conflict.
func (s *Service) Update(ctx context.Context, actorID, id int64, in Input) (*Mailing, error) {
	cur, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !cur.Editable() {
		return nil, errNotDraft // before the fields: what is typed cannot make it a draft again
	}
	texts, err := s.check(ctx, &in)
	if err != nil {
		return nil, err
	}
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Model(&Mailing{}).Where("id = ?", id).Where("status = ?", StatusDraft).
			Updates(map[string]any{"name": in.Name, "segment_id": in.SegmentID, "query": in.Query, "updated_at": s.stamp()})
		if res.Error != nil {
			return fmt.Errorf("mailings: unable to update: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return s.missingOrNotDraft(tx, id)
		}
		if err := tx.Where("mailing_id = ?", id).Delete(&Text{}).Error; err != nil {
			return fmt.Errorf("mailings: unable to update texts: %w", err)
		}
		for i := range texts {
			texts[i].MailingID = id
		}
		if err := tx.Create(&texts).Error; err != nil {
			return fmt.Errorf("mailings: unable to update texts: %w", err)
		}
		return audit.Record(tx, actorID, "mailing.update", "mailing", strconv.FormatInt(id, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// missingOrNotDraft tells why a write to a draft found no row.
func (s *Service) missingOrNotDraft(tx *gorm.DB, id int64) error {
	var n int64
	if err := tx.Model(&Mailing{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("mailings: unable to read: %w", err)
	}
	if n == 0 {
		return apperr.ErrNotFound
	}
	return errNotDraft
}

// Delete removes a draft, as actorID.
func (s *Service) Delete(ctx context.Context, actorID, id int64) error {
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND status = ?", id, StatusDraft).Delete(&Mailing{})
		if res.Error != nil {
			return fmt.Errorf("mailings: unable to delete: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return s.missingOrNotDraft(tx, id)
		}
		return audit.Record(tx, actorID, "mailing.delete", "mailing", strconv.FormatInt(id, 10), nil)
	})
}

// Get returns a mailing with its texts.
func (s *Service) Get(ctx context.Context, id int64) (*Mailing, error) {
	var m Mailing
	err := s.db.WithContext(ctx).Preload("Texts").Take(&m, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("mailings: unable to read: %w", err)
	}
	return &m, nil
}

// Counts are where a mailing's messages are. Queued counts those not sent
// yet (after a cancel: never to be sent); Skipped, those whose person had
// lost their email or withdrawn consent by their turn; Unsubscribed, the
// recipients who unsubscribed through this mailing's link; Clicks, the
// visits of its counted links.
type Counts struct {
	Recipients, Queued, Sent, Failed, Skipped, Unsubscribed, Clicks int64
}

// ClickRate is clicks per message sent, 0 before any.
func (c Counts) ClickRate() float64 {
	if c.Sent == 0 {
		return 0
	}
	return float64(c.Clicks) / float64(c.Sent)
}

// Progress is the share of recipients whose message is settled (sent,
// failed or skipped), from 0 to 1.
func (c Counts) Progress() float64 {
	if c.Recipients == 0 {
		return 0
	}
	return float64(c.Sent+c.Failed+c.Skipped) / float64(c.Recipients)
}

// Summary is a mailing in a list, with its counts.
type Summary struct {
	Mailing
	Counts Counts
}

// List returns every mailing, the newest first, with its counts: three
// statements whatever their number.
func (s *Service) List(ctx context.Context) ([]Summary, error) {
	var rows []Mailing
	if err := s.db.WithContext(ctx).Preload("Texts").Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("mailings: unable to list: %w", err)
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	counts, err := s.counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(rows))
	for i := range rows {
		out[i] = Summary{Mailing: rows[i], Counts: counts[rows[i].ID]}
	}
	return out, nil
}

// Counts returns the counts of mailing id.
func (s *Service) Counts(ctx context.Context, id int64) (Counts, error) {
	c, err := s.counts(ctx, []int64{id})
	return c[id], err
}

func (s *Service) counts(ctx context.Context, ids []int64) (map[int64]Counts, error) {
	out := make(map[int64]Counts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	db := s.db.WithContext(ctx)
	var byStatus []struct {
		MailingID    int64
		Status       string
		N            int64
		Unsubscribed int64
	}
	err := db.Raw(`SELECT mailing_id, status, COUNT(*) AS n, COUNT(unsubscribed_at) AS unsubscribed
		FROM mailing_recipients WHERE mailing_id IN ? GROUP BY mailing_id, status`, ids).Scan(&byStatus).Error
	if err != nil {
		return nil, fmt.Errorf("mailings: unable to count recipients: %w", err)
	}
	for _, r := range byStatus {
		c := out[r.MailingID]
		c.Recipients += r.N
		c.Unsubscribed += r.Unsubscribed
		switch r.Status {
		case recipientQueued:
			c.Queued += r.N
		case recipientSent:
			c.Sent += r.N
		case recipientFailed:
			c.Failed += r.N
		case recipientSkipped:
			c.Skipped += r.N
		}
		out[r.MailingID] = c
	}
	var clicks []struct {
		MailingID int64
		N         int64
	}
	err = db.Raw(`SELECT mailing_id, SUM(clicks) AS n FROM mailing_clicks WHERE mailing_id IN ? GROUP BY mailing_id`, ids).
		Scan(&clicks).Error
	if err != nil {
		return nil, fmt.Errorf("mailings: unable to count clicks: %w", err)
	}
	for _, r := range clicks {
		c := out[r.MailingID]
		c.Clicks = r.N
		out[r.MailingID] = c
	}
	return out, nil
}

// filter is the people a mailing goes to, as its segment or query reads now.
func (s *Service) filter(ctx context.Context, m *Mailing) (segments.Filter, error) {
	query := m.Query
	if m.SegmentID != nil {
		saved, err := s.segments.GetSaved(ctx, *m.SegmentID)
		if errors.Is(err, apperr.ErrNotFound) {
			return segments.Filter{}, apperr.Fields{"segment_id": {ID: "error_mailing_segment_unknown"}}.Err()
		}
		if err != nil {
			return segments.Filter{}, err
		}
		query = saved.Query
	}
	return segments.ParseQuery("query", query)
}

// reachable is the condition on people (named people) that picks who a
// filter's mailing reaches: in the segment, with an email, with consent to
// news standing.
func reachable(f segments.Filter, today civil.Date) (string, []any) {
	cond, args := segments.Where(f, today)
	reach := "people.email IS NOT NULL AND people.news_at IS NOT NULL"
	if cond != "" {
		reach += " AND " + cond
	}
	return reach, args
}

// ReachTimeout bounds Reach, which a mailing's page shows: a slow count
// leaves the reach unknown rather than holding the page.
const ReachTimeout = segments.CountTimeout

// Reach is how many people the mailing would reach if it started now;
// apperr.ErrTimeout when counting took longer than ReachTimeout.
func (s *Service) Reach(ctx context.Context, m *Mailing) (int64, error) {
	f, err := s.filter(ctx, m)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, ReachTimeout)
	defer cancel()
	cond, args := reachable(f, civil.Of(s.now()))
	var n int64
	if err := s.db.WithContext(ctx).Table("people").Where(cond, args...).Count(&n).Error; err != nil {
		if ctx.Err() != nil {
			return 0, apperr.ErrTimeout
		}
		return 0, fmt.Errorf("mailings: unable to count the reach: %w", err)
	}
	return n, nil
}
