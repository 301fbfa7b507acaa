// Package policies holds the casbin model and the permissions of each role.
package policies

import _ "embed"

// Model is the casbin RBAC-with-domains model.
//
//go:embed model.conf
var Model string

// Policy lists what each role may do.
//
//go:embed policy.csv
var Policy string
