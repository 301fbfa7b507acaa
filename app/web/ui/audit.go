package ui

import (
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
)

// The audit log (admin), as a page and through the API, with the same
// filters: action (exact, or a prefix ending in "."), actor by email,
// object type and id, from and to dates, and keyset paging along the id.

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

// AuditList shows the log, newest first, a page at a time (admin). Bad
// filter values show the form again with their messages (422), and no
// entries.
func (s *Handlers) AuditList(c *fiber.Ctx) error {
	p := s.Page(c, "audit_title", nil)
	data := auditData{Erased: c.Query("erased") == "1"}
	p.Form = map[string]string{}
	for _, k := range audit.Params {
		p.Form[k] = c.Query(k)
	}
	q, err := s.AuditQuery(c, "lang", "erased")
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
		return s.Render(c, fiber.StatusUnprocessableEntity, tplAuditLog, p)
	}
	if err != nil {
		return err
	}
	page, err := s.Audit.ListPage(c.UserContext(), q.Filter)
	if err != nil {
		return err
	}
	actors, err := s.AuditActors(c, page.Entries)
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
	return s.Render(c, fiber.StatusOK, tplAuditLog, p)
}
