// Package migrations holds the versioned SQL migrations, one folder per
// database, with the same version numbers in both.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
