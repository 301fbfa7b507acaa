// Package submissions keeps what a public form sent until its owner opens
// the link emailed to them. Anyone can type anyone's address into a public
// form, so a form places nothing and counts nothing by itself: it answers the
// same for every well-formed submission, and the email decides what happens
// (DESIGN.md, "A young person's place, end to end"). The form is sealed, since
// it may hold self-declared sensitive answers, and only a hash of the link's
// token is kept.
package submissions

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/clock"
	"github.com/gotong/gotong/app/links"
	"github.com/gotong/gotong/app/people"
	"gorm.io/gorm"
)

// What a submission is for.
const (
	KindRegistration = "registration" // TargetID is an activity
	KindSignature    = "signature"    // TargetID is a petition
)

// Lifetime is how long an emailed link places its submission: long enough
// for someone who reads their mail once a day, short enough that a form left
// unconfirmed goes with its data.
const Lifetime = 48 * time.Hour

// Submission is a row of the submissions table.
type Submission struct {
	ID        int64
	TokenHash []byte
	Kind      string
	TargetID  int64
	Payload   []byte // the form, sealed
	Locale    string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time // set by the tap that placed it
	ResultID  *int64     // the registration or signature it became
}

// ErrLinkExpired answers a link that is unknown, malformed or past its
// lifetime, all alike.
var ErrLinkExpired = apperr.New(apperr.NotFound, "error_link_expired")

// Store reads and writes submissions.
type Store struct {
	db     *gorm.DB
	sealer *people.Sealer
	now    clock.Clock
}

// NewStore returns the store; sealer seals the forms, now dates them.
func NewStore(db *gorm.DB, sealer *people.Sealer, now clock.Clock) *Store {
	return &Store{db: db, sealer: sealer, now: now}
}

func sealContext(kind string, hash []byte) string {
	return "submission:" + kind + ":" + hex.EncodeToString(hash)
}

// Create writes a submission of form (any JSON-encodable value) within tx,
// which should be the transaction that also queues its email, and returns
// the token of its link.
func (s *Store) Create(tx *gorm.DB, kind string, targetID int64, form any, locale string) (string, error) {
	tokens, err := s.CreateAll(tx, kind, []Form{{TargetID: targetID, Value: form, Locale: locale}})
	if err != nil {
		return "", err
	}
	return tokens[0], nil
}

// Form is a submission to write: what it is for, the form (any
// JSON-encodable value) and its locale.
type Form struct {
	TargetID int64
	Value    any
	Locale   string
}

// CreateAll is Create for several forms of kind, in one statement; it
// returns their tokens in order.
func (s *Store) CreateAll(tx *gorm.DB, kind string, forms []Form) ([]string, error) {
	if len(forms) == 0 {
		return nil, nil
	}
	now := s.now().UTC()
	tokens := make([]string, len(forms))
	rows := make([]Submission, len(forms))
	for i, f := range forms {
		plain, err := json.Marshal(f.Value)
		if err != nil {
			return nil, fmt.Errorf("submissions: unable to encode the form: %w", err)
		}
		token, hash := links.New()
		tokens[i] = token
		rows[i] = Submission{TokenHash: hash, Kind: kind, TargetID: f.TargetID, Payload: s.sealer.Seal(plain, sealContext(kind, hash)),
			Locale: f.Locale, CreatedAt: now, ExpiresAt: now.Add(Lifetime)}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return nil, fmt.Errorf("submissions: unable to create: %w", err)
	}
	return tokens, nil
}

// Find returns the submission of kind behind token, used or not, while its
// link lives; any other token is ErrLinkExpired.
func (s *Store) Find(ctx context.Context, kind, token string) (*Submission, error) {
	return s.findOne(s.db.WithContext(ctx), kind, token)
}

// FindIn is Find within tx.
func (s *Store) FindIn(tx *gorm.DB, kind, token string) (*Submission, error) {
	return s.findOne(tx, kind, token)
}

