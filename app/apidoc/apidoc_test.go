package apidoc

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gotong/gotong/docs"
)

// TestDocumentValidates loads docs/openapi.yaml as the server does.
func TestDocumentValidates(t *testing.T) {
	doc, err := Doc()
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("version %q, want 3.1.0", doc.OpenAPI)
	}
	var back map[string]any
	b, err := JSON()
	if err != nil || json.Unmarshal(b, &back) != nil || back["openapi"] != "3.1.0" {
		t.Fatalf("the JSON is not the document: %v", err)
	}
	ops, err := Operations()
	if err != nil || len(ops) == 0 {
		t.Fatalf("operations %v: %v", ops, err)
	}
}

// TestParseRefuses proves the validation can fail: a 3.0 document, and a
// schema pointing nowhere.
func TestParseRefuses(t *testing.T) {
	old := strings.Replace(string(docs.OpenAPI), "openapi: 3.1.0", "openapi: 3.0.3", 1)
	if _, err := parse([]byte(old)); err == nil {
		t.Error("a 3.0 document was taken")
	}
	broken := strings.Replace(string(docs.OpenAPI), `"#/components/schemas/Activity"}`, `"#/components/schemas/Nothing"}`, 1)
	if _, err := parse([]byte(broken)); err == nil {
		t.Error("a reference to nothing was taken")
	}
}

func exchange(t *testing.T, method, path, token, reqBody string, status int, body string) error {
	t.Helper()
	req, _ := http.NewRequest(method, "http://gotong.test"+path, strings.NewReader(reqBody))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return Check(req, []byte(reqBody), status, h, []byte(body))
}

// TestCheck proves what Check takes and what it refuses.
func TestCheck(t *testing.T) {
	seg := `{"id":1,"name":"Rural","query":"locality=rural","count":null}`
	notFound := `{"error":{"code":"not_found","message":"Not found"}}`
	cases := []struct {
		name                      string
		method, path, token, body string
		status                    int
		answer                    string
		ok                        bool
	}{
		{"a null count is a count unknown", "POST", "/api/v1/segments", "t", `{"name":"Rural","query":"locality=rural"}`, 201, seg, true},
		{"a count as a string is not", "POST", "/api/v1/segments", "t", `{"name":"R"}`, 201, strings.Replace(seg, "null", `"3"`, 1), false},
		{"a field the document lacks", "POST", "/api/v1/segments", "t", `{"name":"R"}`, 201, strings.Replace(seg, `"id":1`, `"id":1,"owner":2`, 1), false},
		{"a status the document lacks", "POST", "/api/v1/segments", "t", `{"name":"R"}`, 200, seg, false},
		{"an error without a message", "GET", "/api/v1/people/7", "t", "", 404, `{"error":{"code":"not_found"}}`, false},
		{"no token refused", "GET", "/api/v1/people/7", "", "", 401, `{"error":{"code":"unauthorized","message":"Sign in"}}`, true},
		{"no token accepted", "GET", "/api/v1/people/7", "", "", 200, `{"id":7}`, false},
		{"no token, refused for its id", "GET", "/api/v1/people/x", "", "", 404, notFound, true},
		{"no token, refused for something else", "GET", "/api/v1/people/7", "", "", 422, notFound, false},
		{"routed whatever the case and a trailing slash", "POST", "/api/v1/Segments/", "t", `{"name":"R"}`, 201, seg, true},
		{"a body the document refuses, refused", "POST", "/api/v1/segments", "t", `{"name":3}`, 400, `{"error":{"code":"bad_request","message":"Bad"}}`, true},
		{"a body the document refuses, taken", "POST", "/api/v1/segments", "t", `{"name":3}`, 201, seg, false},
		{"a path the document lacks, not found", "GET", "/api/v1/nothing", "t", "", 404, notFound, true},
		{"a path the document lacks, answered", "GET", "/api/v1/nothing", "t", "", 200, `{}`, false},
		{"a path the document lacks, not an error", "GET", "/api/v1/nothing", "t", "", 500, `{"error":"boom"}`, false},
		{"public without a token", "POST", "/api/v1/petitions/free/signatures", "", `{"email":"a@b.org"}`, 201, `{"signatures":3}`, true},
	}
	for _, c := range cases {
		err := exchange(t, c.method, c.path, c.token, c.body, c.status, c.answer)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
