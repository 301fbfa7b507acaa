// Package locales holds the message catalogs: en.toml is the source, fr, mn
// and id translate every key of it.
package locales

import "embed"

// FS holds the *.toml catalogs.
//
//go:embed *.toml
var FS embed.FS
