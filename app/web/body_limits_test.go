package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gotong/gotong/app/access"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/web/api"
	brotli "github.com/molecule-man/go-brrr"
)

// A refused bomb may cost the server bombAllowance bytes of allocation;
// inflating it would cost at least bombSize, eight times as much, so the
// test tells the two apart without the time of compressing more.
const (
	bombAllowance = 8 << 20
	bombSize      = 8 * bombAllowance
)

// bomb is a multipart form of a _csrf field, then a file of bombSize zero
// bytes, compressed with coding (gzip, deflate or br) and written a chunk
// at a time: far less than BodyLimit (checked) that inflates to 64 MB.
func bomb(t *testing.T, coding, csrfToken string) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch coding {
	case "gzip":
		w, err = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	case "deflate": // HTTP's deflate is zlib's format
		w, err = zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	case "br":
		w, err = brotli.NewWriter(&buf, 5)
	}
	if err != nil {
		t.Fatal(err)
	}
	form := multipart.NewWriter(w)
	_ = form.WriteField("_csrf", csrfToken)
	file, _ := form.CreateFormFile("file", "people.csv")
	zeros := make([]byte, 1<<20)
	for range bombSize / len(zeros) {
		if _, err := file.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(form.Close(), w.Close()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), form.FormDataContentType()
}

// allocated is how many bytes the process allocated while fn ran.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestEncodedBodyRefused: a compressed body is refused (415) before
// anything inflates it, on the anonymous registration API and on a public
// HTML form that a CSRF token lets through, so memory stays flat whatever
// it would inflate to; the answer is in the asker's language.
func TestEncodedBodyRefused(t *testing.T) {
	csrfToken := newSignedTokens(testConfig().Keys().CSRF).generate()
	type bombed struct {
		body        []byte
		contentType string
	}
	bombs := map[string]bombed{}
	for _, coding := range []string{"gzip", "deflate", "br"} {
		body, ct := bomb(t, coding, csrfToken)
		if len(body) > 1<<20 {
			t.Fatalf("the %s bomb weighs %d bytes, over the body limit", coding, len(body))
		}
		bombs[coding] = bombed{body, ct}
	}
	eachEnv(t, func(t *testing.T, e *env) {
		a := e.publishedCamp("bombed", 20)
		apiPath := fmt.Sprintf("/api/v1/activities/%d/registrations", a.ID)
		formPath := "/activities/bombed/register"
		c := e.client()
		c.cookies["gotong_csrf"] = csrfToken
		c.header.Set("Accept-Language", "fr")
		want := e.msg("fr", "error_encoded_body")
		// What the first request of a process costs once (some 48 MB under
		// -race) is not a bomb's: one small coded body to each path first.
		// Run alone or first, the test failed without it.
		for _, path := range []string{apiPath, formPath} {
			req := httpRequest(http.MethodPost, path, "{}", "application/json")
			req.Header.Set("Content-Encoding", "gzip")
			if res := c.do(req); res.StatusCode != http.StatusUnsupportedMediaType {
				t.Fatalf("a small coded body to %s: %d", path, res.StatusCode)
			}
		}
		for coding, b := range bombs {
			for _, path := range []string{apiPath, formPath} {
				ct := b.contentType
				if path == apiPath {
					ct = "application/json"
				}
				req := httpRequest(http.MethodPost, path, string(b.body), ct)
				req.Header.Set("Content-Encoding", coding)
				var res *response
				if grew := allocated(func() { res = c.do(req) }); grew > bombAllowance {
					t.Errorf("%s to %s: %d MB allocated", coding, path, grew>>20)
				}
				if res.StatusCode != http.StatusUnsupportedMediaType {
					t.Fatalf("%s to %s: %d %.200s", coding, path, res.StatusCode, res.Body)
				}
				if path == apiPath {
					if body := apiErr(t, res); body.Code != "unsupported_media_type" || body.Message != want {
						t.Errorf("%s to the API: %+v", coding, body)
					}
				} else if !strings.Contains(html.UnescapeString(res.Body), want) || pageLang(res.Body) != "fr" {
					t.Errorf("%s to the form: %.300s", coding, res.Body)
				}
			}
		}
		// Any coding but identity, however spelled or listed, on any route.
		person := `{"consent": true, "person": {"given_name": "Saraa", "email": "%s", "birth_year": 2006, ` +
			`"region": "MN-057", "locality": "urban"}}`
		for _, codings := range [][]string{{"GZIP"}, {"identity, gzip"}, {"gzip, identity"}, {"identity", "br"}, {"zstd"}, {"x-unknown"}} {
			req := httpRequest(http.MethodPost, apiPath, fmt.Sprintf(person, "coded@example.org"), "application/json")
			for _, coding := range codings {
				req.Header.Add("Content-Encoding", coding)
			}
			if res := c.do(req); res.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("Content-Encoding %q: %d %s", codings, res.StatusCode, res.Body)
			}
		}
		for _, path := range []string{"/", "/login", "/api/v1/me"} {
			req := httpRequest(http.MethodGet, path, "", "")
			req.Header.Set("Content-Encoding", "gzip")
			if res := c.do(req); res.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("GET %s with a Content-Encoding: %d", path, res.StatusCode)
			}
		}
		if n := e.rows("submissions"); n != 0 {
			t.Fatalf("%d forms taken from refused requests", n)
		}
		// identity is no coding at all: taken.
		for i, coding := range []string{"identity", "Identity"} {
			req := httpRequest(http.MethodPost, apiPath, fmt.Sprintf(person, fmt.Sprintf("plain%d@example.org", i)), "application/json")
			req.Header.Set("Content-Encoding", coding)
			if res := c.do(req); res.StatusCode != http.StatusAccepted {
				t.Errorf("Content-Encoding %s: %d %s", coding, res.StatusCode, res.Body)
			}
		}
		if n := e.rows("submissions"); n != 2 {
			t.Fatalf("%d forms taken, want 2", n)
		}
	})
}

