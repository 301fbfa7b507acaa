package audit

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/civil"
	"github.com/gotong/gotong/app/mailaddr"
)

// Params are the query parameters of a listing of the log. Any other is
// refused, unless the caller names it (the page's language, say).
var Params = []string{"action", "actor", "object_type", "object_id", "from", "to", "cursor", "limit"}

// Query is a listing of the log as a query string asks for it: a Filter,
// with the actor still named by email for the caller to look up, and the
// dates as typed.
type Query struct {
	Filter
	ActorEmail string
	FromDate   civil.Date
	ToDate     civil.Date
}

// Bounds of the free-text filters.
const (
	maxActionRunes = 100
	maxObjectRunes = 100
)

// ParseQuery reads a Query from query values; others names parameters the
// caller reads itself. Every problem is a field error with a message id:
// an unknown parameter, a date that is not YYYY-MM-DD, a "to" before
// "from", a malformed email, a cursor or limit out of range. The dates
// cover whole days in UTC: from its first instant, to the end of "to".
func ParseQuery(v url.Values, others ...string) (Query, error) {
	f := apperr.Fields{}
	f.RefuseUnknown(slices.Collect(maps.Keys(v)), append(slices.Clone(Params), others...)...)
	one := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	var q Query
	if q.Action = one("action"); utf8.RuneCountInString(q.Action) > maxActionRunes {
		f.Add("action", "error_too_long", "Max", maxActionRunes)
	}
	if q.ObjectType = one("object_type"); utf8.RuneCountInString(q.ObjectType) > maxObjectRunes {
		f.Add("object_type", "error_too_long", "Max", maxObjectRunes)
	}
	if q.ObjectID = one("object_id"); utf8.RuneCountInString(q.ObjectID) > maxObjectRunes {
		f.Add("object_id", "error_too_long", "Max", maxObjectRunes)
	}
	if s := one("actor"); s != "" {
		if q.ActorEmail = mailaddr.Normalize(s); !mailaddr.Valid(q.ActorEmail) {
			f.Add("actor", "error_email_invalid")
		}
	}
	date := func(k string) civil.Date {
		s := one(k)
		if s == "" {
			return civil.Date{}
		}
		d, err := civil.Parse(s)
		if err != nil {
			f.Add(k, "error_date")
		}
		return d
	}
	q.FromDate, q.ToDate = date("from"), date("to")
	if !q.FromDate.IsZero() {
		q.From = q.FromDate.Time()
	}
	if !q.ToDate.IsZero() {
		q.To = q.ToDate.Time().Add(24 * time.Hour)
		if !q.FromDate.IsZero() && q.ToDate.Before(q.FromDate) {
			f.Add("to", "error_audit_dates_order")
		}
	}
	if s := one("cursor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			f.Add("cursor", "error_filter_cursor")
		}
		q.Before = n
	}
	q.Limit = DefaultLimit
	if s := one("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			f.Add("limit", "error_filter_limit", "Max", MaxLimit)
		}
		q.Limit = n
	}
	if err := f.Err(); err != nil {
		return Query{}, err
	}
	return q, nil
}

// Values is the query string of q without its cursor, for the links of the
// pages after it.
func (q Query) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("action", q.Action)
	set("actor", q.ActorEmail)
	set("object_type", q.ObjectType)
	set("object_id", q.ObjectID)
	if !q.FromDate.IsZero() {
		v.Set("from", q.FromDate.String())
	}
	if !q.ToDate.IsZero() {
		v.Set("to", q.ToDate.String())
	}
	if q.Limit != DefaultLimit {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}