// FindAll is Find for several tokens of kind, in one query: the
// submissions found, by token. A token missing from it is ErrLinkExpired.
func (s *Store) FindAll(ctx context.Context, kind string, tokens []string) (map[string]*Submission, error) {
	return s.find(s.db.WithContext(ctx), kind, tokens)
}

// findOne is the submission of kind behind token.
func (s *Store) findOne(db *gorm.DB, kind, token string) (*Submission, error) {
	found, err := s.find(db, kind, []string{token})
	if err != nil {
		return nil, err
	}
	if sub, ok := found[token]; ok {
		return sub, nil
	}
	return nil, ErrLinkExpired
}

// find is the submissions of kind behind tokens, by token; a malformed
// token is not looked for.
func (s *Store) find(db *gorm.DB, kind string, tokens []string) (map[string]*Submission, error) {
	byHash := make(map[string]string, len(tokens))
	var hashes [][]byte
	for _, t := range tokens {
		if links.Valid(t) {
			h := links.Hash(t)
			byHash[string(h)] = t
			hashes = append(hashes, h)
		}
	}
	found := make(map[string]*Submission, len(hashes))
	if len(hashes) == 0 {
		return found, nil
	}
	var rows []Submission
	if err := db.Where("token_hash IN ? AND kind = ? AND expires_at > ?", hashes, kind, s.now().UTC()).
		Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("submissions: unable to find: %w", err)
	}
	for i := range rows {
		found[byHash[string(rows[i].TokenHash)]] = &rows[i]
	}
	return found, nil
}

// Form opens the sealed form of sub into v.
func (s *Store) Form(sub *Submission, v any) error {
	plain, err := s.sealer.Open(sub.Payload, sealContext(sub.Kind, sub.TokenHash))
	if err != nil {
		return fmt.Errorf("submissions: unable to open %d: %w", sub.ID, err)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("submissions: unable to decode %d: %w", sub.ID, err)
	}
	return nil
}

// Claim marks the submissions ids used within tx, before what they place
// is written there, in one statement. It returns those it claimed: one
// missing was used first by another tap, which placed it, so this one must
// place nothing.
func (s *Store) Claim(tx *gorm.DB, ids ...int64) (map[int64]bool, error) {
	var claimed []int64
	if len(ids) > 0 {
		if err := tx.Raw("UPDATE submissions SET used_at = ? WHERE id IN ? AND used_at IS NULL RETURNING id",
			s.now().UTC(), ids).Scan(&claimed).Error; err != nil {
			return nil, fmt.Errorf("submissions: unable to claim %d: %w", len(ids), err)
		}
	}
	out := make(map[int64]bool, len(claimed))
	for _, id := range claimed {
		out[id] = true
	}
	return out, nil
}

// SetResults records, within the tx that claimed them, the registration or
// signature that each submission became (results maps a submission's id to
// its result's), so that a second tap can show it; one statement for all.
func (s *Store) SetResults(tx *gorm.DB, results map[int64]int64) error {
	if len(results) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(results))
	var set strings.Builder
	args := make([]any, 0, 2*len(ids)+1)
	set.WriteString("UPDATE submissions SET result_id = CASE id")
	for _, id := range ids {
		set.WriteString(" WHEN ? THEN CAST(? AS BIGINT)")
		args = append(args, id, results[id])
	}
	set.WriteString(" END WHERE id IN ?")
	args = append(args, ids)
	if err := tx.Exec(set.String(), args...).Error; err != nil {
		return fmt.Errorf("submissions: unable to record the results of %d: %w", len(ids), err)
	}
	return nil
}

// Purge deletes the submissions whose links have expired, used or not, and
// says how many went: an unconfirmed form keeps nobody's data for longer.
func (s *Store) Purge(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", s.now().UTC()).Delete(&Submission{})
	if res.Error != nil {
		return 0, fmt.Errorf("submissions: unable to purge: %w", res.Error)
	}
	return res.RowsAffected, nil
}
