// Command smtpsink is the mail server of the mailing benchmark
// (bench/people.sh): plain SMTP on loopback that accepts every message,
// reads it to the end, and keeps nothing of it but counts and the time it
// arrived. Its HTTP address answers them:
//
//	GET  /count?batch=K  {"messages", "bytes", "connections", "first_ms", "last_ms",
//	                      "between_batches_ms", "max_gap_ms"}
//	POST /reset          every count back to zero
//
// first_ms and last_ms are Unix times in milliseconds. With batch=K the
// arrivals are read as batches of K messages in a row: between_batches_ms
// sums the gaps between the last message of a batch and the first of the
// next (a sender that claims K messages, sends them, then records them
// spends that time away from SMTP), max_gap_ms is the longest gap anywhere.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

func main() {
	smtpAddr := flag.String("smtp", "127.0.0.1:18025", "SMTP listen address")
	httpAddr := flag.String("http", "127.0.0.1:18026", "HTTP listen address of /count and /reset")
	flag.Parse()

	sink := &sink{}
	s := smtp.NewServer(sink)
	s.Addr = *smtpAddr
	s.Domain = "sink.invalid"
	s.EnableSMTPUTF8 = true
	s.MaxMessageBytes = 10 << 20
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute

	mux := http.NewServeMux()
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		batch, _ := strconv.Atoi(r.URL.Query().Get("batch"))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(sink.counts(batch))
	})
	mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) {
		sink.reset()
		w.WriteHeader(http.StatusNoContent)
	})
	go func() { log.Fatal(http.ListenAndServe(*httpAddr, mux)) }()
	log.Fatal(s.ListenAndServe())
}

// sink counts what its sessions receive.
type sink struct {
	mu          sync.Mutex
	bytes       int64
	connections int64
	arrivals    []int64 // Unix microseconds, one per message
}

// Counts are what GET /count answers.
type Counts struct {
	Messages         int     `json:"messages"`
	Bytes            int64   `json:"bytes"`
	Connections      int64   `json:"connections"`
	FirstMS          float64 `json:"first_ms"`
	LastMS           float64 `json:"last_ms"`
	BetweenBatchesMS float64 `json:"between_batches_ms"`
	MaxGapMS         float64 `json:"max_gap_ms"`
}

func (s *sink) counts(batch int) Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Counts{Messages: len(s.arrivals), Bytes: s.bytes, Connections: s.connections}
	if len(s.arrivals) == 0 {
		return c
	}
	c.FirstMS, c.LastMS = float64(s.arrivals[0])/1e3, float64(s.arrivals[len(s.arrivals)-1])/1e3
	var between, maxGap int64
	for i := 1; i < len(s.arrivals); i++ {
		gap := s.arrivals[i] - s.arrivals[i-1]
		maxGap = max(maxGap, gap)
		if batch > 0 && i%batch == 0 {
			between += gap
		}
	}
	c.BetweenBatchesMS, c.MaxGapMS = float64(between)/1e3, float64(maxGap)/1e3
	return c
}

func (s *sink) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bytes, s.connections, s.arrivals = 0, 0, s.arrivals[:0]
}

// NewSession counts a connection.
func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.connections++
	s.mu.Unlock()
	return session{s}, nil
}

// session accepts any sender and recipient.
type session struct{ s *sink }

func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (session) Reset()                               {}
func (session) Logout() error                        { return nil }

// Data reads the message to its end, then counts it.
func (ss session) Data(r io.Reader) error {
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return errors.Join(errors.New("smtpsink: the message did not arrive whole"), err)
	}
	now := time.Now().UnixMicro()
	ss.s.mu.Lock()
	ss.s.bytes += n
	ss.s.arrivals = append(ss.s.arrivals, now)
	ss.s.mu.Unlock()
	return nil
}
