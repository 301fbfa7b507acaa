package web

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gotong/gotong/app/apidoc"
	"github.com/gotong/gotong/app/testdb"
)

// The API contract, docs/openapi.yaml, against the portal: every exchange
// a test has with /api/v1 through client.do is checked against it
// (checkContract), and the route table and the document name the same
// routes.

// requestBody reads the body of req and gives req a fresh reader of it,
// so that the exchange can be checked once it is sent.
func requestBody(req *http.Request) []byte {
	if req.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// checkContract fails the test when an exchange with /api/v1 does not keep
// to the document (see apidoc.Check).
func (e *env) checkContract(req *http.Request, sent []byte, res *http.Response, body []byte) {
	e.t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") {
		return
	}
	if err := apidoc.Check(req, sent, res.StatusCode, res.Header, body); err != nil {
		e.t.Errorf("docs/openapi.yaml: %v\nanswer: %.600s", err, body)
	}
}

// fiberParam is a path parameter as Fiber writes it, with its constraint.
var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)(<[^>]*>)?`)

// contractDiff compares the route table's /api/v1 routes ("METHOD /path"
// with Fiber's :name<constraint>) with the document's operations ("METHOD
// /path" with {name}): the routes the document lacks, and the operations
// no route serves.
func contractDiff(routes, ops []string) (missing, extra []string) {
	served := map[string]bool{}
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		if strings.HasPrefix(path, "/api/v1/") {
			served[method+" "+fiberParam.ReplaceAllString(path, "{$1}")] = true
		}
	}
	for r := range served {
		if !slices.Contains(ops, r) {
			missing = append(missing, r)
		}
	}
	for _, op := range ops {
		if !served[op] {
			extra = append(extra, op)
		}
	}
	slices.Sort(missing)
	return missing, extra
}

// TestContractNamesEveryRoute fails when a route of the route table under
// /api/v1 is missing from docs/openapi.yaml, or the document names a route
// that does not exist.
func TestContractNamesEveryRoute(t *testing.T) {
	t.Parallel()
	ops, err := apidoc.Operations()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, testdb.New(t, testdb.Dialects()[0]))
	var routes []string
	for r := range e.srv.Permissions() {
		routes = append(routes, r)
	}
	missing, extra := contractDiff(routes, ops)
	for _, r := range missing {
		t.Errorf("%s is served but not in docs/openapi.yaml", r)
	}
	for _, op := range extra {
		t.Errorf("docs/openapi.yaml names %s, which no route serves", op)
	}
	if len(ops) < 50 {
		t.Errorf("the document names %d operations", len(ops))
	}
	t.Logf("%d operations documented", len(ops))

	// The comparison sees both kinds of difference.
	missing, extra = contractDiff([]string{"GET /api/v1/people/:id<int>", "POST /api/v1/things/:id", "GET /login"},
		[]string{"GET /api/v1/people/{id}", "DELETE /api/v1/people/{id}"})
	if !slices.Equal(missing, []string{"POST /api/v1/things/{id}"}) || !slices.Equal(extra, []string{"DELETE /api/v1/people/{id}"}) {
		t.Errorf("contractDiff: missing %v, extra %v", missing, extra)
	}
}

// TestOpenAPIServed: anyone reads the document as JSON, and a cache that
// holds it revalidates by its ETag.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.New(t, testdb.Dialects()[0]))
	c := e.client()
	res := c.get("/api/v1/openapi.json")
	want, err := apidoc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Body != string(want) {
		t.Fatalf("GET /api/v1/openapi.json: %d, %.200s", res.StatusCode, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	for _, match := range []string{etag, "W/" + etag, `"other", ` + etag} { // If-None-Match compares weakly
		req := httpRequest(http.MethodGet, "/api/v1/openapi.json", "", "")
		req.Header.Set("If-None-Match", match)
		if res := c.do(req); res.StatusCode != http.StatusNotModified || res.Body != "" {
			t.Errorf("If-None-Match %s: %d, %d bytes", match, res.StatusCode, len(res.Body))
		}
	}
	req := httpRequest(http.MethodGet, "/api/v1/openapi.json", "", "")
	req.Header.Set("If-None-Match", `"stale"`)
	if res := c.do(req); res.StatusCode != http.StatusOK {
		t.Errorf("a stale ETag: %d", res.StatusCode)
	}
}
