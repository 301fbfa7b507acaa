// Package views holds the html/template files (a layout, partials, one file
// per page) and the static assets.
package views

import "embed"

// FS holds layouts/, partials/, pages/ and static/.
//
//go:embed layouts/*.html partials/*.html pages/*.html static/*
var FS embed.FS
