package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/mailings"
	"github.com/gotong/gotong/app/web/api"
)

var mailingFields = []string{"id", "name", "subject", "body", "segment_id", "query", "status", "scheduled_at",
	"started_at", "finished_at", "counts"}

// mailingPeople creates, through the API, the people a mailing to rural
// people is tested with: Сараа (mn) and Amélie (fr, a language the
// mailings below are not written in) in the countryside with consent to
// news; Dewi in the countryside without it; Tuya in town with it. It
// returns the id of the saved segment "Rural".
func mailingPeople(t *testing.T, c *client, tok string) int64 {
	t.Helper()
	for _, p := range []string{
		`{"given_name": "Сараа", "email": "saraa@example.org", "locale": "mn", "locality": "rural", "consent": true, "news": true}`,
		`{"given_name": "Amélie", "email": "amelie@example.org", "locale": "fr", "locality": "rural", "consent": true, "news": true}`,
		`{"given_name": "Dewi", "email": "dewi@example.org", "locale": "id", "locality": "rural", "consent": true}`,
		`{"given_name": "Tuya", "email": "tuya@example.org", "locale": "mn", "locality": "urban", "consent": true, "news": true}`,
	} {
		apiJSON(t, c.api("POST", "/api/v1/people", tok, p), http.StatusCreated, nil)
	}
	var seg api.Segment
	apiJSON(t, c.api("POST", "/api/v1/segments", tok, `{"name": "Rural", "query": "locality=rural"}`), http.StatusCreated, &seg)
	return seg.ID
}

// mailingJSON is a mailing's body to segment seg, in English and Mongolian.
func mailingJSON(name string, seg int64) string {
	return fmt.Sprintf(`{"name": %q, "segment_id": %d,
		"subject": {"en": "News for {{given_name}}", "mn": "Мэдээ: {{given_name}}"},
		"body": {"en": "Hello {{given_name}}, the camp: https://example.org/camp.", "mn": "Сайн байна уу, {{given_name}}. Зуслан: https://example.org/camp"}}`,
		name, seg)
}

// mailingCreate creates a mailing and returns it.
func mailingCreate(t *testing.T, c *client, tok, body string) api.MailingFull {
	t.Helper()
	var m api.MailingFull
	apiJSON(t, c.api("POST", "/api/v1/mailings", tok, body), http.StatusCreated, &m)
	return m
}

// mailingGet reads a mailing through the API.
func mailingGet(t *testing.T, c *client, tok string, id int64) api.MailingFull {
	t.Helper()
	var m api.MailingFull
	apiJSON(t, c.api("GET", api.MailingPath(id), tok, ""), http.StatusOK, &m)
	return m
}

// mailingCounts is the rows of the mailings' tables, to prove a refusal
// wrote nothing.
func (e *env) mailingCounts() []int64 {
	return []int64{e.rows("mailings"), e.rows("mailing_texts"), e.rows("mailing_recipients"), e.rows("mailing_links")}
}

