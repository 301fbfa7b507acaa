// Package docs holds the documents the program itself serves: the API
// contract (openapi.yaml), embedded so that the binary and the repository
// never disagree.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml as written.
//
//go:embed openapi.yaml
var OpenAPI []byte
