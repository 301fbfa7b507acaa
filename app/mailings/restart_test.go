package mailings_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/gotong/gotong/app/mailtest"
	"github.com/gotong/gotong/app/testdb"
	"gorm.io/gorm"
)

// TestRestartDeliversOnce: a worker killed in the middle of a mailing
// (between two messages, as a node stops) and another started after it
// deliver each message once, counted at a real SMTP server; one over a
// single connection, not one per message.
func TestRestartDeliversOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		const n = 45
		for i := range n {
			f.person("P"+strconv.Itoa(i), "p"+strconv.Itoa(i)+"@example.org", "en", "rural", true)
		}
		m := f.mailing("")
		if _, err := f.svc.Send(context.Background(), 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		box := mailtest.Start(t)
		held, release := box.HoldAfter(17)
		first, _ := f.worker(box, "first")
		ctx, kill := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { first.Run(ctx, time.Millisecond); close(done) }()
		select {
		case <-held:
		case <-time.After(30 * time.Second):
			t.Fatal("the first worker never reached the 18th message")
		}
		kill()
		<-done
		release()
		if got := len(box.Messages()); got != 17 {
			t.Fatalf("%d messages before the restart, want 17", got)
		}
		if c := f.counts(m.ID); c.Sent != 17 || c.Queued != n-17 {
			t.Fatalf("counts after the kill %+v", c)
		}
		sessions := box.Sessions()
		second, _ := f.worker(box, "second")
		if sent := f.drain(second); sent != n-17 {
			t.Fatalf("the second worker sent %d, want %d", sent, n-17)
		}
		got := byAddress(box)
		for i := range n {
			if k := got["p"+strconv.Itoa(i)+"@example.org"]; k != 1 {
				t.Errorf("p%d got %d messages", i, k)
			}
		}
		if c := f.counts(m.ID); c.Sent != n || f.status(m.ID) != "sent" {
			t.Errorf("counts %+v, status %s", c, f.status(m.ID))
		}
		if s := box.Sessions() - sessions; s != 1 {
			t.Errorf("the second worker used %d connections for %d messages, want 1", s, n-17)
		}
	})
}

// TestCrashedNodeTakenOver: a node that died holding the lease and a claim
// (no Stop, no release) holds up nobody past the lease, and its claimed
// messages go once their claim runs out, once.
func TestCrashedNodeTakenOver(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		f := newFixture(t, db)
		const n = 12
		for i := range n {
			f.person("P"+strconv.Itoa(i), "p"+strconv.Itoa(i)+"@example.org", "en", "rural", true)
		}
		m := f.mailing("")
		if _, err := f.svc.Send(context.Background(), 0, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		// What a node that died in the middle of a batch leaves behind.
		later := f.clock.now().Add(5 * time.Minute)
		if err := db.Exec("UPDATE mailings SET lease_node = 'dead', lease_until = ? WHERE id = ?", f.clock.now().Add(time.Minute), m.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE mailing_recipients SET locked_until = ? WHERE id IN (SELECT id FROM mailing_recipients WHERE mailing_id = ? ORDER BY id LIMIT 4)", later, m.ID).Error; err != nil {
			t.Fatal(err)
		}
		box := mailtest.Start(t)
		w, _ := f.worker(box, "alive")
		if sent := f.drain(w); sent != 0 {
			t.Fatalf("sent %d while another node held the lease", sent)
		}
		f.clock.add(2 * time.Minute)
		if sent := f.drain(w); sent != n-4 {
			t.Fatalf("sent %d after the lease ran out, want %d", sent, n-4)
		}
		f.clock.add(5 * time.Minute)
		if sent := f.drain(w); sent != 4 {
			t.Fatalf("sent %d after the claims ran out, want 4", sent)
		}
		if got := byAddress(box); len(got) != n {
			t.Errorf("%d addresses reached", len(got))
		}
		for addr, k := range byAddress(box) {
			if k != 1 {
				t.Errorf("%s got %d", addr, k)
			}
		}
	})
}
