package database

import (
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The helpers below are where the two databases differ in what a domain
// asks of them; domain packages call these and never ask which database
// they speak.
//
// Locking: PostgreSQL locks rows. On SQLite every transaction is immediate
// (see Open) and Tx queues them in the process, so a transaction holds the
// only write lock from its first statement: the rows it reads cannot change
// under it, and a row lock would add nothing.

// ForUpdate makes q hold the rows it selects from its own table (FOR
// UPDATE OF it, not of joined or preloaded tables) until the transaction
// ends, on PostgreSQL; on SQLite q is unchanged. Take locks in one order
// (by id) so that two transactions never wait for each other in a cycle.
// It is a scope: q.Scopes(database.ForUpdate) reads as well.
func ForUpdate(q *gorm.DB) *gorm.DB {
	if Dialect(q) != Postgres {
		return q
	}
	return q.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: clause.CurrentTable}})
}

// Lock holds the rows q selects until the transaction ends, without reading
// them: on PostgreSQL it runs q as SELECT 1 … FOR UPDATE; on SQLite, whose
// write transaction already excludes every other writer, it runs nothing.
func Lock(q *gorm.DB) error {
	if Dialect(q) != Postgres {
		return nil
	}
	var rows []int
	if err := ForUpdate(q.Select("1")).Scan(&rows).Error; err != nil {
		return fmt.Errorf("database: unable to lock rows: %w", err)
	}
	return nil
}

// SkipLocked ends a subquery that picks rows for its statement to claim
// (UPDATE … WHERE id IN (SELECT … SkipLocked)): on PostgreSQL, FOR UPDATE
// SKIP LOCKED, so that concurrent claimers pass over each other's rows
// instead of waiting or taking the same ones; on SQLite nothing, since its
// one writer makes the statement atomic alone.
func SkipLocked(db *gorm.DB) string {
	if Dialect(db) != Postgres {
		return ""
	}
	return " FOR UPDATE SKIP LOCKED"
}

// AllowGenericPlans lets PostgreSQL keep a generic plan for the statements
// of tx, until it ends. Every connection plans each statement afresh (see
// postgresParams), which for a bulk write of many small statements (and the
// foreign-key checks of every row) costs more than the writes. SQLite has
// no such setting: nothing to do.
func AllowGenericPlans(tx *gorm.DB) error {
	if Dialect(tx) != Postgres {
		return nil
	}
	if err := tx.Exec("SET LOCAL plan_cache_mode = auto").Error; err != nil {
		return fmt.Errorf("database: unable to set the plan cache mode: %w", err)
	}
	return nil
}
