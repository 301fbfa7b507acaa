package path_test

import (
	"testing"

	"github.com/gotong/gotong/app/testdb"
)

// TestMain drops the template database the tests copy theirs from.
func TestMain(m *testing.M) { testdb.Main(m) }
