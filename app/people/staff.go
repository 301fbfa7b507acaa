package people

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// SourceStaff is the source of a person that staff wrote in.
const SourceStaff = "staff"

// Profile is a person as staff see them: the record, the tags, and the
// consent history, newest first.
type Profile struct {
	Person
	Tags     []string
	Consents []Consent
}

// Consenting reports whether the person's consent stands.
func (p *Profile) Consenting() bool { return Consenting(&p.Person, p.Consents) }

// News reports whether the person's consent to news stands.
func (p *Profile) News() bool { return News(p.Consents) }

// Consents is what staff record with a change: consent to keep the data and
// consent to news, each given (true), withdrawn (false), or left as it is
// (nil).
type Consents struct {
	Data *bool
	News *bool
}

// Input is the profile as staff write it, to be changed and saved back.
func (p *Profile) Input() Input { return InputOf(&p.Person, p.Tags) }

// errEmailTaken answers a second person with an email already known.
var errEmailTaken = &apperr.Error{Kind: apperr.Conflict, Message: apperr.Msg{ID: "error_person_email_taken"},
	Fields: map[string]apperr.Msg{"email": {ID: "error_person_email_taken"}}}

// stamp is the time of a write, to the microsecond both databases keep.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Get returns a person with their tags and consent history.
func (s *Store) Get(ctx context.Context, id int64) (*Profile, error) {
	return profile(s.db.WithContext(ctx), id, false)
}

// profile reads a person, locking the row for update when lock is set.
func profile(db *gorm.DB, id int64, lock bool) (*Profile, error) {
	q := db
	if lock {
		q = database.ForUpdate(q)
	}
	var p Profile
	err := q.Take(&p.Person, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("people: unable to fetch: %w", err)
	}
	tags, err := TagsOf(db, []int64{id})
	if err != nil {
		return nil, err
	}
	p.Tags = tags[id]
	if p.Consents, err = consentsOf(db, id); err != nil {
		return nil, err
	}
	return &p, nil
}

// checkEmailFree refuses an email that another person has. The unique
// index settles races; this gives the answer its field.
func checkEmailFree(tx *gorm.DB, email string, exceptID int64) error {
	if email == "" {
		return nil
	}
	var n int64
	if err := tx.Model(&Person{}).Where("email = ? AND id <> ?", email, exceptID).Count(&n).Error; err != nil {
		return fmt.Errorf("people: unable to check the email: %w", err)
	}
	if n > 0 {
		return errEmailTaken
	}
	return nil
}

