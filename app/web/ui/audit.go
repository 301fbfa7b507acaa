package ui

import (
	"bytes"
	"encoding/json"
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
	Actor       string // the actor's email; "" for the system or an account gone
	ObjectHref  string // the log filtered to the entry's object
	ActionLabel string // the action in the reader's language
	Lines       []auditDetail
}

// auditActions are the message ids of the actions the log records,
// so the page names each in the reader's language (the code stays beside
// it, for the filter); an action missing here shows as its code.
var auditActions = map[string]string{
	"account.erase":                    "audit_act_account_erase",
	"activity.create":                  "audit_act_activity_create",
	"activity.update":                  "audit_act_activity_update",
	"activity.answers.purge":           "audit_act_activity_answers_purge",
	"activity.published":               "audit_act_activity_published",
	"activity.cancelled":               "audit_act_activity_cancelled",
	"activity.completed":               "audit_act_activity_completed",
	"campaign.advance":                 "audit_act_campaign_advance",
	"campaign.checklist_add":           "audit_act_campaign_checklist_add",
	"campaign.checklist_tick":          "audit_act_campaign_checklist_tick",
	"campaign.create":                  "audit_act_campaign_create",
	"campaign.involvement":             "audit_act_campaign_involvement",
	"campaign.letters":                 "audit_act_campaign_letters",
	"campaign.note":                    "audit_act_campaign_note",
	"campaign.update":                  "audit_act_campaign_update",
	"login":                            "audit_act_login",
	"mailing.cancel":                   "audit_act_mailing_cancel",
	"mailing.create":                   "audit_act_mailing_create",
	"mailing.delete":                   "audit_act_mailing_delete",
	"mailing.schedule":                 "audit_act_mailing_schedule",
	"mailing.send":                     "audit_act_mailing_send",
	"mailing.test":                     "audit_act_mailing_test",
	"mailing.update":                   "audit_act_mailing_update",
	"login.failed":                     "audit_act_login_failed",
	"logout":                           "audit_act_logout",
	"partner.create":                   "audit_act_partner_create",
	"partner.update":                   "audit_act_partner_update",
	"partnership.change":               "audit_act_partnership_change",
	"people.import":                    "audit_act_people_import",
	"people.export":                    "audit_act_people_export",
	"people.export.sensitive":          "audit_act_people_export_sensitive",
	"person.consent":                   "audit_act_person_consent",
	"person.news":                      "audit_act_person_news",
	"person.create":                    "audit_act_person_create",
	"person.erase":                     "audit_act_person_erase",
	"person.export":                    "audit_act_person_export",
	"person.sensitive.view":            "audit_act_person_sensitive_view",
	"registration.answers.sealed.view": "audit_act_registration_answers_sealed_view",
	"registration.export":              "audit_act_registration_export",
	"registration.export.sealed":       "audit_act_registration_export_sealed",
	"person.update":                    "audit_act_person_update",
	"petition.create":                  "audit_act_petition_create",
	"petition.update":                  "audit_act_petition_update",
	"registration.guardian":            "audit_act_registration_guardian",
	"segment.create":                   "audit_act_segment_create",
	"survey.create":                    "audit_act_survey_create",
	"segment.delete":                   "audit_act_segment_delete",
	"token.create":                     "audit_act_token_create",
	"token.revoke":                     "audit_act_token_revoke",
	"user.create":                      "audit_act_user_create",
	"user.profile":                     "audit_act_user_profile",
	"registration.accept":              "audit_act_registration_accept",
	"registration.decline":             "audit_act_registration_decline",
	"attendance.roster":                "audit_act_attendance_roster",
}

// auditDetail is a line of an entry's details: a key and its value.
type auditDetail struct{ Key, Value string }

// auditDetails reads an entry's details, a JSON object, as one line per
// key, in key order, whole: text as it is, a list of texts joined by
// commas, null as a dash, any other value as its JSON. Details that are not an object
// show as they are, on one line; an empty object, as nothing.
func auditDetails(raw string) []auditDetail {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		if strings.TrimSpace(raw) == "" {
			return nil
		}
		return []auditDetail{{Value: raw}}
	}
	out := make([]auditDetail, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		var text string
		var texts []string
		switch {
		case string(v) == "null":
			text = "—"
		case json.Unmarshal(v, &text) == nil:
		case json.Unmarshal(v, &texts) == nil && texts != nil:
			text = strings.Join(texts, ", ")
		default:
			var b bytes.Buffer
			if json.Compact(&b, v) == nil {
				text = b.String()
			} else {
				text = string(v)
			}
		}
		out = append(out, auditDetail{Key: k, Value: text})
	}
	return out
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
		// Each message goes beside its field, and in the error summary;
		// those of parameters the form has no field for (a cursor, a
		// mistyped name) in the summary alone, with their name.
		p.Errors = map[string]string{}
		for field, m := range ae.Fields {
			msg := p.L.T(m.ID, m.Args...)
			if !slices.Contains(auditFormFields, field) {
				msg = field + ": " + msg
			}
			p.Errors[field] = msg
		}
		p.Label("action", "audit_action", "actor", "audit_filter_actor", "object_type", "audit_object_type",
			"object_id", "audit_object_id", "from", "audit_from", "to", "audit_to")
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
		row := auditRow{Entry: e, ActionLabel: e.Action, Lines: auditDetails(e.Details)}
		if id, ok := auditActions[e.Action]; ok {
			row.ActionLabel = p.L.T(id)
		}
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
