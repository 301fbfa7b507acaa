package mailings

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// render writes m for a reader of lang named givenName: the subject and the
// body in the reader's language or the default, the name where the text
// asks for it, each of links (the mailing's counted links) through its
// redirect, and a footer in the text's language with unsubscribeURL. It
// returns the language it is in.
func (s *Service) render(m *Mailing, lang, givenName, unsubscribeURL string, links []Link) (subject, body, in string) {
	subject, body, in = m.In(lang, s.catalog.Default())
	subject = Personalize(subject, givenName)
	body = Personalize(body, givenName)
	if len(links) > 0 {
		body = RewriteLinks(body, func(link string) (string, bool) {
			for _, l := range links {
				if l.URL == link {
					return s.ClickURL(Click{MailingID: m.ID, Index: l.Idx, Locale: in}), true
				}
			}
			return "", false
		})
	}
	footer := s.catalog.Localizer(in).T("mailing_footer", "URL", unsubscribeURL)
	return subject, body + "\n\n-- \n" + footer + "\n", in
}

// UnsubscribeURL is the unsubscribe link of recipient row id.
func (s *Service) UnsubscribeURL(id int64) string {
	return s.baseURL + "/u/" + UnsubscribeToken(s.key, id)
}

// ClickURL is the counted redirect of a mailing's link.
func (s *Service) ClickURL(c Click) string { return s.baseURL + "/c/" + ClickToken(s.key, c) }

// Unsubscription is what the unsubscribe page says: in which language, and
// whether the consent to news still stands.
type Unsubscription struct {
	Locale   string // the person's language; "" when the person is gone
	Standing bool
}

var errBadLink = apperr.New(apperr.NotFound, "error_mailing_link_invalid")

// recipientOf reads the recipient of an unsubscribe token and their person
// (nil when erased).
func (s *Service) recipientOf(db *gorm.DB, token string) (*Recipient, *people.Person, error) {
	id, ok := ParseUnsubscribeToken(s.key, token)
	if !ok {
		return nil, nil, errBadLink
	}
	var r Recipient
	err := db.Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, errBadLink
	}
	if err != nil {
		return nil, nil, fmt.Errorf("mailings: unable to read a recipient: %w", err)
	}
	if r.PersonID == nil {
		return &r, nil, nil
	}
	var p people.Person
	err = db.Select("id", "locale", "news_at").Take(&p, *r.PersonID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &r, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("mailings: unable to read a recipient: %w", err)
	}
	return &r, &p, nil
}

// Unsubscribing tells the unsubscribe page (GET, which changes nothing: mail
// scanners open links) what to say for token.
func (s *Service) Unsubscribing(ctx context.Context, token string) (Unsubscription, error) {
	_, p, err := s.recipientOf(s.db.WithContext(ctx), token)
	if err != nil || p == nil {
		return Unsubscription{}, err
	}
	return Unsubscription{Locale: p.Locale, Standing: p.NewsAt != nil}, nil
}

// Unsubscribe withdraws the consent to news of token's person, records it in
// their consent history (source unsubscribe) and on the recipient row. A
// second time, or for a person since erased, changes nothing and says the
// same.
func (s *Service) Unsubscribe(ctx context.Context, token string) (Unsubscription, error) {
	var out Unsubscription
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		r, p, err := s.recipientOf(tx, token)
		if err != nil || p == nil {
			return err
		}
		out.Locale = p.Locale
		now := s.stamp()
		withdrawn, err := people.WithdrawNews(tx, p.ID, people.ConsentUnsubscribe, now)
		if err != nil {
			return err
		}
		if r.UnsubscribedAt == nil {
			if err := tx.Model(r).Update("unsubscribed_at", now).Error; err != nil {
				return fmt.Errorf("mailings: unable to record an unsubscription: %w", err)
			}
		}
		if !withdrawn {
			return nil
		}
		return audit.Record(tx, 0, "person.news", "person", strconv.FormatInt(p.ID, 10),
			map[string]any{"given": false, "source": people.ConsentUnsubscribe, "mailing": r.MailingID})
	})
	return out, err
}

// Follow returns where a counted link leads, counting the visit when count
// is set. Only links the mailing's texts held are ever followed, so the
// redirect is nobody's open door to elsewhere. The address comes back
// percent-encoded (a Cyrillic path), fit for a Location header.
func (s *Service) Follow(ctx context.Context, token string, count bool) (string, error) {
	c, ok := ParseClickToken(s.key, token)
	if !ok {
		return "", errBadLink
	}
	var to string
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var l Link
		err := tx.Where("mailing_id = ? AND idx = ?", c.MailingID, c.Index).Take(&l).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errBadLink
		}
		if err != nil {
			return fmt.Errorf("mailings: unable to read a link: %w", err)
		}
		to = l.URL
		if u, err := url.Parse(l.URL); err == nil {
			to = u.String()
		}
		if !count {
			return nil
		}
		err = tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "mailing_id"}, {Name: "idx"}, {Name: "locale"}},
			DoUpdates: clause.Set{{Column: clause.Column{Name: "clicks"}, Value: gorm.Expr("mailing_clicks.clicks + 1")}},
		}).Create(&ClickCount{MailingID: c.MailingID, Idx: c.Index, Locale: c.Locale, Clicks: 1}).Error
		if err != nil {
			return fmt.Errorf("mailings: unable to count a click: %w", err)
		}
		return nil
	})
	return to, err
}

// ClickCount is how often a link of a mailing was followed from messages in
// one language: a row of mailing_clicks.
type ClickCount struct {
	MailingID int64  `gorm:"primaryKey"`
	Idx       int    `gorm:"primaryKey"`
	Locale    string `gorm:"primaryKey"`
	Clicks    int64
}

// TableName is the migrated table.
func (ClickCount) TableName() string { return "mailing_clicks" }

// LinkClicks is a counted link with its visits by language.
type LinkClicks struct {
	Idx      int
	URL      string
	Total    int64
	ByLocale map[string]int64
}

// Links returns mailing id's counted links in order, with their visits.
func (s *Service) Links(ctx context.Context, id int64) ([]LinkClicks, error) {
	var links []Link
	if err := s.db.WithContext(ctx).Where("mailing_id = ?", id).Order("idx").Find(&links).Error; err != nil {
		return nil, fmt.Errorf("mailings: unable to read links: %w", err)
	}
	var clicks []ClickCount
	if err := s.db.WithContext(ctx).Where("mailing_id = ?", id).Find(&clicks).Error; err != nil {
		return nil, fmt.Errorf("mailings: unable to read clicks: %w", err)
	}
	out := make([]LinkClicks, len(links))
	for i, l := range links {
		out[i] = LinkClicks{Idx: l.Idx, URL: l.URL, ByLocale: map[string]int64{}}
		for _, c := range clicks {
			if c.Idx == l.Idx {
				out[i].Total += c.Clicks
				out[i].ByLocale[c.Locale] += c.Clicks
			}
		}
	}
	return out, nil
}
