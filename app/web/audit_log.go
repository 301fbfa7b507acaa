package web

import (
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/auth"
)

// The audit log (admin), as a page and through the API, with the same
// filters: action (exact, or a prefix ending in "."), actor by email,
// object type and id, from and to dates, and keyset paging along the id.

// auditQuery reads the filters of a listing of the log from the request's
// query string and looks up the actor's email: an unknown one is a field
// error like a malformed date. others are parameters the caller allows
// besides the filters.
func (s *Server) auditQuery(c *fiber.Ctx, others ...string) (audit.Query, error) {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return audit.Query{}, apperr.New(apperr.Malformed, "error_bad_request")
	}
	q, err := audit.ParseQuery(v, others...)
	if err != nil {
		return q, err
	}
	if q.ActorEmail != "" {
		u, err := s.users.UserByEmail(c.UserContext(), q.ActorEmail)
		if errors.Is(err, apperr.ErrNotFound) {
			return q, apperr.Fields{"actor": {ID: "error_audit_actor_unknown"}}.Err()
		}
		if err != nil {
			return q, err
		}
		q.ActorID = u.ID
	}
	return q, nil
}

// auditActors returns the email of each actor of entries, in one query; an
// actor whose account is gone has none.
func (s *Server) auditActors(c *fiber.Ctx, entries []audit.Entry) (map[int64]string, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, e := range entries {
		if e.ActorID != nil && !seen[*e.ActorID] {
			seen[*e.ActorID] = true
			ids = append(ids, *e.ActorID)
		}
	}
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var users []auth.User
	if err := s.db.WithContext(c.UserContext()).Select("id", "email").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		out[u.ID] = u.Email
	}
	return out, nil
}

// auditRow is an entry as the page shows it.
type auditRow struct {
	audit.Entry
	Actor      string // the actor's email; "" for the system or an account gone
	ObjectHref string // the log filtered to the entry's object
}

// auditFormFields are the filters the page's form has a field for.
var auditFormFields = []string{"action", "actor", "object_type", "object_id", "from", "to"}

type auditData struct {
	Entries []auditRow
	Older   string // the link to the next, older page; "" on the last
	Erased  bool   // a person was just erased
}

// auditList shows the log, newest first, a page at a time (admin). Bad
// filter values show the form again with their messages (422), and no
// entries.
func (s *Server) auditList(c *fiber.Ctx) error {
	p := s.page(c, "audit_title", nil)
	data := auditData{Erased: c.Query("erased") == "1"}
	p.Form = map[string]string{}
	for _, k := range audit.Params {
		p.Form[k] = c.Query(k)
	}
	q, err := s.auditQuery(c, "lang", "erased")
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.Invalid {
		// Each message goes beside its field; those of parameters the form
		// has no field for (a cursor, a mistyped name) go at the top.
		p.Errors = map[string]string{}
		msgs := []string{p.L.T(ae.Message.ID, ae.Message.Args...)}
		for _, field := range slices.Sorted(maps.Keys(ae.Fields)) {
			m := ae.Fields[field]
			p.Errors[field] = p.L.T(m.ID, m.Args...)
			if !slices.Contains(auditFormFields, field) {
				msgs = append(msgs, field+": "+p.Errors[field])
			}
		}
		p.ErrorMsg = strings.Join(msgs, " ")
		p.Data = data
		return s.render(c, fiber.StatusUnprocessableEntity, tplAuditLog, p)
	}
	if err != nil {
		return err
	}
	page, err := audit.ListPage(c.UserContext(), s.db, q.Filter)
	if err != nil {
		return err
	}
	actors, err := s.auditActors(c, page.Entries)
	if err != nil {
		return err
	}
	for _, e := range page.Entries {
		row := auditRow{Entry: e}
		if e.ActorID != nil {
			row.Actor = actors[*e.ActorID]
		}
		if e.ObjectType != "" && e.ObjectID != "" {
			row.ObjectHref = "/manage/audit?" + url.Values{"object_type": {e.ObjectType}, "object_id": {e.ObjectID}}.Encode()
		}
		data.Entries = append(data.Entries, row)
	}
	if page.Next != 0 {
		v := q.Values()
		v.Set("cursor", strconv.FormatInt(page.Next, 10))
		data.Older = "/manage/audit?" + v.Encode()
	}
	p.Data = data
	return s.render(c, fiber.StatusOK, tplAuditLog, p)
}

type apiAuditEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *int64          `json:"actor_id"`
	ActorEmail *string         `json:"actor_email"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Details    json.RawMessage `json:"details"`
}

// apiAudit lists the log (admin), newest first, with the page's filters
// (action, actor, object_type, object_id, from, to), limit (1–500) and
// cursor (the next_cursor of the page before); a bad value is a 422.
func (s *Server) apiAudit(c *fiber.Ctx) error {
	q, err := s.auditQuery(c, "lang")
	if err != nil {
		return err
	}
	page, err := audit.ListPage(c.UserContext(), s.db, q.Filter)
	if err != nil {
		return err
	}
	actors, err := s.auditActors(c, page.Entries)
	if err != nil {
		return err
	}
	items := make([]apiAuditEntry, len(page.Entries))
	for i, e := range page.Entries {
		items[i] = apiAuditEntry{ID: e.ID, At: e.At, ActorID: e.ActorID, Action: e.Action,
			ObjectType: e.ObjectType, ObjectID: e.ObjectID, Details: json.RawMessage(e.Details)}
		if e.ActorID != nil {
			if email, ok := actors[*e.ActorID]; ok {
				items[i].ActorEmail = &email
			}
		}
	}
	var next *string
	if page.Next != 0 {
		n := strconv.FormatInt(page.Next, 10)
		next = &n
	}
	return c.JSON(fiber.Map{"items": items, "next_cursor": next})
}
