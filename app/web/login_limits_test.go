package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/mailaddr"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/testdb"
	"github.com/gotong/gotong/app/web/request"
	"gorm.io/gorm"
)

// behindProxy is a portal whose tests connect from a trusted load balancer
// (app.Test's peer is 0.0.0.0), or from an untrusted peer when trusted is
// false; log receives its access log.
func behindProxy(t *testing.T, db *gorm.DB, trusted bool, log *bytes.Buffer) *env {
	t.Helper()
	cfg := testConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	if trusted {
		cfg.TrustedProxies = append(cfg.TrustedProxies, netip.MustParsePrefix("0.0.0.0/32"))
	}
	return newEnvLog(t, db, cfg, slog.New(slog.NewJSONHandler(log, nil)))
}

// clientAt is a client whose requests the load balancer forwards for addr;
// what the client itself wrote in X-Forwarded-For comes first.
func (e *env) clientAt(addr string) *client {
	c := e.client()
	c.header.Set("X-Forwarded-For", "192.0.2.66, "+addr)
	c.get("/login")
	return c
}

// signIn posts the login form and says how it was answered.
func (c *client) signIn(email, password string) *response {
	return c.postForm("/login", url.Values{"email": {email}, "password": {password}})
}

// failSignIns makes n failed sign-ins with email, each answered 401.
func (c *client) failSignIns(email string, n int) {
	c.e.t.Helper()
	for i := 0; i < n; i++ {
		if res := c.signIn(email, fmt.Sprint("guess-", i)); res.StatusCode != http.StatusUnauthorized ||
			!strings.Contains(res.Body, "Wrong email or password.") {
			c.e.t.Fatalf("failure %d with %s: %d", i, email, res.StatusCode)
		}
	}
}

// tooMany checks that res is the login limit's answer, in the user's language.
func tooMany(t *testing.T, res *response, what string) {
	t.Helper()
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.Body, "Too many attempts") {
		t.Fatalf("%s: %d, want 429", what, res.StatusCode)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Errorf("%s: 429 without Retry-After", what)
	}
}

// Failures from elsewhere never lock the owner out at their own address.
func TestLoginLimitPerEmailAndAddress(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := behindProxy(t, db, true, &bytes.Buffer{})
		e.user("target@example.org", access.Participant)
		attacker := e.clientAt("198.51.100.9")
		attacker.failSignIns("Target@example.org", LoginMaxPerPair)
		// From the attacker's address even the right password is refused now.
		tooMany(t, attacker.signIn("target@example.org", testPassword), "the attacker's address")
		// The owner, at home, signs in.
		owner := e.clientAt("203.0.113.5")
		if res := owner.signIn("target@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the owner at their own address: %d", res.StatusCode)
		}
		// Another account from the attacker's address is still fine.
		e.user("other@example.org", access.Participant)
		if res := attacker.signIn("other@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("another account from that address: %d", res.StatusCode)
		}
		// Walking through the addresses of one IPv6 /64 escapes nothing,
		// while the owner's own network is another /64.
		e.user("v6@example.org", access.Participant)
		for i := 1; i <= LoginMaxPerPair; i++ {
			e.clientAt(fmt.Sprintf("2001:db8:1:2::%x", i)).failSignIns("v6@example.org", 1)
		}
		tooMany(t, e.clientAt("2001:db8:1:2::ff").signIn("v6@example.org", testPassword), "another address of the attacker's /64")
		if res := e.clientAt("2001:db8:1:3::1").signIn("v6@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the owner in another /64: %d", res.StatusCode)
		}
	})
}