// TestAPIMailingRoundTrip: staff create a draft, read it with its reach,
// change some fields and keep the rest, send a GET body back, remove a
// language, and list it with its counts; a draft is deleted.
func TestAPIMailingRoundTrip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		seg := mailingPeople(t, c, tok)
		res := c.api("POST", "/api/v1/mailings", tok, mailingJSON("Camp", seg))
		var m api.MailingFull
		apiJSON(t, res, http.StatusCreated, &m)
		if loc := res.Header.Get("Location"); loc != api.MailingPath(m.ID) {
			t.Fatalf("Location %q", loc)
		}
		var raw json.RawMessage
		apiJSON(t, c.api("GET", api.MailingPath(m.ID), tok, ""), http.StatusOK, &raw)
		apiWantKeys(t, "a mailing", raw, append([]string{"reach", "links"}, mailingFields...)...)
		got := mailingGet(t, c, tok, m.ID)
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("GET %+v, POST answered %+v", got, m)
		}
		if m.Name != "Camp" || m.Status != mailings.StatusDraft || m.SegmentID == nil || *m.SegmentID != seg || m.Query != "" ||
			m.Subject["mn"] != "Мэдээ: {{given_name}}" || m.Body["en"] != "Hello {{given_name}}, the camp: https://example.org/camp." ||
			len(m.Subject) != 2 || m.ScheduledAt != nil || m.StartedAt != nil || m.Counts != (api.MailingCounts{}) || len(m.Links) != 0 {
			t.Fatalf("created: %+v", m)
		}
		if m.Reach == nil || *m.Reach != 2 {
			t.Fatalf("reach %v, want the 2 rural people with consent to news", m.Reach)
		}

		// A patch keeps what it leaves out; a language given joins.
		apiJSON(t, c.api("PATCH", api.MailingPath(m.ID), tok, `{"name": "Camp 2027", "subject": {"fr": "Nouvelles"}, "body": {"fr": "Le camp"}}`),
			http.StatusOK, &m)
		if m.Name != "Camp 2027" || len(m.Subject) != 3 || m.Subject["fr"] != "Nouvelles" || m.Subject["en"] != "News for {{given_name}}" ||
			m.Body["mn"] != "Сайн байна уу, {{given_name}}. Зуслан: https://example.org/camp" || m.SegmentID == nil || *m.SegmentID != seg {
			t.Fatalf("patched: %+v", m)
		}
		// A query replaces the segment; its reach follows.
		apiJSON(t, c.api("PATCH", api.MailingPath(m.ID), tok, `{"query": "?locality=urban"}`), http.StatusOK, &m)
		if m.SegmentID != nil || m.Query != "locality=urban" || m.Reach == nil || *m.Reach != 1 || m.Name != "Camp 2027" {
			t.Fatalf("to a query: %+v", m)
		}
		// A GET body sent back changes nothing.
		before := mailingGet(t, c, tok, m.ID)
		body, _ := json.Marshal(before)
		apiJSON(t, c.api("PATCH", api.MailingPath(m.ID), tok, string(body)), http.StatusOK, &m)
		if !reflect.DeepEqual(m, before) {
			t.Fatalf("sent back: %+v, was %+v", m, before)
		}
		// An empty subject and body remove a language; the segment again.
		id := m.ID
		m = api.MailingFull{} // decoding into m would keep the map keys it has
		apiJSON(t, c.api("PATCH", api.MailingPath(id), tok,
			fmt.Sprintf(`{"subject": {"fr": ""}, "body": {"fr": " "}, "segment_id": %d}`, seg)), http.StatusOK, &m)
		if _, ok := m.Subject["fr"]; ok || len(m.Body) != 2 || m.Query != "" || m.SegmentID == nil || *m.Reach != 2 {
			t.Fatalf("without French: %+v", m)
		}

		other := mailingCreate(t, c, tok, `{"name": "Everyone", "subject": {"en": "Hi"}, "body": {"en": "All of you."}}`)
		if other.Reach == nil || *other.Reach != 3 {
			t.Fatalf("a mailing to everyone reaches %v, want the 3 with consent to news", other.Reach)
		}
		var list struct {
			Items []json.RawMessage `json:"items"`
		}
		apiJSON(t, c.api("GET", "/api/v1/mailings", tok, ""), http.StatusOK, &list)
		if len(list.Items) != 2 {
			t.Fatalf("%d mailings listed", len(list.Items))
		}
		apiWantKeys(t, "a listed mailing", list.Items[0], mailingFields...)
		var first, second api.Mailing
		_ = json.Unmarshal(list.Items[0], &first)
		_ = json.Unmarshal(list.Items[1], &second)
		if first.ID != other.ID || second.ID != m.ID || second.Name != "Camp 2027" || second.Counts != (api.MailingCounts{}) {
			t.Fatalf("listed, newest first: %+v, %+v", first, second)
		}

		if res := c.api("DELETE", api.MailingPath(other.ID), tok, ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("DELETE: %d %s", res.StatusCode, res.Body)
		}
		if res := c.api("GET", api.MailingPath(other.ID), tok, ""); res.StatusCode != http.StatusNotFound {
			t.Fatalf("GET after DELETE: %d", res.StatusCode)
		}
	})
}

