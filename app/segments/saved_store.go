package segments

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/usertext"
	"golang.org/x/text/cases"
	"gorm.io/gorm"
)

// Values is the filter as the query parameters Parse reads, in one
// canonical spelling: Parse(f.Values()) gives f back, and two spellings of
// one filter give the same Values.
func (f Filter) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Q)
	for _, t := range f.AllTags {
		v.Add("tag", t)
	}
	for _, t := range f.AnyTags {
		v.Add("any_tag", t)
	}
	set("region", f.Region)
	set("locality", f.Locality)
	if f.AgeMin != nil {
		v.Set("age_min", strconv.Itoa(*f.AgeMin))
	}
	if f.AgeMax != nil {
		v.Set("age_max", strconv.Itoa(*f.AgeMax))
	}
	if f.Volunteer != nil {
		v.Set("volunteer", strconv.FormatBool(*f.Volunteer))
	}
	set("attended", f.AttendedKind)
	if f.SignedFor != 0 {
		v.Set("signed", strconv.FormatInt(f.SignedFor, 10))
	}
	set("created_since", f.CreatedSince.String())
	return v
}

// stamp is the time of a write, to the microsecond both databases keep.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// MaxNameRunes bounds the name of a saved segment.
const MaxNameRunes = 100

// nameKey is a name as uniqueness compares it: trimmed and case-folded
// (Cyrillic as well as Latin letters).
func nameKey(name string) string { return cases.Fold().String(strings.TrimSpace(name)) }

// ParseQuery reads a query string (with or without its leading ?) into a
// filter; every problem is a field error on field, with the message of the
// first bad parameter in alphabetical order.
func ParseQuery(field, query string) (Filter, error) {
	v, err := url.ParseQuery(strings.TrimPrefix(strings.TrimSpace(query), "?"))
	if err != nil {
		return Filter{}, apperr.Fields{field: {ID: "error_segment_query"}}.Err()
	}
	f, err := Parse(v)
	var ae *apperr.Error
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		names := make([]string, 0, len(ae.Fields))
		for k := range ae.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		return Filter{}, apperr.Fields{field: ae.Fields[names[0]]}.Err()
	}
	return f, err
}

var errInUse = apperr.New(apperr.Conflict, "error_segment_in_use")

var errNameTaken = &apperr.Error{Kind: apperr.Conflict, Message: apperr.Msg{ID: "error_segment_name_taken"},
	Fields: map[string]apperr.Msg{"name": {ID: "error_segment_name_taken"}}}

