// Package config reads Gotong's settings from the environment and checks them
// before anything starts, so a bad value stops the program with one line that
// names the variable.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // GOTONG_TIMEZONE is checked against the zones the binary embeds

	"github.com/gotong/gotong/app/keys"
)

// Languages Gotong speaks, the default first.
var Languages = []string{"en", "fr", "mn", "id"}

// Config holds every setting of API.md's table.
type Config struct {
	Addr        string
	DatabaseURL string
	SecretKey   []byte // 32 bytes; only Keys derives from it
	DefaultLang string
	BaseURL     string
	// Timezone (IANA) is the zone of an activity given neither a zone nor
	// a region: an online one whose organiser chose none.
	Timezone      string
	SecureCookies bool
	MinCell       int
	// GuardianAge: registrants younger need a guardian's consent, unless
	// the activity sets its own age; GuardianDays is how long a place waits
	// for the guardian's answer.
	GuardianAge  int
	GuardianDays int
	SMTPURL      string // smtp://user:pass@host:port?from=…; empty writes notices to the log
	// OutboxKeepDays is how long sent mail is kept, for support ("did it go
	// out?"), before it is purged.
	OutboxKeepDays int
	// MailRate is how many messages of mailings go out per second, at most,
	// from the whole installation.
	MailRate int
	// TrustedProxies are the peers whose X-Forwarded-For is believed: the
	// load balancers in front of the portal. None when unset.
	TrustedProxies []netip.Prefix
	// DBMaxConns is the size of the database pool; 0 takes the default of
	// the database (database.DefaultConns).
	DBMaxConns int
	// PprofAddr, when set, serves Go's profiles (net/http/pprof) on that
	// address, apart from the site: for measuring, never on a public one.
	PprofAddr string
}

// Getenv is how Load reads a variable; os.Getenv in production, a map in tests.
type Getenv func(string) string

