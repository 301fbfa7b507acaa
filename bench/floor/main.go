// Command floor is the least any server can do for an anonymous public
// form and still keep the promise of its 202: it takes the same JSON body
// as POST /api/v1/activities/{id}/registrations, makes the random token of
// the email's link, and answers 202 only once the submission is committed
// in PostgreSQL, written together with the others that arrived meanwhile
// (one multi-row INSERT per commit, as few round trips as can be). No
// validation beyond decoding, no email, no middleware. `make bench` measures
// it beside hello-world and Gotong's (h), to tell how much of the gap
// between (h) and hello-world any implementation would keep.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"log"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
)

type form struct {
	Person struct {
		GivenName  string `json:"given_name"`
		FamilyName string `json:"family_name"`
		Email      string `json:"email"`
		BirthYear  int    `json:"birth_year"`
		Region     string `json:"region"`
		Locality   string `json:"locality"`
	} `json:"person"`
	Consent bool `json:"consent"`
}

// item is a submission waiting for its commit.
type item struct {
	activity int64
	hash     []byte
	value    []byte
	done     chan error
}

// writer commits what arrives while it writes, in the next statement.
type writer struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	wait []*item
	busy bool
}

func (w *writer) submit(it *item) error {
	w.mu.Lock()
	w.wait = append(w.wait, it)
	lead := !w.busy
	w.busy = true
	w.mu.Unlock()
	if lead {
		go w.loop()
	}
	return <-it.done
}

func (w *writer) loop() {
	for {
		w.mu.Lock()
		batch := w.wait
		w.wait = nil
		if len(batch) == 0 {
			w.busy = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		ids := make([]int64, len(batch))
		hashes := make([][]byte, len(batch))
		values := make([]string, len(batch))
		for i, it := range batch {
			ids[i], hashes[i], values[i] = it.activity, it.hash, string(it.value)
		}
		_, err := w.pool.Exec(context.Background(),
			`INSERT INTO floor_submissions (activity_id, token_hash, value)
			 SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::jsonb[])`, ids, hashes, values)
		for _, it := range batch {
			it.done <- err
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:18088", "listen address")
	dsn := flag.String("db", "", "PostgreSQL URL")
	// 1, 2, 4 and 8 measured on 2 cores: 2 answered the most.
	writers := flag.Int("writers", 2, "batches written at once")
	flag.Parse()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS floor_submissions (
		id BIGSERIAL PRIMARY KEY, activity_id BIGINT NOT NULL, token_hash BYTEA NOT NULL UNIQUE,
		value JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		log.Fatal(err)
	}
	ws := make([]writer, *writers)
	for i := range ws {
		ws[i].pool = pool
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post("/api/v1/activities/:id/registrations", func(c *fiber.Ctx) error {
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil {
			return fiber.ErrNotFound
		}
		var f form
		if err := json.Unmarshal(c.Body(), &f); err != nil || f.Person.Email == "" || !f.Consent {
			return fiber.ErrUnprocessableEntity
		}
		value, _ := json.Marshal(f)
		token := make([]byte, 32)
		rand.Read(token)
		hash := sha256.Sum256(token)
		it := &item{activity: id, hash: hash[:], value: value, done: make(chan error, 1)}
		if err := ws[id%int64(len(ws))].submit(it); err != nil {
			return err
		}
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "pending_verification"})
	})
	log.Fatal(app.Listen(*addr))
}