// rawPost writes only the header of a POST with a body of size bytes and
// returns the status the server answers within wait, or 0 when it is still
// waiting for the body then.
func rawPost(t *testing.T, base, path, header string, size int, wait time.Duration) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(wait))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n", path, header, size)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, ""
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b)
}

// TestLargeBodiesOnlyForStaff: the larger limit of the import routes is
// only for a signed-in user who may use the route. Anybody else is refused
// (413) as soon as the header is read, without sending the body.
func TestLargeBodiesOnlyForStaff(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.lowerBodyLimit()
		for key := range largeBodies {
			if p, ok := e.srv.routes[key]; !ok || p == access.Public {
				t.Fatalf("%s: not a route that needs a permission", key)
			}
		}
		e.user("coord@example.org", access.Coordinator)
		e.user("young@example.org", access.Participant)
		e.user("facil@example.org", access.Facilitator)
		credentials := map[string]func(api bool) string{"anonymous": func(bool) string { return "" }}
		for _, email := range []string{"coord@example.org", "young@example.org", "facil@example.org"} {
			tok, c := e.token(email), e.client()
			c.login(email)
			credentials[email] = func(api bool) string {
				if api {
					return "Authorization: Bearer " + tok + "\r\n"
				}
				return "Cookie: gotong_session=" + c.cookies["gotong_session"] + "\r\n"
			}
		}
		credentials["a bad token"] = func(api bool) string {
			if api {
				return "Authorization: Bearer gt_nope\r\n"
			}
			return "Cookie: gotong_session=nope\r\n"
		}
		base := e.listen()
		for key, limit := range largeBodies {
			path := strings.TrimPrefix(key, "POST ")
			api := strings.HasPrefix(path, "/api/")
			for who, header := range credentials {
				if who == "coord@example.org" {
					// Staff: the server waits for the body.
					if status, _ := rawPost(t, base, path, header(api), limit, 500*time.Millisecond); status != 0 {
						t.Errorf("%s to %s: %d before the body", who, path, status)
					}
					continue
				}
				status, body := rawPost(t, base, path, header(api), limit, 3*time.Second)
				if status != http.StatusRequestEntityTooLarge {
					t.Errorf("%s to %s: %d, want 413 before the body", who, path, status)
					continue
				}
				if api && !strings.Contains(body, `"code":"too_large"`) {
					t.Errorf("%s to %s: %s", who, path, body)
				}
			}
		}
		// A coordinator's token still uploads over the general limit, on a
		// real connection.
		var csv strings.Builder
		csv.WriteString("email,given_name\n")
		for i := 0; csv.Len() <= 2*testBodyLimit; i++ {
			fmt.Fprintf(&csv, "person%d@example.org,A given name long enough to fill the file faster %d\n", i, i)
		}
		req, _ := http.NewRequest(http.MethodPost, base+api.ImportPath, strings.NewReader(csv.String()))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+e.token("coord@example.org"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("a %d-byte import by a coordinator: %d %.200s", csv.Len(), res.StatusCode, b)
		}
	})
}

// TestProductionBodyLimits: a server as New builds it limits bodies to
// BodyLimit, and the import's to people.MaxImportBytes, judged on the
// declared length alone: the other tests of the limits lower BodyLimit to
// send less.
func TestProductionBodyLimits(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if got := e.app.Server().MaxRequestBodySize; got != BodyLimit {
			t.Fatalf("the server's body limit is %d, want BodyLimit %d", got, BodyLimit)
		}
		e.user("coord@example.org", access.Coordinator)
		header := "Authorization: Bearer " + e.token("coord@example.org") + "\r\n"
		base := e.listen()
		for _, tc := range []struct {
			path string
			size int
			want int // 0: the server waits for the body
		}{
			{"/api/v1/people/match", BodyLimit, 0},
			{"/api/v1/people/match", BodyLimit + 1, http.StatusRequestEntityTooLarge},
			{api.ImportPath, people.MaxImportBytes, 0},
			{api.ImportPath, people.MaxImportBytes + 1, http.StatusRequestEntityTooLarge},
		} {
			wait := 3 * time.Second
			if tc.want == 0 {
				wait = 500 * time.Millisecond
			}
			if status, body := rawPost(t, base, tc.path, header, tc.size, wait); status != tc.want {
				t.Errorf("%d bytes to %s: %d %s, want %d", tc.size, tc.path, status, body, tc.want)
			}
		}
	})
}