// TestAPIMailingBadInput: each refusal in the request's language (French
// by Accept-Language), 400 for what cannot be read, 422 naming the field,
// 404 for no such mailing, and nothing written.
func TestAPIMailingBadInput(t *testing.T) {
	t.Parallel()
	const one = "/api/v1/mailings/%[1]d"
	valid := `"subject": {"en": "Hi"}, "body": {"en": "Hello."}`
	rows := []struct {
		name, method, path, body string
		status                   int
		code, field, msg         string // msg: the id of the field's message, or of the error's when no field
		args                     []any
	}{
		{"no name", "POST", "/api/v1/mailings", `{` + valid + `}`, 422, "validation_failed", "name", "error_required", nil},
		{"blank name", "POST", "/api/v1/mailings", `{"name": "  ", ` + valid + `}`, 422, "validation_failed", "name", "error_required", nil},
		{"name too long", "POST", "/api/v1/mailings", `{"name": "` + strings.Repeat("é", mailings.MaxNameRunes+1) + `", ` + valid + `}`,
			422, "validation_failed", "name", "error_too_long", []any{"Max", fmt.Sprint(mailings.MaxNameRunes)}},
		{"no subject in the default language", "POST", "/api/v1/mailings", `{"name": "X", "subject": {"fr": "Salut"}, "body": {"en": "Hello.", "fr": "Bonjour."}}`,
			422, "validation_failed", "subject.en", "error_required", nil},
		{"no body in the default language", "POST", "/api/v1/mailings", `{"name": "X", "subject": {"en": "Hi"}, "body": {"en": ""}}`,
			422, "validation_failed", "body.en", "error_required", nil},
		{"a language without its body", "POST", "/api/v1/mailings", `{"name": "X", "subject": {"en": "Hi", "mn": "Сайн уу"}, "body": {"en": "Hello."}}`,
			422, "validation_failed", "body.mn", "error_required", nil},
		{"an unknown language", "POST", "/api/v1/mailings", `{"name": "X", "subject": {"en": "Hi", "de": "Hallo"}, "body": {"en": "Hello."}}`,
			422, "validation_failed", "subject", "error_locale_unknown", nil},
		{"an unknown placeholder", "POST", "/api/v1/mailings", `{"name": "X", "subject": {"en": "Hi"}, "body": {"en": "Hello {{name}}."}}`,
			422, "validation_failed", "body.en", "error_mailing_placeholder", []any{"Placeholder", "{{name}}", "Known", mailings.GivenName}},
		{"subject too long", "POST", "/api/v1/mailings", `{"name": "X", "subject": {"en": "` + strings.Repeat("a", mailings.MaxSubjectRunes+1) + `"}, "body": {"en": "Hello."}}`,
			422, "validation_failed", "subject.en", "error_too_long", []any{"Max", fmt.Sprint(mailings.MaxSubjectRunes)}},
		{"unknown segment", "POST", "/api/v1/mailings", `{"name": "X", "segment_id": 99999, ` + valid + `}`,
			422, "validation_failed", "segment_id", "error_mailing_segment_unknown", nil},
		{"segment and query", "POST", "/api/v1/mailings", `{"name": "X", "segment_id": %[2]d, "query": "locality=rural", ` + valid + `}`,
			422, "validation_failed", "query", "error_mailing_segment_or_query", nil},
		{"a filter that does not exist", "POST", "/api/v1/mailings", `{"name": "X", "query": "colour=red", ` + valid + `}`,
			422, "validation_failed", "query", "error_filter_unknown", nil},
		{"another id", "POST", "/api/v1/mailings", `{"id": 7, "name": "X", ` + valid + `}`, 422, "validation_failed", "id", "error_read_only", nil},
		{"malformed JSON", "POST", "/api/v1/mailings", `{"name": "X", `, 400, "bad_request", "", "error_json_malformed", nil},
		{"no body", "POST", "/api/v1/mailings", ``, 400, "bad_request", "", "error_json_malformed", nil},
		{"unknown field", "POST", "/api/v1/mailings", `{"name": "X", "colour": "red", ` + valid + `}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"a name that is a number", "POST", "/api/v1/mailings", `{"name": 5, ` + valid + `}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"a subject that is a string", "POST", "/api/v1/mailings", `{"name": "X", "subject": "Hi", "body": {"en": "Hello."}}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"a segment that is a word", "POST", "/api/v1/mailings", `{"name": "X", "segment_id": "rural", ` + valid + `}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"a segment that is not whole", "POST", "/api/v1/mailings", `{"name": "X", "segment_id": 1.5, ` + valid + `}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"an unknown parameter of the list", "GET", "/api/v1/mailings?status=sent", ``, 422, "validation_failed", "status", "error_filter_unknown", nil},
		{"patch another id", "PATCH", one, `{"id": 99999}`, 422, "validation_failed", "id", "error_read_only", nil},
		{"patch an empty name", "PATCH", one, `{"name": ""}`, 422, "validation_failed", "name", "error_required", nil},
		{"patch an unknown segment", "PATCH", one, `{"segment_id": 99999}`, 422, "validation_failed", "segment_id", "error_mailing_segment_unknown", nil},
		{"patch the default language's subject away", "PATCH", one, `{"subject": {"en": ""}}`, 422, "validation_failed", "subject.en", "error_required", nil},
		{"send at a past time", "POST", one + "/send", `{"at": "2020-01-01T09:00:00Z"}`, 422, "validation_failed", "at", "error_mailing_at_past", nil},
		{"send at no time", "POST", one + "/send", `{"at": "tomorrow"}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"send with an unknown field", "POST", one + "/send", `{"when": null}`, 400, "bad_request", "", "error_json_malformed", nil},
		{"cancel a draft", "POST", one + "/cancel", ``, 409, "conflict", "", "error_mailing_not_cancellable", nil},
		{"a mailing that does not exist", "GET", "/api/v1/mailings/99999", ``, 404, "not_found", "", "error_not_found", nil},
		{"patch one that does not exist", "PATCH", "/api/v1/mailings/99999", `{"name": "X"}`, 404, "not_found", "", "error_not_found", nil},
		{"send one that does not exist", "POST", "/api/v1/mailings/99999/send", `{}`, 404, "not_found", "", "error_not_found", nil},
		{"test one that does not exist", "POST", "/api/v1/mailings/99999/test", ``, 404, "not_found", "", "error_not_found", nil},
		{"delete one that does not exist", "DELETE", "/api/v1/mailings/99999", ``, 404, "not_found", "", "error_not_found", nil},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		seg := mailingPeople(t, c, tok)
		m := mailingCreate(t, c, tok, mailingJSON("Camp", seg))
		c.header.Set("Accept-Language", "fr")
		before := e.mailingCounts()
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				fill := func(s string) string {
					if !strings.Contains(s, "%[") {
						return s
					}
					return fmt.Sprintf(s, m.ID, seg)
				}
				res := c.api(row.method, fill(row.path), tok, fill(row.body))
				if res.StatusCode != row.status {
					t.Fatalf("%d %s, want %d", res.StatusCode, res.Body, row.status)
				}
				b := apiErr(t, res)
				if b.Code != row.code {
					t.Errorf("code %q, want %q", b.Code, row.code)
				}
				if row.field == "" {
					if want := e.msg("fr", row.msg); b.Message != want {
						t.Errorf("message %q, want %q", b.Message, want)
					}
				} else {
					if want := e.msg("fr", "error_validation"); b.Message != want {
						t.Errorf("message %q, want %q", b.Message, want)
					}
					if want := e.msg("fr", row.msg, row.args...); b.Fields[row.field] != want {
						t.Errorf("fields %v, want %s: %q", b.Fields, row.field, want)
					}
					if len(b.Fields) != 1 {
						t.Errorf("fields %v name more than %s", b.Fields, row.field)
					}
				}
				if after := e.mailingCounts(); !reflect.DeepEqual(after, before) {
					t.Errorf("written: %v, before %v", after, before)
				}
			})
		}
		if got := mailingGet(t, c, tok, m.ID); got.Name != "Camp" || got.Status != mailings.StatusDraft || len(got.Subject) != 2 {
			t.Fatalf("the mailing changed: %+v", got)
		}
		// Too large a body is refused as soon as its length is read.
		status, body := rawPost(t, e.listen(), "/api/v1/mailings", "Authorization: Bearer "+tok+"\r\n", BodyLimit+1, 3*time.Second)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"too_large"`) {
			t.Fatalf("a body over the limit: %d %s", status, body)
		}
	})
}

// TestAPIMailingSend: sent now, a mailing reaches the people of its
// segment with an email and consent to news, each once, in their language
// (else the default) with their given name; it then no longer changes,
// and its counts say so. One that would reach nobody is not started.
func TestAPIMailingSend(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		seg := mailingPeople(t, c, tok)
		m := mailingCreate(t, c, tok, mailingJSON("Camp", seg))

		nobody := mailingCreate(t, c, tok, `{"name": "Nobody", "query": "tag=privacy", "subject": {"en": "Hi"}, "body": {"en": "Hello."}}`)
		res := c.api("POST", api.MailingPath(nobody.ID)+"/send?lang=mn", tok, `{"at": null}`)
		if res.StatusCode != http.StatusConflict || apiErr(t, res).Message != e.msg("mn", "error_mailing_no_recipients") {
			t.Fatalf("sending to nobody: %d %s", res.StatusCode, res.Body)
		}
		if got := mailingGet(t, c, tok, nobody.ID); got.Status != mailings.StatusDraft || *got.Reach != 0 {
			t.Fatalf("the mailing to nobody: %+v", got)
		}

		apiJSON(t, c.api("POST", api.MailingPath(m.ID)+"/send", tok, `{"at": null}`), http.StatusOK, &m)
		if m.Status != mailings.StatusSending || m.Counts.Recipients != 2 || m.Counts.Queued != 2 || m.Counts.Sent != 0 ||
			m.StartedAt == nil || m.Reach != nil || len(m.Links) != 1 || m.Links[0].URL != "https://example.org/camp" {
			t.Fatalf("started: %+v", m)
		}
		for _, r := range []struct{ method, path, body, msg string }{
			{"PATCH", api.MailingPath(m.ID), `{"name": "Late"}`, "error_mailing_not_draft"},
			{"DELETE", api.MailingPath(m.ID), ``, "error_mailing_not_draft"},
			{"POST", api.MailingPath(m.ID) + "/send", ``, "error_mailing_not_sendable"},
		} {
			res := c.api(r.method, r.path+"?lang=fr", tok, r.body)
			if res.StatusCode != http.StatusConflict || apiErr(t, res).Message != e.msg("fr", r.msg) {
				t.Errorf("%s %s while sending: %d %s", r.method, r.path, res.StatusCode, res.Body)
			}
		}

		e.sendMailings()
		m = mailingGet(t, c, tok, m.ID)
		if m.Status != mailings.StatusSent || m.Counts != (api.MailingCounts{Recipients: 2, Sent: 2}) || m.FinishedAt == nil || m.Name != "Camp" {
			t.Fatalf("sent: %+v", m)
		}
		if got := e.mailbox().Messages(); len(got) != 2 {
			t.Fatalf("%d messages reached the mailbox, want 2", len(got))
		}
		for _, want := range []struct{ addr, subject, body string }{
			{"saraa@example.org", "Мэдээ: Сараа", "Сайн байна уу, Сараа. Зуслан: "},
			{"amelie@example.org", "News for Amélie", "Hello Amélie, the camp: "},
		} {
			got := e.mailbox().To(want.addr)
			if len(got) != 1 || got[0].Subject != want.subject || !strings.HasPrefix(got[0].Text, want.body) {
				t.Errorf("to %s: %+v", want.addr, got)
			}
		}
		if res := c.api("POST", api.MailingPath(m.ID)+"/cancel", tok, ""); res.StatusCode != http.StatusConflict {
			t.Fatalf("cancelling a sent mailing: %d %s", res.StatusCode, res.Body)
		}
	})
}

// TestAPIMailingSchedule: a time to come schedules the mailing, which then
// no longer changes; cancelled, it never goes.
func TestAPIMailingSchedule(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		seg := mailingPeople(t, c, tok)
		m := mailingCreate(t, c, tok, mailingJSON("Camp", seg))
		at := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Second)
		apiJSON(t, c.api("POST", api.MailingPath(m.ID)+"/send", tok, fmt.Sprintf(`{"at": %q}`, at.Format(time.RFC3339))), http.StatusOK, &m)
		if m.Status != mailings.StatusScheduled || m.ScheduledAt == nil || !m.ScheduledAt.Equal(at) || m.StartedAt != nil ||
			m.Counts.Recipients != 0 || m.Reach == nil || *m.Reach != 2 {
			t.Fatalf("scheduled at %s: %+v", at, m)
		}
		if res := c.api("PATCH", api.MailingPath(m.ID), tok, `{"name": "Late"}`); res.StatusCode != http.StatusConflict {
			t.Fatalf("PATCH of a scheduled mailing: %d %s", res.StatusCode, res.Body)
		}
		res := c.api("POST", api.MailingPath(m.ID)+"/send", tok, `{"at": "2020-01-01T00:00:00Z"}`)
		if res.StatusCode != http.StatusUnprocessableEntity || apiErr(t, res).Fields["at"] == "" {
			t.Fatalf("rescheduled to the past: %d %s", res.StatusCode, res.Body)
		}

		apiJSON(t, c.api("POST", api.MailingPath(m.ID)+"/cancel", tok, ""), http.StatusOK, &m)
		if m.Status != mailings.StatusCancelled || m.FinishedAt == nil || m.Reach != nil {
			t.Fatalf("cancelled: %+v", m)
		}
		e.sendMailings()
		if got := e.mailbox().Messages(); len(got) != 0 {
			t.Fatalf("a cancelled mailing sent %d messages", len(got))
		}
		if got := mailingGet(t, c, tok, m.ID); got.Status != mailings.StatusCancelled || got.Counts != (api.MailingCounts{}) {
			t.Fatalf("after the worker: %+v", got)
		}
		for _, path := range []string{"/cancel", "/send"} {
			if res := c.api("POST", api.MailingPath(m.ID)+path, tok, ""); res.StatusCode != http.StatusConflict {
				t.Errorf("%s of a cancelled mailing: %d %s", path, res.StatusCode, res.Body)
			}
		}
	})
}

// TestAPIMailingTest: a test goes to the caller's own email, in their
// language with their name, its subject marked; the mailing does not
// change and nobody else gets anything.
func TestAPIMailingTest(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		seg := mailingPeople(t, c, tok)
		m := mailingCreate(t, c, tok, mailingJSON("Camp", seg))
		apiJSON(t, c.api("PATCH", "/api/v1/me", tok, `{"display_name": "Oyuna", "locale": "mn"}`), http.StatusOK, nil)

		var sent struct{ To string }
		apiJSON(t, c.api("POST", api.MailingPath(m.ID)+"/test", tok, ""), http.StatusAccepted, &sent)
		if sent.To != "coord@example.org" {
			t.Fatalf("sent to %q", sent.To)
		}
		e.deliver()
		got := e.mailbox().To("coord@example.org")
		if len(got) != 1 || got[0].Subject != e.msg("mn", "mailing_test_subject", "Subject", "Мэдээ: Oyuna") ||
			!strings.HasPrefix(got[0].Text, "Сайн байна уу, Oyuna. Зуслан: https://example.org/camp") {
			t.Fatalf("the test: %+v", got)
		}
		if n := len(e.mailbox().Messages()); n != 1 {
			t.Fatalf("%d messages, want the test alone", n)
		}
		if after := mailingGet(t, c, tok, m.ID); after.Status != mailings.StatusDraft || after.Counts != (api.MailingCounts{}) || e.rows("mailing_recipients") != 0 {
			t.Fatalf("the test changed the mailing: %+v", after)
		}
	})
}

// TestMailingRoutesByRole: only coordinators and admins reach mailings;
// anyone else is refused and nothing is written or sent.
func TestMailingRoutesByRole(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c, tok := apiStaff(e)
		seg := mailingPeople(t, c, tok)
		m := mailingCreate(t, c, tok, mailingJSON("Camp", seg))
		tokens := map[string]string{"anonymous": ""}
		for _, role := range []string{access.Participant, access.Facilitator, access.Partner, access.Coordinator, access.Admin} {
			email := role + "@example.org"
			e.user(email, role)
			tokens[role] = e.token(email)
		}
		one := api.MailingPath(m.ID)
		routes := []struct{ method, path, body string }{
			{"GET", "/api/v1/mailings", ""},
			{"POST", "/api/v1/mailings", mailingJSON("Mine", seg)},
			{"GET", one, ""},
			{"PATCH", one, `{"name": "Mine"}`},
			{"POST", one + "/test", ""},
			{"POST", one + "/send", `{"at": null}`},
			{"POST", one + "/cancel", ""},
			{"DELETE", one, ""},
		}
		for _, role := range []string{"anonymous", access.Participant, access.Facilitator, access.Partner} {
			for _, r := range routes {
				want := http.StatusForbidden
				switch {
				case role == "anonymous":
					want = http.StatusUnauthorized
				case role == access.Partner && namesObject.MatchString(r.path):
					// A partner member is told the section's objects do not exist.
					want = http.StatusNotFound
				}
				if res := c.api(r.method, r.path, tokens[role], r.body); res.StatusCode != want {
					t.Errorf("%s %s as %s: %d, want %d", r.method, r.path, role, res.StatusCode, want)
				}
			}
		}
		e.deliver()
		if got := mailingGet(t, c, tok, m.ID); got.Status != mailings.StatusDraft || got.Name != "Camp" || e.rows("mailings") != 1 ||
			len(e.mailbox().Messages()) != 0 {
			t.Fatalf("refused requests changed something: %+v", got)
		}
		for _, role := range []string{access.Coordinator, access.Admin} {
			for _, path := range []string{"/api/v1/mailings", one} {
				if res := c.api("GET", path, tokens[role], ""); res.StatusCode != http.StatusOK {
					t.Errorf("GET %s as %s: %d", path, role, res.StatusCode)
				}
			}
		}
		var admins api.MailingFull
		apiJSON(t, c.api("POST", "/api/v1/mailings", tokens[access.Admin], mailingJSON("The office's", seg)), http.StatusCreated, &admins)
		apiJSON(t, c.api("POST", api.MailingPath(admins.ID)+"/send", tokens[access.Admin], ""), http.StatusOK, &admins)
		if admins.Status != mailings.StatusSending {
			t.Fatalf("an admin's send: %+v", admins)
		}
	})
}