// One address that tries many accounts is stopped; behind a trusted load
// balancer each client is counted at its own address, while an untrusted
// peer's X-Forwarded-For is ignored. The audit and the access log record
// the same address the limits count.
func TestLoginLimitPerAddressBehindProxy(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		var log bytes.Buffer
		e := behindProxy(t, db, true, &log)
		sprayer := e.clientAt("198.51.100.1")
		for i := 0; i < LoginMaxPerAddress; i++ {
			sprayer.failSignIns(fmt.Sprintf("spray%d@example.org", i), 1)
		}
		tooMany(t, sprayer.signIn("fresh@example.org", "x"), "after the address's limit")
		neighbour := e.clientAt("198.51.100.2")
		neighbour.failSignIns("fresh@example.org", 1)
		entries, err := audit.List(context.Background(), db, audit.Filter{Action: "login.failed"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != LoginMaxPerAddress+1 {
			t.Fatalf("%d login.failed entries", len(entries))
		}
		if d := entries[0].Details; !strings.Contains(d, `"198.51.100.2"`) {
			t.Errorf("the audit records %s, want the forwarded client", d)
		}
		if !strings.Contains(log.String(), `"ip":"198.51.100.2"`) || strings.Contains(log.String(), `"ip":"192.0.2.66"`) {
			t.Errorf("the access log does not record the forwarded client: %s", log.String())
		}

		log.Reset()
		u := behindProxy(t, db, false, &log)
		sprayer = u.clientAt("198.51.100.3")
		for i := 0; i < LoginMaxPerAddress; i++ {
			sprayer.failSignIns(fmt.Sprintf("other%d@example.org", i), 1)
		}
		if res := u.clientAt("198.51.100.4").signIn("fresh@example.org", "x"); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("an untrusted peer's header was believed: %d", res.StatusCode)
		}
		if !strings.Contains(log.String(), `"ip":"0.0.0.0"`) || strings.Contains(log.String(), `"ip":"198.51.100.`) {
			t.Errorf("the access log believed an untrusted peer: %s", log.String())
		}
	})
}

// A guess spread over many addresses meets the ceiling per email; the owner
// on a device they signed in from before is not held back by it.
func TestLoginCeilingAndDeviceCookie(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := behindProxy(t, db, true, &bytes.Buffer{})
		e.user("target@example.org", access.Participant)
		e.user("other@example.org", access.Participant)
		owner := e.clientAt("203.0.113.5")
		first := owner.signIn("target@example.org", testPassword)
		if first.StatusCode != http.StatusSeeOther {
			t.Fatalf("first sign-in: %d", first.StatusCode)
		}
		device := owner.cookies[request.DeviceCookie]
		if device == "" {
			t.Fatal("no device cookie after signing in")
		}
		for _, ck := range first.Cookies() {
			if ck.Name == request.DeviceCookie && (!ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.MaxAge < 30*24*3600) {
				t.Errorf("device cookie %+v: want HttpOnly, SameSite=Strict, long-lived", ck)
			}
		}
		if strings.Contains(device, "target") {
			t.Errorf("the device cookie shows the email: %s", device)
		}
		owner.postForm("/logout", url.Values{})
		// The owner's own failures on that device do not count to the ceiling.
		owner.failSignIns("target@example.org", 2)
		// A guess from many addresses, each within its per-pair limit, up
		// to one short of the ceiling.
		for left, i := LoginMaxPerEmail-1, 1; left > 0; left, i = left-LoginMaxPerPair, i+1 {
			e.clientAt(fmt.Sprintf("198.51.100.%d", i)).failSignIns("target@example.org", min(left, LoginMaxPerPair))
		}
		if res := e.clientAt("198.51.100.100").signIn("target@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("at the ceiling: %d", res.StatusCode)
		}
		e.clientAt("198.51.100.101").failSignIns("target@example.org", 1)
		// Over the ceiling, a new address is refused, with the right password too.
		tooMany(t, e.clientAt("198.51.100.200").signIn("target@example.org", testPassword), "over the ceiling")
		// A device cookie of another account, or a forged one, is no way round it.
		other := e.clientAt("203.0.113.6")
		if res := other.signIn("other@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("other account: %d", res.StatusCode)
		}
		other.postForm("/logout", url.Values{})
		tooMany(t, other.signIn("target@example.org", testPassword), "with another account's device cookie")
		forged := e.clientAt("203.0.113.7")
		forged.cookies[request.DeviceCookie] = strings.Replace(device, device[:4], "AAAA", 1)
		tooMany(t, forged.signIn("target@example.org", testPassword), "with a forged device cookie")
		// A cookie signed by the secret itself, before keys were derived, no
		// longer counts: it only ever relaxed a limit.
		before := request.NewSigner(testConfig().SecretKey, "login-device", 365*24*time.Hour)
		stale := e.clientAt("203.0.113.8")
		stale.cookies[request.DeviceCookie] = before.Seal(before.MAC("account:"+mailaddr.Normalize("target@example.org")), time.Now())
		tooMany(t, stale.signIn("target@example.org", testPassword), "with a device cookie signed by the secret")
		// The owner's device signs in, from home or from a new address.
		if res := owner.signIn("target@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the owner's device at home: %d", res.StatusCode)
		}
		owner.postForm("/logout", url.Values{})
		owner.header.Set("X-Forwarded-For", "198.18.0.1")
		if res := owner.signIn("target@example.org", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the owner's device elsewhere: %d", res.StatusCode)
		}
	})
}
