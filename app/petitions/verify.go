package petitions

import (
	"context"
	"errors"
	"fmt"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/sharing"
	"github.com/gotong/gotong/app/submissions"
	"gorm.io/gorm"
)

// The public path. Anyone can type anyone's address into the signing form,
// and an answer that differed for an address that signed would tell a
// stranger who signed. So the form counts nothing and answers the same for
// every well-formed submission; the email decides: a link whose page counts
// the signature with one tap, or, for an address that signed already, a
// word that it did. Only verified signatures exist, so every count is of
// verified signatures.

// Kinds of the emails the public path queues.
const (
	MailVerify = "signature.verify" // the link to count the signature
	MailKnown  = "signature.known"  // the address signed already
)

// Submit is the public signing form (the HTML page, and the API without a
// staff token): it checks the form like Sign (422 by field; 404 for an
// unknown petition), keeps it as a submission, and queues one email to the
// signer in locale, the language the form was shown in: MailVerify with the
// link BaseURL/v/{token}, or MailKnown when that address signed the
// petition already. It returns nil in both cases and runs the same
// statements in both, so neither the answer nor its time tells them apart.
// Past the limit of notices per email (formlimit) the email stays unsent,
// silently.
func (s *Store) Submit(ctx context.Context, petitionSlug string, in Signer, locale string) error {
	p, err := s.bySlug(ctx, petitionSlug)
	if err != nil {
		return err
	}
	c, err := contact(in, locale)
	if err != nil {
		return err
	}
	// The form as checked and normalised, which Confirm counts as it is.
	form := Signer{GivenName: c.GivenName, FamilyName: c.FamilyName, Email: c.Email, Region: c.Region, Consent: true, News: in.News,
		Source: sharing.Source(in.Source)}
	now := s.now()
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		known, err := signedBy(tx, p.ID, c.Email)
		if err != nil {
			return err
		}
		// Written for a known address too, never linked: the same writes
		// either way. The purge takes it with the others.
		token, err := s.subs.Create(tx, submissions.KindSignature, p.ID, form, c.Locale)
		if err != nil {
			return err
		}
		key := formlimit.Key(c.Email)
		hits, err := formlimit.Count(tx, map[string]int{key: 1}, now)
		if err != nil {
			return err
		}
		if hits[key] > formlimit.PerEmail {
			return nil
		}
		return outbox.Enqueue(tx, s.mail(p, c, known, token))
	})
}

// signedBy reports whether the person with email signed petition id.
func signedBy(tx *gorm.DB, petitionID int64, email string) (bool, error) {
	var n int64
	err := tx.Table("signatures").Joins("JOIN people ON people.id = signatures.person_id").
		Where("signatures.petition_id = ? AND people.email = ?", petitionID, email).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("petitions: unable to look for a signature: %w", err)
	}
	return n > 0, nil
}

// mail is the one email of a submission to c: the link of token, or, when
// c's address signed p already, a thank-you and nothing more. It names
// nobody: the name on the form is whatever the sender typed, and the
// address may not be theirs.
func (s *Store) mail(p *Petition, c people.Contact, known bool, token string) outbox.Message {
	l := s.catalog.Localizer(c.Locale)
	title := p.TextIn(l.Lang, s.catalog.Default()).Title
	m := outbox.Message{Kind: MailVerify, Locale: l.Lang, ToAddress: c.Email,
		Subject: l.T("notice_signature_verify_subject"),
		Body: l.T("notice_signature_verify_body", "Title", title, "URL", s.baseURL+"/v/"+token,
			"Hours", int(submissions.Lifetime.Hours()))}
	if known {
		m.Kind, m.Subject, m.Body = MailKnown, l.T("notice_signature_known_subject"),
			l.T("notice_signature_known_body", "Title", title)
	}
	return m
}

// Pending is what an emailed link confirms, for its page.
type Pending struct {
	Petition *Petition // with its texts and count
	Used     bool      // a tap confirmed it already
}

// Pending returns the petition that the link of token signs, and whether it
// was tapped already. Opening the link confirms nothing: mail scanners open
// links by themselves. An unknown or expired token, or one of another kind,
// is submissions.ErrLinkExpired. The token is the caller's proof.
func (s *Store) Pending(ctx context.Context, token string) (*Pending, error) {
	sub, err := s.subs.Find(ctx, submissions.KindSignature, token)
	if err != nil {
		return nil, err
	}
	p, err := getCounted(s.db.WithContext(ctx), anyone, "id = ?", sub.TargetID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, submissions.ErrLinkExpired
	}
	if err != nil {
		return nil, err
	}
	return &Pending{Petition: p, Used: sub.UsedAt != nil}, nil
}

// Confirmed is the result of a tap.
type Confirmed struct {
	Petition *Petition // with its texts and its count after the tap
	// Again: the tap counted nothing, because the link was tapped before
	// or its address had signed already.
	Again bool
}

// Confirm is the tap on the link of token: it claims the submission and
// counts its signature as Sign does, in one transaction, so that of any
// number of taps at once one counts and the others find it claimed. A
// second tap, or the link of an address that signed meanwhile, counts
// nothing (Again). Errors as Pending's.
func (s *Store) Confirm(ctx context.Context, token string) (*Confirmed, error) {
	now := s.now()
	out := &Confirmed{Again: true}
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		sub, err := s.subs.FindIn(tx, submissions.KindSignature, token)
		if err != nil {
			return err
		}
		p, err := get(tx, "id = ?", sub.TargetID)
		if errors.Is(err, apperr.ErrNotFound) {
			return submissions.ErrLinkExpired
		}
		if err != nil {
			return err
		}
		claimed, err := s.subs.Claim(tx, sub.ID)
		if err != nil {
			return err
		}
		if claimed[sub.ID] {
			var in Signer
			if err := s.subs.Form(sub, &in); err != nil {
				return err
			}
			c := people.Contact{GivenName: in.GivenName, FamilyName: in.FamilyName, Email: in.Email,
				Region: in.Region, Locale: sub.Locale}
			id, signed, err := s.record(tx, p, c, in.News, sharing.Source(in.Source), now)
			if err != nil {
				return err
			}
			if signed {
				out.Again = false
				if err := s.subs.SetResults(tx, map[int64]int64{sub.ID: id}); err != nil {
					return err
				}
			}
		}
		if p.Signatures, err = count(tx, p.ID); err != nil {
			return err
		}
		out.Petition = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
