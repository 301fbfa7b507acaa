// Package apperr holds the typed errors that domain packages return. They
// carry translatable message ids, not English text; the web layer maps their
// kind to an HTTP status and translates them in one place.
package apperr

import (
	"slices"
	"strings"
)

// Kind says what went wrong, in terms the web layer maps to a status.
type Kind int

// The kinds of domain error.
const (
	Malformed    Kind = iota + 1 // the request cannot be read (400)
	Invalid                      // a field value is wrong (422)
	NotFound                     // absent, or not visible to the caller (404)
	Conflict                     // clashes with the current state (409)
	Forbidden                    // visible but not allowed (403)
	Unauthorized                 // no or bad credentials (401)
	Unavailable                  // stopped before it ended, taking too long; try later (503)
	Unreachable                  // the database is away for a moment; try again shortly (503 with Retry-After)
)

// Msg is a translatable message: a catalog id and its placeholder values.
type Msg struct {
	ID   string
	Args []any // name, value pairs
}

// Error is a domain error. Fields names each bad field of an Invalid error.
type Error struct {
	Kind    Kind
	Message Msg
	Fields  map[string]Msg
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message.ID
	}
	names := make([]string, 0, len(e.Fields))
	for k, m := range e.Fields {
		names = append(names, k+": "+m.ID)
	}
	return e.Message.ID + " (" + strings.Join(names, ", ") + ")"
}

// New returns an error of kind with the message id and its arguments.
func New(kind Kind, id string, args ...any) *Error {
	return &Error{Kind: kind, Message: Msg{ID: id, Args: args}}
}

// Fields collects field errors; its Err is nil when nothing was added.
type Fields map[string]Msg

// Add records the message of a bad field (the first one per field wins).
func (f Fields) Add(field, id string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = Msg{ID: id, Args: args}
	}
}

// RefuseUnknown adds error_filter_unknown under each of names that is not
// among known: a mistyped filter is refused, never silently ignored.
func (f Fields) RefuseUnknown(names []string, known ...string) {
	for _, n := range names {
		if !slices.Contains(known, n) {
			f.Add(n, "error_filter_unknown")
		}
	}
}

// Err returns a validation error naming every field, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: Msg{ID: "error_validation"}, Fields: f}
}

// Common errors.
var (
	ErrNotFound = New(NotFound, "error_not_found")
	// ErrTimeout is work stopped before it ended: at the request's
	// deadline, or at the database's statement_timeout.
	ErrTimeout = New(Unavailable, "error_timeout")
	// ErrUnreachable is work that the database's absence stopped: it
	// restarts, or fails over, and is back in seconds.
	ErrUnreachable = New(Unreachable, "error_unreachable")
)
