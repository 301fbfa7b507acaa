package registration

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"gorm.io/gorm"
)

// Attendance is marked for an activity's confirmed participants, never
// before it starts (AttendanceOpen): one at a time (SetAttendance), or the
// paper roster ticked where there was no network, entered at once
// (MarkRoster).

// MaxMarks is how many registrations one entry of a paper roster may name.
const MaxMarks = 5000

// AttendanceOpen is the one rule of when attendance may be marked: from
// the start of the activity, startsAt, on. Before, it is a conflict.
func AttendanceOpen(startsAt, now time.Time) error {
	if now.Before(startsAt) {
		return apperr.New(apperr.Conflict, "error_attendance_before_start")
	}
	return nil
}

// Marks is a paper roster as entered: the registrations of those who came
// and of those who were absent. A registration in neither is left as it
// stands, so two people entering halves of a roster do not undo each other.
type Marks struct {
	Attended []int64
	Absent   []int64
}

// CheckMarks is the rule of a paper roster entered at once, for an
// activity starting at startsAt whose confirmed registrations are
// confirmed: at least one mark, at most MaxMarks, no registration in both
// lists (invalid, naming them); not before the start (a conflict); every
// registration named a confirmed one of the activity (invalid, naming the
// others). The same id twice in one list counts once.
func CheckMarks(m Marks, startsAt, now time.Time, confirmed map[int64]bool) error {
	attended, absent := uniqueIDs(m.Attended), uniqueIDs(m.Absent)
	switch n := len(attended) + len(absent); {
	case n == 0:
		return invalidMarks(apperr.Msg{ID: "error_marks_none"}, "attended", "absent")
	case n > MaxMarks:
		return invalidMarks(apperr.Msg{ID: "error_marks_too_many", Args: []any{"Max", MaxMarks}}, "attended", "absent")
	}
	var both []int64
	for _, id := range attended {
		if _, found := slices.BinarySearch(absent, id); found {
			both = append(both, id)
		}
	}
	if len(both) > 0 {
		return invalidMarks(apperr.Msg{ID: "error_marks_both", Args: []any{"IDs", joinIDs(both)}}, "attended", "absent")
	}
	if err := AttendanceOpen(startsAt, now); err != nil {
		return err
	}
	fields := map[string]apperr.Msg{}
	var strangers []int64
	for field, ids := range map[string][]int64{"attended": attended, "absent": absent} {
		var out []int64
		for _, id := range ids {
			if !confirmed[id] {
				out = append(out, id)
			}
		}
		if len(out) > 0 {
			fields[field] = apperr.Msg{ID: "error_marks_not_confirmed", Args: []any{"IDs", joinIDs(out)}}
			strangers = append(strangers, out...)
		}
	}
	if len(strangers) > 0 {
		slices.Sort(strangers)
		return &apperr.Error{Kind: apperr.Invalid, Fields: fields,
			Message: apperr.Msg{ID: "error_marks_not_confirmed", Args: []any{"IDs", joinIDs(strangers)}}}
	}
	return nil
}

// invalidMarks is a refused entry whose message, which a page shows
// alone, is also the message of each of fields.
func invalidMarks(msg apperr.Msg, fields ...string) error {
	e := &apperr.Error{Kind: apperr.Invalid, Message: msg, Fields: map[string]apperr.Msg{}}
	for _, f := range fields {
		e.Fields[f] = msg
	}
	return e
}

// uniqueIDs is ids sorted, each once.
func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// joinIDs writes ids as a message names them: "12, 15".
func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// SetAttendance records whether a confirmed participant came, on an
// activity v reaches (a registration of any other is not found), once it
// has started (AttendanceOpen).
func (s *Service) SetAttendance(ctx context.Context, v access.Viewer, id int64, attended bool) (*Placed, error) {
	r, err := s.GetAs(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if r.Status != string(Confirmed) {
		return nil, apperr.New(apperr.Conflict, "error_attendance_not_confirmed")
	}
	var a activities.Activity
	if err := s.db.WithContext(ctx).Select("id, starts_at").Take(&a, r.ActivityID).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to read activity %d: %w", r.ActivityID, err)
	}
	if err := AttendanceOpen(a.StartsAt, s.now()); err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Model(&Registration{}).Where("id = ?", id).
		Updates(map[string]any{"attended": attended, "updated_at": s.now()}).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to record the attendance of %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// MarkRoster enters a paper roster of activity activityID, which v must
// reach (else not found), in one transaction under the activity's lock:
// every mark is written or, when CheckMarks refuses the entry, none. It is
// audited once, with the counts, v as its actor. Two entries at once both
// complete, one after the other: the later one's mark of a registration
// stands. It returns the registrations named, as they stand after, by id.
func (s *Service) MarkRoster(ctx context.Context, v access.Viewer, activityID int64, m Marks) ([]Placed, error) {
	var rows []Registration
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		var a activities.Activity
		err := database.ForUpdate(tx.Scopes(activities.Reached(v, "id"))).Take(&a, activityID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("registration: unable to lock activity %d: %w", activityID, err)
		}
		var ids []int64
		if err := tx.Model(&Registration{}).Where("activity_id = ? AND status = ?", activityID, string(Confirmed)).
			Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("registration: unable to read the confirmed of %d: %w", activityID, err)
		}
		confirmed := make(map[int64]bool, len(ids))
		for _, id := range ids {
			confirmed[id] = true
		}
		now := s.now()
		if err := CheckMarks(m, a.StartsAt, now, confirmed); err != nil {
			return err
		}
		attended, absent := uniqueIDs(m.Attended), uniqueIDs(m.Absent)
		for _, set := range []struct {
			ids  []int64
			came bool
		}{{attended, true}, {absent, false}} {
			if len(set.ids) == 0 {
				continue
			}
			if err := tx.Model(&Registration{}).Where("id IN ?", set.ids).
				Updates(map[string]any{"attended": set.came, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("registration: unable to record the attendance of %d: %w", activityID, err)
			}
		}
		if err := audit.Record(tx, v.UserID, "attendance.roster", "activity", strconv.FormatInt(activityID, 10),
			map[string]any{"attended": len(attended), "absent": len(absent)}); err != nil {
			return err
		}
		return tx.Where("id IN ?", slices.Concat(attended, absent)).Order("id").Find(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	out := make([]Placed, len(rows))
	for i, r := range rows {
		out[i] = Placed{Registration: r}
	}
	return out, nil
}

// SortByFamilyName orders a roster as a paper list reads: by family name,
// then given name, as lang orders words (Unicode collation: "Émile" among
// the E, "Өлзий" after "Оюун"), then by registration; the seats of people
// erased since, who have no name, come last.
func SortByFamilyName(entries []RosterEntry, lang string) {
	// Letter case does not order names: "bold" and "Bold" are one family.
	c := collate.New(language.Make(lang), collate.IgnoreCase) // not safe for concurrent use: one per call
	slices.SortStableFunc(entries, func(a, b RosterEntry) int {
		if a.Erased != b.Erased {
			if a.Erased {
				return 1
			}
			return -1
		}
		if n := c.CompareString(a.FamilyName, b.FamilyName); n != 0 {
			return n
		}
		if n := c.CompareString(a.GivenName, b.GivenName); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
