package partners

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
)

// PartnershipInput changes a partnership. Status "" keeps the status and
// changes only the shared goals or notes given; otherwise the change is
// dated ChangedOn, today when zero.
type PartnershipInput struct {
	Status      string
	ChangedOn   civil.Date
	SharedGoals *string
	Notes       *string
}

// SetPartnership changes a partnership (staff only). A new status must
// differ from the current one and may not be prospective again; it is
// dated today unless said otherwise, never in the future nor before the
// last change. The first move to active sets the start date. Every change
// of status is kept in the history.
func (s *Store) SetPartnership(ctx context.Context, v access.Viewer, id int64, in PartnershipInput) (*Partner, error) {
	var out *Partner
	err := database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		p, err := s.get(tx, v, id, true)
		if err != nil {
			return err
		}
		if !v.Staff {
			return errStaffOnly
		}
		f := apperr.Fields{}
		ps := &p.Partnership
		on := in.ChangedOn
		switch {
		case in.Status == "" && (!on.IsZero() || (in.SharedGoals == nil && in.Notes == nil)):
			f.Add("status", "error_required")
		case in.Status == "": // goals or notes only
		case !slices.Contains(Statuses, in.Status):
			f.Add("status", "error_partnership_status_unknown")
		case in.Status == StatusProspective:
			f.Add("status", "error_partnership_prospective_again")
		case in.Status == ps.Status:
			f.Add("status", "error_partnership_status_same")
		}
		if in.Status != "" && on.IsZero() {
			on = s.today()
		}
		if !on.IsZero() {
			if on.After(s.today()) {
				f.Add("changed_on", "error_partnership_date_future")
			} else if n := len(p.History); n > 0 && on.Before(p.History[n-1].ChangedOn) {
				f.Add("changed_on", "error_partnership_date_before_last")
			}
		}
		texts := []struct {
			field string
			dst   *string
			v     *string
			max   int
		}{{"shared_goals", &ps.SharedGoals, in.SharedGoals, MaxSharedGoals}, {"notes", &ps.Notes, in.Notes, MaxNotes}}
		for _, t := range texts {
			if t.v == nil {
				continue
			}
			*t.dst = strings.TrimSpace(*t.v)
			usertext.Check(f, t.field, *t.dst, usertext.Lines)
			if utf8.RuneCountInString(*t.dst) > t.max {
				f.Add(t.field, "error_too_long", "Max", t.max)
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := s.stamp()
		details := map[string]any{}
		if in.Status != "" {
			ps.Status = in.Status
			if in.Status == StatusActive && ps.StartedOn.IsZero() {
				ps.StartedOn = on
			}
			c := Change{PartnerID: id, Status: in.Status, ChangedOn: on, ActorID: actor(v), CreatedAt: now}
			if err := tx.Create(&c).Error; err != nil {
				return fmt.Errorf("partners: unable to record the change: %w", err)
			}
			p.History = append(p.History, c)
			details["status"], details["changed_on"] = in.Status, on.String()
		}
		ps.UpdatedAt = now
		err = tx.Model(&Partnership{}).Where("partner_id = ?", id).Updates(map[string]any{"status": ps.Status,
			"started_on": ps.StartedOn, "shared_goals": ps.SharedGoals, "notes": ps.Notes, "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("partners: unable to save the partnership: %w", err)
		}
		out = p
		return audit.Record(tx, v.UserID, "partnership.change", "partner", strconv.FormatInt(id, 10), details)
	})
	return out, err
}

// KeyFigures counts the partnerships over the organisations v reaches.
func (s *Store) KeyFigures(ctx context.Context, v access.Viewer) (*Figures, error) {
	db := s.db.WithContext(ctx)
	var changes []Change
	if err := restrict(v, db.Model(&Change{}), "partner_id").Select("status, changed_on").
		Where("status IN ?", []string{StatusActive, StatusStrengthened}).Find(&changes).Error; err != nil {
		return nil, fmt.Errorf("partners: unable to read the history: %w", err)
	}
	out := &Figures{EstablishedPerYear: PerYear(changes, StatusActive), StrengthenedPerYear: PerYear(changes, StatusStrengthened)}
	group := func(q *gorm.DB, col string) ([]Count, error) {
		var rows []Count
		if err := q.Select(col + " AS value, COUNT(*) AS count").Group(col).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("partners: unable to count by %s: %w", col, err)
		}
		return rows, nil
	}
	var err error
	if out.ByKind, err = group(restrict(v, db.Model(&Partner{}), "id"), "kind"); err != nil {
		return nil, err
	}
	if out.ByRegion, err = group(restrict(v, db.Model(&Partner{}), "id"), "region"); err != nil {
		return nil, err
	}
	if out.ByStatus, err = group(restrict(v, db.Model(&Partnership{}), "partner_id"), "status"); err != nil {
		return nil, err
	}
	inOrder := func(order []string) func(a, b Count) int {
		return func(a, b Count) int { return slices.Index(order, a.Value) - slices.Index(order, b.Value) }
	}
	slices.SortFunc(out.ByKind, inOrder(Kinds))
	slices.SortFunc(out.ByStatus, inOrder(Statuses))
	slices.SortFunc(out.ByRegion, func(a, b Count) int {
		switch {
		case a.Value == b.Value:
			return 0
		case a.Value == "":
			return 1
		case b.Value == "":
			return -1
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out, nil
}
