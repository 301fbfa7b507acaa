package petitions

import (
	"context"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/sharing"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Signer is what the signing form says: who signs, that they consent, and
// whether they consent to news too (asked apart).
type Signer struct {
	GivenName  string
	FamilyName string
	Email      string
	Region     string
	Consent    bool
	News       bool
	// Source is the ?src= of the link the signer came by; anything but a
	// source (sharing.Source) is dropped, never refused.
	Source string `json:",omitempty"`
}

// count is the number of signatures of one petition, read from the index
// on signatures (petition_id, …).
func count(db *gorm.DB, petitionID int64) (int, error) {
	var n int64
	if err := db.Model(&Signature{}).Where("petition_id = ?", petitionID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("petitions: unable to count signatures: %w", err)
	}
	return int(n), nil
}

// Counts returns the number of signatures of each of the petitions, in one
// query over the index on signatures (petition_id, …); a petition without
// signatures is absent, which reads as 0.
func (s *Store) Counts(ctx context.Context, petitionIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(petitionIDs))
	if len(petitionIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PetitionID int64
		N          int
	}
	if err := s.db.WithContext(ctx).Model(&Signature{}).Select("petition_id, COUNT(*) AS n").
		Where("petition_id IN ?", petitionIDs).Group("petition_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("petitions: unable to count signatures: %w", err)
	}
	for _, r := range rows {
		out[r.PetitionID] = r.N
	}
	return out, nil
}

// Sign records at once the signature of the petition with slug by the
// person of the form, found by email or created, and tags them with the
// campaign's themes; it returns the petition's new count. locale is the
// language the form was shown in. It is staff's path (an API token that
// manages petitions), who answer for the address they enter; the public
// path is Submit.
//
// All of it is one transaction. A person who signed already is refused
// (409); two tries at once with one email give one signature, since the
// second waits for the first at the signature's unique index. It sends no
// email, so the limit of public forms per email (formlimit) has nothing to
// hold back here.
func (s *Store) Sign(ctx context.Context, petitionSlug string, in Signer, locale string) (int, error) {
	p, err := s.bySlug(ctx, petitionSlug)
	if err != nil {
		return 0, err
	}
	c, err := contact(in, locale)
	if err != nil {
		return 0, err
	}
	now := s.now()
	var n int
	var refused error
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		_, signed, err := s.record(tx, p, c, in.News, sharing.Source(in.Source), now)
		if err != nil {
			return err
		}
		if !signed {
			refused = apperr.New(apperr.Conflict, "error_petition_already_signed")
			return nil
		}
		n, err = count(tx, p.ID)
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// bySlug is the petition with slug and its texts; an unknown one is a 404
// whatever the form says.
func (s *Store) bySlug(ctx context.Context, petitionSlug string) (*Petition, error) {
	return get(s.db.WithContext(ctx), "slug = ?", petitionSlug)
}

// contact checks a signing form and returns its signer as a contact,
// normalised; locale is the language the form was shown in.
func contact(in Signer, locale string) (people.Contact, error) {
	c := people.Contact{GivenName: in.GivenName, FamilyName: in.FamilyName, Email: in.Email, Region: in.Region, Locale: locale}
	f := apperr.Fields{}
	c.Validate(f)
	if !in.Consent {
		f.Add("consent", "error_petition_consent_required")
	}
	return c, f.Err()
}

// record counts the signature of p by the person of c within tx: it finds
// or creates them, and records their consent, their consent to news when
// news is set, and the campaign's themes. It reports false, having written
// nothing else, when they signed p before. source is where the link came
// from, normalised.
func (s *Store) record(tx *gorm.DB, p *Petition, c people.Contact, news bool, source string, now time.Time) (int64, bool, error) {
	person, err := s.people.FindOrCreateContact(tx, c, "petition", now)
	if err != nil {
		return 0, false, err
	}
	sig := Signature{PetitionID: p.ID, PersonID: &person.ID, Region: c.Region,
		ConsentVersion: people.ConsentVersion, SignedAt: now, Source: source}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&sig)
	if res.Error != nil {
		return 0, false, fmt.Errorf("petitions: unable to sign: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		// Signed before: the person was known, so nothing else was written.
		return 0, false, nil
	}
	if err := s.people.RecordConsents(tx, []*people.Person{person}, people.ConsentPetition, now); err != nil {
		return 0, false, err
	}
	if news {
		if err := s.people.RecordNews(tx, []*people.Person{person}, people.ConsentPetition, now); err != nil {
			return 0, false, err
		}
	}
	themes, err := campaignTags(tx, p.CampaignID)
	if err != nil {
		return 0, false, err
	}
	if err := people.TagPeople(tx, []int64{person.ID}, themes); err != nil {
		return 0, false, err
	}
	return sig.ID, true, nil
}

// campaignTags are the ids of a campaign's themes.
func campaignTags(tx *gorm.DB, campaignID int64) ([]int64, error) {
	var ids []int64
	if err := tx.Table("campaign_tags").Where("campaign_id = ?", campaignID).Order("tag_id").
		Pluck("tag_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("petitions: unable to read the campaign's themes: %w", err)
	}
	return ids, nil
}
