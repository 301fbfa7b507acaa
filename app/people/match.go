package people

import (
	"context"
	"fmt"
	"strings"

	"github.com/gotong/gotong/app/mailaddr"
	"golang.org/x/text/cases"
	"gorm.io/gorm"
)

// MaxMatchValues bounds the emails and handles of one match.
const MaxMatchValues = 50000

// matchChunk bounds the values of one lookup statement (PostgreSQL takes at
// most 65,535 parameters, SQLite 32,766).
const matchChunk = 5000

// NormalizeHandle is a social handle as matching compares it: trimmed,
// read from its profile link if it is one (HandleOfLink), without its
// leading @, case-folded (people.handle_key holds it for each person).
func NormalizeHandle(s string) string {
	return cases.Fold().String(strings.TrimPrefix(HandleOfLink(strings.TrimSpace(s)), "@"))
}

// profileHosts are the sites whose profile links HandleOfLink reads: the
// handle is the first part of the path, with or without an @.
var profileHosts = map[string]bool{"twitter.com": true, "x.com": true, "instagram.com": true, "tiktok.com": true,
	"threads.net": true, "t.me": true}

// HandleOfLink is the handle of a profile link ("@name" from
// "https://twitter.com/name", "x.com/name/", "www.instagram.com/name?igsh=…",
// "tiktok.com/@name"), with or without a scheme or www; anything that is
// not a profile link on a site it knows is returned as it is.
func HandleOfLink(s string) string {
	rest := s
	if i := strings.Index(rest, "://"); i >= 0 {
		if scheme := strings.ToLower(rest[:i]); scheme != "http" && scheme != "https" {
			return s
		}
		rest = rest[i+3:]
	}
	host, path, ok := strings.Cut(rest, "/")
	if !ok {
		return s
	}
	host = strings.ToLower(host)
	for _, p := range []string{"www.", "mobile.", "m."} {
		host = strings.TrimPrefix(host, p)
	}
	if !profileHosts[host] {
		return s
	}
	if i := strings.IndexAny(path, "/?#"); i >= 0 {
		path = path[:i]
	}
	name := strings.TrimPrefix(path, "@")
	if name == "" {
		return s
	}
	return "@" + name
}

// MatchResult is how many of a list are already known, and the rest as
// they were given.
type MatchResult struct {
	Matched         int
	Unmatched       int
	UnmatchedValues []string
}

// Match tells which emails and social handles of a list (say a campaign's
// followers) belong to people already known. Values are compared
// normalised; a value given twice counts once; blank ones are skipped.
func (s *Store) Match(ctx context.Context, emails, handles []string) (MatchResult, error) {
	db := s.db.WithContext(ctx)
	known := map[string]bool{}
	foundEmails, err := lookup(db, distinct(emails, mailaddr.Normalize), "email", "email IS NOT NULL")
	if err != nil {
		return MatchResult{}, err
	}
	foundHandles, err := lookup(db, distinct(handles, NormalizeHandle), "handle_key", "handle_key <> ''")
	if err != nil {
		return MatchResult{}, err
	}
	var out MatchResult
	for _, l := range []struct {
		values []string
		norm   func(string) string
		found  map[string]bool
	}{{emails, mailaddr.Normalize, foundEmails}, {handles, NormalizeHandle, foundHandles}} {
		clear(known)
		for _, v := range l.values {
			n := l.norm(v)
			if n == "" || known[n] {
				continue
			}
			known[n] = true
			if l.found[n] {
				out.Matched++
			} else {
				out.Unmatched++
				out.UnmatchedValues = append(out.UnmatchedValues, strings.TrimSpace(v))
			}
		}
	}
	return out, nil
}

// distinct is the non-blank values normalised, each once.
func distinct(values []string, norm func(string) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if n := norm(v); n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// lookup returns which of values the expression expr takes among people
// (narrowed by the condition cond), asking a chunk at a time.
func lookup(db *gorm.DB, values []string, expr, cond string) (map[string]bool, error) {
	found := map[string]bool{}
	for start := 0; start < len(values); start += matchChunk {
		chunk := values[start:min(start+matchChunk, len(values))]
		var hits []string
		err := db.Model(&Person{}).Where(cond+" AND "+expr+" IN ?", chunk).Distinct().Pluck(expr, &hits).Error
		if err != nil {
			return nil, fmt.Errorf("people: unable to match: %w", err)
		}
		for _, h := range hits {
			found[h] = true
		}
	}
	return found, nil
}