// Save keeps a filter under a name, for everyone who reads people: the name
// is required, at most MaxNameRunes long and unique without letter case
// (409 otherwise); the query must be one Parse reads, and is kept in its
// canonical spelling.
func (s *Store) Save(ctx context.Context, actorID int64, name, query string) (*Saved, error) {
	name = strings.TrimSpace(name)
	f := apperr.Fields{}
	usertext.Check(f, "name", name, usertext.Line)
	switch {
	case name == "":
		f.Add("name", "error_required")
	case utf8.RuneCountInString(name) > MaxNameRunes:
		f.Add("name", "error_too_long", "Max", MaxNameRunes)
	}
	filter, err := ParseQuery("query", query)
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			return nil, err
		}
		for k, m := range ae.Fields {
			f[k] = m
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.stamp()
	row := &Saved{Name: name, NameKey: nameKey(name), Query: filter.Values().Encode(), CreatedAt: now, UpdatedAt: now}
	if actorID != 0 {
		row.CreatedBy = &actorID
	}
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Saved{}).Where("name_key = ?", row.NameKey).Count(&n).Error; err != nil {
			return fmt.Errorf("segments: unable to check the name: %w", err)
		}
		if n > 0 {
			return errNameTaken
		}
		if err := tx.Create(row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errNameTaken
			}
			return fmt.Errorf("segments: unable to save: %w", err)
		}
		return audit.Record(tx, actorID, "segment.create", "segment", strconv.FormatInt(row.ID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// GetSaved returns a saved segment.
func (s *Store) GetSaved(ctx context.Context, id int64) (*Saved, error) {
	var row Saved
	err := s.db.WithContext(ctx).Take(&row, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("segments: unable to fetch: %w", err)
	}
	return &row, nil
}

// DeleteSaved forgets a saved segment; the people in it stay as they are.
// A segment that a mailing not yet started goes to is a conflict.
func (s *Store) DeleteSaved(ctx context.Context, actorID, id int64) error {
	return database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		// A mailing not yet started goes to the segment (the foreign key
		// restricts the delete too; this says why, as a conflict).
		var waiting int64
		if err := tx.Table("mailings").Where("segment_id = ?", id).Count(&waiting).Error; err != nil {
			return fmt.Errorf("segments: unable to delete: %w", err)
		}
		if waiting > 0 {
			return errInUse
		}
		res := tx.Delete(&Saved{}, id)
		if res.Error != nil {
			return fmt.Errorf("segments: unable to delete: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.ErrNotFound
		}
		return audit.Record(tx, actorID, "segment.delete", "segment", strconv.FormatInt(id, 10), nil)
	})
}

// Counted is a saved segment with how many people it holds now. Count is
// nil when that is unknown: its query no longer reads (Unreadable: the
// rules changed since it was saved, such as the cap on tags), or counting
// failed or took longer than CountTimeout.
type Counted struct {
	Saved
	Count      *int64
	Unreadable bool
}

// CountTimeout bounds the counting of saved segments, which pages show
// beside what they were asked: a slow one leaves the counts unknown rather
// than holding the page until its deadline.
const CountTimeout = 5 * time.Second

// ListSaved returns the saved segments by name, each with its count.
func (s *Store) ListSaved(ctx context.Context, today civil.Date) ([]Counted, error) {
	var rows []Saved
	if err := s.db.WithContext(ctx).Order("name_key, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("segments: unable to list saved segments: %w", err)
	}
	return s.CountSaved(ctx, rows, today), nil
}

// CountSaved counts saved segments, all in one statement. It never fails:
// a failure leaves the counts unknown and is logged with the segments' ids
// alone (a query may hold a name searched for). The statement runs on the
// pool, outside any transaction, so its failure cannot abort a caller's
// transaction on PostgreSQL.
func (s *Store) CountSaved(ctx context.Context, rows []Saved, today civil.Date) []Counted {
	out := make([]Counted, len(rows))
	filters := map[int64]Filter{}
	for i, r := range rows {
		out[i].Saved = r
		f, err := ParseQuery("query", r.Query)
		if err != nil {
			out[i].Unreadable = true
			continue
		}
		filters[r.ID] = f
	}
	ctx, cancel := context.WithTimeout(ctx, s.countTimeout)
	defer cancel()
	counts, err := s.counts(ctx, filters, today)
	if err != nil {
		ids := slices.Sorted(maps.Keys(filters))
		s.log.Warn("segments: saved segments not counted", "segment_ids", ids, "interrupted", database.Interrupted(err), "err", err)
	}
	for i := range out {
		if n, ok := counts[out[i].ID]; ok {
			out[i].Count = &n
		}
	}
	return out
}

// counts counts several filters, keyed by any id, in one statement: a
// count per filter, joined with UNION ALL, so that each is planned on its
// own conditions and indexes.
func (s *Store) counts(ctx context.Context, filters map[int64]Filter, today civil.Date) (map[int64]int64, error) {
	out := make(map[int64]int64, len(filters))
	if len(filters) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(filters))
	for id := range filters {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	parts := make([]string, 0, len(ids))
	var args []any
	for _, id := range ids {
		part := "SELECT " + strconv.FormatInt(id, 10) + " AS id, COUNT(*) AS n FROM people"
		if cond, a := Where(filters[id], today); cond != "" {
			part += " WHERE " + cond
			args = append(args, a...)
		}
		parts = append(parts, part)
	}
	var rows []struct {
		ID int64
		N  int64
	}
	if err := s.db.WithContext(ctx).Raw(strings.Join(parts, " UNION ALL "), args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("segments: unable to count saved segments: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}
