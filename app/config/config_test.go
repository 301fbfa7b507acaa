package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := Load(env(map[string]string{"GOTONG_DATABASE_URL": "sqlite://" + filepath.Join(dir, "g.db")}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DefaultLang != "en" || c.MinCell != 5 || c.OutboxKeepDays != 30 || c.GuardianAge != 18 || c.GuardianDays != 7 || c.MailRate != 50 || c.SecureCookies || c.BaseURL != "http://127.0.0.1:8080" ||
		len(c.TrustedProxies) != 0 || c.Timezone != "UTC" {
		t.Fatalf("defaults: %+v", c)
	}
	if len(c.SecretKey) != 32 {
		t.Fatalf("generated key has %d bytes", len(c.SecretKey))
	}
	info, err := os.Stat(filepath.Join(dir, "secret.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret.key: %v %v", info, err)
	}
	// The second start reads the same key.
	c2, err := Load(env(map[string]string{"GOTONG_DATABASE_URL": "sqlite://" + filepath.Join(dir, "g.db")}))
	if err != nil || string(c2.SecretKey) != string(c.SecretKey) {
		t.Fatalf("key not kept across starts: %v", err)
	}
	// Sealed values stay readable across starts: the derived keys are the same.
	if c2.Keys() != c.Keys() {
		t.Fatal("derived keys differ across starts")
	}
}

func TestLoadValues(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"GOTONG_ADDR": "0.0.0.0:9000", "GOTONG_DATABASE_URL": "postgres://u@db/gotong",
		"GOTONG_SECRET_KEY": goodKey, "GOTONG_DEFAULT_LANG": "mn", "GOTONG_BASE_URL": "https://youth.example.org",
		"GOTONG_MIN_CELL": "10", "GOTONG_OUTBOX_KEEP_DAYS": "7",
		"GOTONG_GUARDIAN_AGE": "16", "GOTONG_GUARDIAN_DAYS": "3", "GOTONG_TIMEZONE": "Asia/Ulaanbaatar",
		"GOTONG_MAIL_RATE": "20", "GOTONG_DB_MAX_CONNS": "24", "GOTONG_PPROF_ADDR": "127.0.0.1:6060",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.SecureCookies {
		t.Error("secure cookies should default to true off loopback")
	}
	if c.DefaultLang != "mn" || c.MinCell != 10 || c.OutboxKeepDays != 7 || c.GuardianAge != 16 || c.GuardianDays != 3 || c.Addr != "0.0.0.0:9000" ||
		c.Timezone != "Asia/Ulaanbaatar" || c.MailRate != 20 || c.DBMaxConns != 24 || c.PprofAddr != "127.0.0.1:6060" {
		t.Errorf("values: %+v", c)
	}
}

// Every bad value stops the program with one line that names its variable.
func TestLoadRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, value string }{
		{"GOTONG_ADDR", "nonsense"},
		{"GOTONG_ADDR", "127.0.0.1:99999"},
		{"GOTONG_DATABASE_URL", "mysql://x"},
		{"GOTONG_DATABASE_URL", "sqlite://"},
		{"GOTONG_SECRET_KEY", "not base64!"},
		{"GOTONG_SECRET_KEY", "c2hvcnQ="},
		{"GOTONG_DEFAULT_LANG", "de"},
		{"GOTONG_BASE_URL", "ftp://x"},
		{"GOTONG_BASE_URL", "not a url"},
		{"GOTONG_SECURE_COOKIES", "maybe"},
		{"GOTONG_MIN_CELL", "0"},
		{"GOTONG_MIN_CELL", "five"},
		{"GOTONG_OUTBOX_KEEP_DAYS", "0"},
		{"GOTONG_OUTBOX_KEEP_DAYS", "-3"},
		{"GOTONG_OUTBOX_KEEP_DAYS", "366"},
		{"GOTONG_OUTBOX_KEEP_DAYS", "30d"},
		{"GOTONG_GUARDIAN_AGE", "-1"},
		{"GOTONG_GUARDIAN_AGE", "eighteen"},
		{"GOTONG_GUARDIAN_DAYS", "0"},
		{"GOTONG_GUARDIAN_DAYS", "91"},
		{"GOTONG_MAIL_RATE", "0"},
		{"GOTONG_MAIL_RATE", "fast"},
		{"GOTONG_DB_MAX_CONNS", "0"},
		{"GOTONG_DB_MAX_CONNS", "many"},
		{"GOTONG_PPROF_ADDR", "0.0.0.0:6060"}, // never on a public address
		{"GOTONG_PPROF_ADDR", "6060"},
		{"GOTONG_TRUSTED_PROXIES", "10.0.0.0/8;192.168.0.0/16"},
		{"GOTONG_TRUSTED_PROXIES", "10.0.0.0/33"},
		{"GOTONG_TRUSTED_PROXIES", "load-balancer.internal"},
		{"GOTONG_TRUSTED_PROXIES", "10.0.0.0/8, *"},
		{"GOTONG_TIMEZONE", "Mongolia/Zavkhan"},
		{"GOTONG_TIMEZONE", "Local"},
		{"GOTONG_TIMEZONE", "../etc/passwd"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			m := map[string]string{"GOTONG_SECRET_KEY": goodKey, tc.name: tc.value}
			_, err := Load(env(m))
			if err == nil {
				t.Fatal("accepted")
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tc.name+":") || strings.Contains(msg, "\n") {
				t.Fatalf("error %q does not name %s on one line", msg, tc.name)
			}
		})
	}
}

// GOTONG_TRUSTED_PROXIES is a comma-separated list of CIDRs; a lone address
// stands for itself.
func TestLoadTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string
		want  []string
	}{
		{"", nil},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}},
		{" 10.0.0.0/8 , 2001:db8::/32,", []string{"10.0.0.0/8", "2001:db8::/32"}},
		{"192.168.1.7", []string{"192.168.1.7/32"}},
		{"10.1.2.3/8,::1", []string{"10.0.0.0/8", "::1/128"}},
	} {
		c, err := Load(env(map[string]string{"GOTONG_SECRET_KEY": goodKey, "GOTONG_TRUSTED_PROXIES": tc.value}))
		if err != nil {
			t.Fatalf("%q: %v", tc.value, err)
		}
		var got []string
		for _, p := range c.TrustedProxies {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: %v, want %v", tc.value, got, tc.want)
		}
	}
}
