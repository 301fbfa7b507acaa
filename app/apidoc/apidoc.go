// Package apidoc is the API contract, docs/openapi.yaml, loaded once: the
// document, its JSON for GET /api/v1/openapi.json, the operations it names,
// and the check that an exchange with the portal keeps to it.
package apidoc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gotong/gotong/docs"
)

// loaded is the document, parsed and validated once.
var loaded = sync.OnceValues(func() (*contract, error) {
	return parse(docs.OpenAPI)
})

type contract struct {
	doc    *openapi3.T
	json   []byte
	router routers.Router
}

// parse reads and validates a document. kin-openapi reads the version
// from it: for 3.1 it validates schemas as JSON Schema 2020-12, so that a
// type list such as [string, "null"] is how a value may be null.
func parse(yaml []byte) (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(yaml)
	if err != nil {
		return nil, fmt.Errorf("apidoc: unable to read the document: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("apidoc: the document is OpenAPI %s, not 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("apidoc: the document is invalid: %w", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("apidoc: unable to write the document as JSON: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("apidoc: unable to route the document's paths: %w", err)
	}
	return &contract{doc: doc, json: b, router: router}, nil
}

// Doc returns the document, validated.
func Doc() (*openapi3.T, error) {
	c, err := loaded()
	if err != nil {
		return nil, err
	}
	return c.doc, nil
}

// JSON returns the document as JSON.
func JSON() ([]byte, error) {
	c, err := loaded()
	if err != nil {
		return nil, err
	}
	return c.json, nil
}

// Operations lists what the document describes, "METHOD /path" with
// {name} for a path parameter, sorted.
func Operations() ([]string, error) {
	doc, err := Doc()
	if err != nil {
		return nil, err
	}
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Check tells whether an exchange keeps to the document. The request was
// sent with reqBody; the portal answered status, header and body.
//
// A request the document refuses (a field of the wrong type, an unknown
// value) must have been refused by the portal too, with a 4xx, and one
// without the token it asks for with a 401: tests send such requests on
// purpose. Whatever the request, the
// response must be one the document gives for the operation and status.
// A path the document does not name must have been answered with an Error.
func Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	c, err := loaded()
	if err != nil {
		return err
	}
	sent := cloneWithBody(req, reqBody)
	route, params, err := c.router.FindRoute(sent)
	if err != nil {
		// The portal routes whatever the letter case and a trailing slash
		// (Fiber's CaseSensitive and StrictRouting are off).
		sent.URL.Path = strings.ToLower(strings.TrimSuffix(sent.URL.Path, "/"))
		sent.URL.RawPath = ""
		route, params, err = c.router.FindRoute(sent)
	}
	if err != nil {
		// No route of the table is missing from the document (a test
		// says so): this is a path nobody serves, or one a test added.
		// Whatever it is, an error keeps the API's shape.
		if status >= 400 {
			if verr := c.isError(body); verr != nil {
				return fmt.Errorf("%s %s: the answer %d is not an Error: %w", req.Method, req.URL.Path, status, verr)
			}
			return nil
		}
		return fmt.Errorf("%s %s (answered %d): %w", req.Method, req.URL.Path, status, err)
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: sent, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearerGiven, MultiError: true, SkipSettingDefaults: true}}
	err = openapi3filter.ValidateRequest(ctx, in)
	var noToken *openapi3filter.SecurityRequirementsError
	switch {
	case errors.As(err, &noToken) && !slices.Contains(beforeToken, status):
		return fmt.Errorf("%s %s: a request without the token the document asks for was answered %d, not 401: %w",
			req.Method, req.URL.Path, status, err)
	case err != nil && (status < 400 || status >= 500):
		return fmt.Errorf("%s %s: the document refuses a request the portal answered %d: %w", req.Method, req.URL.Path, status, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("%s %s: the document does not give the answer %d: %w", req.Method, req.URL.Path, status, err)
	}
	return nil
}

// beforeToken are the statuses a request may get without the token it
// needs: 401, or a refusal that comes before the token is read (the
// path's parameter not of its type, the body's size or encoding, a limit).
var beforeToken = []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusMethodNotAllowed,
	http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusTooManyRequests}

// isError tells whether body is an Error of the document.
func (c *contract) isError(body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return c.doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
}

// bearerGiven holds a request to the security the document asks for: a
// bearer token given (whether it is valid is the portal's to say).
func bearerGiven(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecurityScheme.Type == "http" && in.SecurityScheme.Scheme == "bearer" {
		if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
			return errors.New("no bearer token")
		}
		return nil
	}
	return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
}

// cloneWithBody is req with a fresh reader of body, which the client has
// already sent.
func cloneWithBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}