// Create validates a person written by staff and stores them with their
// tags, in one transaction; consent records that the person consented,
// and news that they consented to news, as staff heard it. The audit log
// gets the names of the fields given, never their values.
func (s *Store) Create(ctx context.Context, actorID int64, in Input, consent, news bool) (*Profile, error) {
	now := s.stamp()
	f := apperr.Fields{}
	in.Validate(f, now)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Profile
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		if err := checkEmailFree(tx, in.Email, 0); err != nil {
			return err
		}
		p := Person{Source: SourceStaff, CreatedAt: now, UpdatedAt: now}
		in.Apply(&p)
		if err := tx.Create(&p).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errEmailTaken
			}
			return fmt.Errorf("people: unable to create: %w", err)
		}
		if err := setTags(tx, p.ID, in.Tags); err != nil {
			return err
		}
		fields := ChangedFields(Input{}, in)
		if consent {
			if err := recordStaffConsent(tx, &p, true, now); err != nil {
				return err
			}
			fields = append(fields, "consent")
		}
		if news {
			if err := recordStaffNews(tx, p.ID, true, now); err != nil {
				return err
			}
			fields = append(fields, "news")
		}
		if err := audit.Record(tx, actorID, "person.create", "person", strconv.FormatInt(p.ID, 10), map[string]any{"fields": fields}); err != nil {
			return err
		}
		var err error
		out, err = profile(tx, p.ID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Update replaces a person's fields and tags with in, in one transaction.
func (s *Store) Update(ctx context.Context, actorID, id int64, in Input) (*Profile, error) {
	return s.UpdateAndConsent(ctx, actorID, id, in, nil)
}

// UpdateAndConsent replaces a person's fields and tags with in and, when
// consent is not nil, records the person's consent given or withdrawn as
// SetConsent does, all in one transaction.
func (s *Store) UpdateAndConsent(ctx context.Context, actorID, id int64, in Input, consent *bool) (*Profile, error) {
	return s.Change(ctx, actorID, id, func(cur *Input) (Consents, error) {
		*cur = in
		return Consents{Data: consent}, nil
	})
}

// Change edits a person in one transaction: edit gets their input as
// stored, read under a row lock so that no other change slips in between,
// changes it, and says which consents to record given or withdrawn (nil
// for neither); an error from edit is returned and nothing is written.
// The audit log gets the names of the fields changed, never their values;
// nothing changed writes nothing.
func (s *Store) Change(ctx context.Context, actorID, id int64, edit func(in *Input) (Consents, error)) (*Profile, error) {
	now := s.stamp()
	var out *Profile
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		cur, err := profile(tx, id, true)
		if err != nil {
			return err
		}
		in := cur.Input()
		consent, err := edit(&in)
		if err != nil {
			return err
		}
		f := apperr.Fields{}
		in.Validate(f, now)
		if err := f.Err(); err != nil {
			return err
		}
		fields := ChangedFields(cur.Input(), in)
		if len(fields) > 0 {
			if err := checkEmailFree(tx, in.Email, id); err != nil {
				return err
			}
			p := cur.Person
			in.Apply(&p)
			p.UpdatedAt = now
			err := tx.Model(&Person{ID: id}).Select("given_name", "family_name", "email", "phone", "birth_year", "region",
				"locality", "locale", "handle", "volunteer", "search_text", "handle_key", "updated_at").Updates(&p).Error
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errEmailTaken
			}
			if err != nil {
				return fmt.Errorf("people: unable to update: %w", err)
			}
			if slices.Contains(fields, "tags") {
				if err := setTags(tx, id, in.Tags); err != nil {
					return err
				}
			}
			if err := audit.Record(tx, actorID, "person.update", "person", strconv.FormatInt(id, 10), map[string]any{"fields": fields}); err != nil {
				return err
			}
		}
		if consent.Data != nil {
			if _, err := setConsent(tx, actorID, cur, *consent.Data, now); err != nil {
				return err
			}
		}
		if consent.News != nil {
			if err := setNews(tx, actorID, cur, *consent.News, now); err != nil {
				return err
			}
		}
		out, err = profile(tx, id, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ChangedFields names, by their JSON names and in Input's order, the fields
// of after that differ from before. Both must be normalised (validated).
func ChangedFields(before, after Input) []string {
	out := []string{}
	str := []struct {
		name string
		a, b string
	}{
		{"given_name", before.GivenName, after.GivenName}, {"family_name", before.FamilyName, after.FamilyName},
		{"email", before.Email, after.Email}, {"phone", before.Phone, after.Phone},
	}
	for _, f := range str {
		if f.a != f.b {
			out = append(out, f.name)
		}
	}
	if (before.BirthYear == nil) != (after.BirthYear == nil) || (before.BirthYear != nil && *before.BirthYear != *after.BirthYear) {
		out = append(out, "birth_year")
	}
	for _, f := range []struct {
		name string
		a, b string
	}{
		{"region", before.Region, after.Region}, {"locality", before.Locality, after.Locality},
		{"locale", before.Locale, after.Locale}, {"handle", before.Handle, after.Handle},
	} {
		if f.a != f.b {
			out = append(out, f.name)
		}
	}
	if before.Volunteer != after.Volunteer {
		out = append(out, "volunteer")
	}
	if !slices.Equal(sortedTags(before.Tags), sortedTags(after.Tags)) {
		out = append(out, "tags")
	}
	return out
}

func sortedTags(tags []string) []string {
	out := slices.Clone(tags)
	slices.Sort(out)
	return slices.Compact(out)
}

// setTags makes a person's tags exactly names (in stored form).
func setTags(tx *gorm.DB, personID int64, names []string) error {
	ids, err := EnsureTags(tx, names)
	if err != nil {
		return err
	}
	keep := make([]int64, 0, len(ids))
	for _, id := range ids {
		keep = append(keep, id)
	}
	slices.Sort(keep)
	q := tx.Where("person_id = ?", personID)
	if len(keep) > 0 {
		q = q.Where("tag_id NOT IN ?", keep)
	}
	if err := q.Delete(&PersonTag{}).Error; err != nil {
		return fmt.Errorf("people: unable to untag: %w", err)
	}
	return TagPeople(tx, []int64{personID}, keep)
}

// SetConsent records, from staff, that a person gave their consent (to the
// current text) or withdrew it; changed is false when that was already so.
// A given consent becomes the person's latest; a withdrawal leaves the
// latest given consent on the person and stands in the history.
func (s *Store) SetConsent(ctx context.Context, actorID, personID int64, given bool) (changed bool, err error) {
	now := s.stamp()
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		cur, err := profile(tx, personID, true)
		if err != nil {
			return err
		}
		changed, err = setConsent(tx, actorID, cur, given, now)
		return err
	})
	return changed, err
}