// Load reads and validates the environment. When GOTONG_SECRET_KEY is unset the
// key is read from, or generated into, secret.key in the data directory.
func Load(getenv Getenv) (Config, error) {
	c := Config{
		Addr:        or(getenv("GOTONG_ADDR"), "127.0.0.1:8080"),
		DatabaseURL: or(getenv("GOTONG_DATABASE_URL"), "sqlite://data/gotong.db"),
		DefaultLang: or(getenv("GOTONG_DEFAULT_LANG"), "en"),
		BaseURL:     or(getenv("GOTONG_BASE_URL"), "http://127.0.0.1:8080"),
		Timezone:    or(getenv("GOTONG_TIMEZONE"), "UTC"),
		SMTPURL:     getenv("GOTONG_SMTP_URL"),
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		return c, fmt.Errorf("GOTONG_ADDR: %q is not host:port", c.Addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return c, fmt.Errorf("GOTONG_ADDR: %q has no valid port", c.Addr)
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return c, fmt.Errorf("GOTONG_DATABASE_URL: %q must start with sqlite:// or postgres://", c.DatabaseURL)
	}
	if c.DatabaseURL == "sqlite://" {
		return c, errors.New("GOTONG_DATABASE_URL: sqlite:// needs a file path")
	}
	if !isLanguage(c.DefaultLang) {
		return c, fmt.Errorf("GOTONG_DEFAULT_LANG: %q is not one of %s", c.DefaultLang, strings.Join(Languages, ", "))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("GOTONG_BASE_URL: %q is not an http(s) URL", c.BaseURL)
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "Local" {
		return c, fmt.Errorf("GOTONG_TIMEZONE: %q is not an IANA time zone such as Asia/Ulaanbaatar", c.Timezone)
	}
	c.SecureCookies = !isLoopback(host)
	if v := getenv("GOTONG_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("GOTONG_SECURE_COOKIES: %q is not true or false", v)
		}
		c.SecureCookies = b
	}
	if c.MinCell, err = wholeNumber(getenv, "GOTONG_MIN_CELL", 5, 1, 1000); err != nil {
		return c, err
	}
	if c.GuardianAge, err = wholeNumber(getenv, "GOTONG_GUARDIAN_AGE", 18, 0, 99); err != nil {
		return c, err
	}
	if c.GuardianDays, err = wholeNumber(getenv, "GOTONG_GUARDIAN_DAYS", 7, 1, 90); err != nil {
		return c, err
	}
	// Sent mail is no record (the audit log is): a year at most keeps the
	// promise that it goes.
	if c.OutboxKeepDays, err = wholeNumber(getenv, "GOTONG_OUTBOX_KEEP_DAYS", 30, 1, 365); err != nil {
		return c, err
	}
	if c.MailRate, err = wholeNumber(getenv, "GOTONG_MAIL_RATE", 50, 1, 100_000); err != nil {
		return c, err
	}
	if c.DBMaxConns, err = wholeNumber(getenv, "GOTONG_DB_MAX_CONNS", 0, 1, 1000); err != nil {
		return c, err
	}
	if c.PprofAddr = getenv("GOTONG_PPROF_ADDR"); c.PprofAddr != "" {
		if host, _, err := net.SplitHostPort(c.PprofAddr); err != nil || !isLoopback(host) {
			return c, fmt.Errorf("GOTONG_PPROF_ADDR: %q is not a loopback host:port such as 127.0.0.1:6060", c.PprofAddr)
		}
	}
	if c.TrustedProxies, err = parsePrefixes(getenv("GOTONG_TRUSTED_PROXIES")); err != nil {
		return c, fmt.Errorf("GOTONG_TRUSTED_PROXIES: %v", err)
	}
	if v := getenv("GOTONG_SECRET_KEY"); v != "" {
		key, err := decodeKey(v)
		if err != nil {
			return c, fmt.Errorf("GOTONG_SECRET_KEY: %v", err)
		}
		c.SecretKey = key
	} else {
		key, err := fileKey(filepath.Join(c.DataDir(), "secret.key"))
		if err != nil {
			return c, fmt.Errorf("GOTONG_SECRET_KEY: unset, and %v", err)
		}
		c.SecretKey = key
	}
	return c, nil
}

// Site is BaseURL without a trailing slash, to which a page's path (which
// begins with '/') is added to make the page's absolute address.
func (c Config) Site() string { return strings.TrimSuffix(c.BaseURL, "/") }

// Keys are the keys of each use of the secret key (sealing, CSRF, links,
// device cookies), derived from it so that no two uses share one.
func (c Config) Keys() keys.Set { return keys.Derive(c.SecretKey) }

// DataDir is where the SQLite file and the generated key live: the folder of
// the SQLite file, or "data" for PostgreSQL.
func (c Config) DataDir() string {
	if p, ok := strings.CutPrefix(c.DatabaseURL, "sqlite://"); ok {
		return filepath.Dir(p)
	}
	return "data"
}

// wholeNumber reads the variable name as a whole number from lo to hi, def
// when it is unset.
func wholeNumber(getenv Getenv, name string, def, lo, hi int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return def, fmt.Errorf("%s: %q is not a whole number from %d to %d", name, v, lo, hi)
	}
	return n, nil
}

func decodeKey(v string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return nil, errors.New("is not base64")
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("decodes to %d bytes, want 32", len(key))
	}
	return key, nil
}

// fileKey reads the key file, creating it with a fresh random key when absent.
func fileKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := decodeKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s %v", path, err)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("cannot read %s: %v", path, err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create %s: %v", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("cannot write %s: %v", path, err)
	}
	return key, nil
}

// parsePrefixes reads a comma-separated list of CIDRs; a lone address
// stands for itself, and empty items are skipped.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", item)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func isLanguage(s string) bool {
	for _, l := range Languages {
		if l == s {
			return true
		}
	}
	return false
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