// setConsent is SetConsent inside a transaction, over the locked profile.
func setConsent(tx *gorm.DB, actorID int64, cur *Profile, given bool, now time.Time) (bool, error) {
	standing := cur.Consenting()
	version := cur.ConsentVersion
	if c := Latest(cur.Consents, ConsentToData); c != nil {
		version = c.Version
	}
	if given == standing && (!given || version == ConsentVersion) {
		return false, nil
	}
	if err := recordStaffConsent(tx, &cur.Person, given, now); err != nil {
		return false, err
	}
	return true, audit.Record(tx, actorID, "person.consent", "person", strconv.FormatInt(cur.ID, 10), map[string]any{"given": given})
}

// setNews records, from staff, consent to news given or withdrawn, unless
// that is already so; a given one is to the current text.
func setNews(tx *gorm.DB, actorID int64, cur *Profile, given bool, now time.Time) error {
	latest := Latest(cur.Consents, ConsentToNews)
	standing := latest != nil && latest.Given
	if given == standing && (!given || latest.Version == ConsentVersion) {
		return nil
	}
	if err := recordStaffNews(tx, cur.ID, given, now); err != nil {
		return err
	}
	return audit.Record(tx, actorID, "person.news", "person", strconv.FormatInt(cur.ID, 10), map[string]any{"given": given})
}

// recordStaffNews writes a consent to news given or withdrawn by staff.
func recordStaffNews(tx *gorm.DB, personID int64, given bool, now time.Time) error {
	row := Consent{PersonID: personID, Given: given, Source: ConsentStaff, Purpose: ConsentToNews, At: now}
	if given {
		row.Version = ConsentVersion
	}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("people: unable to record consent to news: %w", err)
	}
	newsAt := &now
	if !given {
		newsAt = nil
	}
	if err := tx.Model(&Person{}).Where("id = ?", personID).Update("news_at", newsAt).Error; err != nil {
		return fmt.Errorf("people: unable to record consent to news: %w", err)
	}
	return nil
}

// recordStaffConsent writes a consent given or withdrawn by staff; a given
// one becomes the person's latest.
func recordStaffConsent(tx *gorm.DB, p *Person, given bool, now time.Time) error {
	row := Consent{PersonID: p.ID, Given: given, Source: ConsentStaff, Purpose: ConsentToData, At: now}
	if given {
		row.Version = ConsentVersion
	}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("people: unable to record consent: %w", err)
	}
	if !given {
		return nil
	}
	if err := tx.Model(&Person{ID: p.ID}).Updates(map[string]any{"consent_version": ConsentVersion, "consent_at": now}).Error; err != nil {
		return fmt.Errorf("people: unable to update consent: %w", err)
	}
	p.ConsentVersion, p.ConsentAt = ConsentVersion, &now
	return nil
}

// OpenSensitiveOf opens the sensitive attributes of people, by person id
// (those who declared nothing are absent), for an export. It writes no
// audit entry: the caller records the export, once for all the people.
func (s *Store) OpenSensitiveOf(ctx context.Context, ids []int64) (map[int64]Sensitive, error) {
	out := make(map[int64]Sensitive, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []SensitiveRow
	if err := s.db.WithContext(ctx).Where("person_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("people: unable to read sensitive attributes: %w", err)
	}
	for i := range rows {
		v, err := s.open(&rows[i])
		if err != nil {
			return nil, err
		}
		out[rows[i].PersonID] = v
	}
	return out, nil
}

// MaxTagChoices bounds the tags a filter form offers.
const MaxTagChoices = 500

// TagNames returns the names of the tags people hold, sorted, for a filter
// form to offer (at most MaxTagChoices).
func (s *Store) TagNames(ctx context.Context) ([]string, error) {
	var names []string
	err := s.db.WithContext(ctx).Model(&Tag{}).Where("EXISTS (SELECT 1 FROM person_tags pt WHERE pt.tag_id = tags.id)").
		Order("name").Limit(MaxTagChoices).Pluck("name", &names).Error
	if err != nil {
		return nil, fmt.Errorf("people: unable to list tags: %w", err)
	}
	return names, nil
}
