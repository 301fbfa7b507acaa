package people

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/audit"
	"github.com/gotong/gotong/app/database"
	"gorm.io/gorm"
)

// This file is the store half of the CSV import: the rows ImportReader
// reads, written a batch at a time in one transaction (the writer is in
// csvimport_write.go, the uploads kept between the steps of the import page
// in csvimport_upload.go).

// ImportBatch is how many rows an import writes together. A batch takes a
// handful of statements whatever its size (find the known, insert the new,
// read their ids, update the known, tags, consents), never one per row.
const ImportBatch = 1000

// ImportOptions says how to import a file.
type ImportOptions struct {
	Mapping      Mapping
	Update       bool  // people known by their email take the file's values; otherwise they are skipped
	AllOrNothing bool  // a single rejected row and nothing is written
	ActorID      int64 // who imports, for the audit log
	UploadID     int64 // the ImportUpload to delete with the import; 0 for none
}

// ImportReport is what an import did: people created, people updated,
// people known and left as they were (without Update), and the rows
// rejected, in the order of the file.
type ImportReport struct {
	Created  int
	Updated  int
	Skipped  int
	Rejected []Rejection
}

// ErrImportRejected is Import's error when AllOrNothing is asked and rows
// were rejected; the report lists them, and nothing was written.
var ErrImportRejected = apperr.New(apperr.Invalid, "import_error_rejected")

// Import reads a CSV file (see ImportReader) and writes its people in one
// transaction: new emails become people (source "import"), known ones are
// updated or skipped as opts say, and each row's tags and consent are
// written with it. An update changes only the fields the row gives: a blank
// cell keeps what is there, and tags are added to the person's own.
//
// A file that cannot be read, a mapping that does not fit it, or a file
// with no record under its header is an error, and nothing is written; so
// is a single rejected row under AllOrNothing (ErrImportRejected, with the
// report). The import is audited with its counts.
func (s *Store) Import(ctx context.Context, data []byte, opts ImportOptions) (ImportReport, error) {
	now := s.now()
	r, err := NewImportReader(data, opts.Mapping, now)
	if err != nil {
		return ImportReport{}, err
	}
	if opts.AllOrNothing {
		// A first pass without the database: a bad file costs no write.
		rejected, _, err := readAll(r, nil)
		if err != nil {
			return ImportReport{}, err
		}
		if len(rejected) > 0 {
			return ImportReport{Rejected: rejected}, ErrImportRejected
		}
		if r, err = NewImportReader(data, opts.Mapping, now); err != nil {
			return ImportReport{}, err
		}
	}
	var rep ImportReport
	err = database.Tx(ctx, s.db, func(tx *gorm.DB) error {
		rep = ImportReport{}
		// Planning each statement afresh, and the foreign-key checks of
		// each inserted row, would cost more than the inserts.
		if err := database.AllowGenericPlans(tx); err != nil {
			return err
		}
		if opts.UploadID != 0 {
			// First, so that a second click waits here, then finds it gone.
			res := tx.Where("id = ?", opts.UploadID).Delete(&ImportUpload{})
			if res.Error != nil {
				return fmt.Errorf("people: unable to delete an upload: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return errUploadGone
			}
		}
		w := &importWriter{s: s, tx: tx, update: opts.Update, now: now, rep: &rep, tags: map[string]int64{}}
		batch := make([]ImportRow, 0, ImportBatch)
		rejected, records, err := readAll(r, func(row ImportRow) error {
			batch = append(batch, row)
			if len(batch) < ImportBatch {
				return nil
			}
			err := w.write(batch)
			batch = batch[:0]
			return err
		})
		if err != nil {
			return err
		}
		if err := w.write(batch); err != nil {
			return err
		}
		if records == 0 {
			return fileError("import_error_no_rows")
		}
		rep.Rejected = rejected
		return audit.Record(tx, opts.ActorID, "people.import", "people", "", map[string]any{
			"created": rep.Created, "updated": rep.Updated, "skipped": rep.Skipped, "rejected": len(rep.Rejected)})
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// ImportCheck is what an import of a file would take and refuse, read
// without the database: the rows ready (each to create, or to update or
// skip if its email is known) and the rows rejected, in the order of the
// file.
type ImportCheck struct {
	Ready    int
	Rejected []Rejection
}

// CheckImport reads a whole file as Import would, and writes nothing: the
// import page shows it before the import is confirmed. Its errors are
// Import's for a file or a mapping that does not fit.
func (s *Store) CheckImport(data []byte, m Mapping) (ImportCheck, error) {
	r, err := NewImportReader(data, m, s.now())
	if err != nil {
		return ImportCheck{}, err
	}
	var out ImportCheck
	rejected, records, err := readAll(r, func(ImportRow) error { out.Ready++; return nil })
	if err != nil {
		return ImportCheck{}, err
	}
	if records == 0 {
		return ImportCheck{}, fileError("import_error_no_rows")
	}
	out.Rejected = rejected
	return out, nil
}

// readAll reads r to its end, handing each row to take (when not nil), and
// returns the rejections and the number of records.
func readAll(r *ImportReader, take func(ImportRow) error) ([]Rejection, int, error) {
	var rejected []Rejection
	records := 0
	for {
		row, rej, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rejected, records, nil
		}
		if err != nil {
			return nil, 0, err
		}
		records++
		switch {
		case rej != nil:
			rejected = append(rejected, *rej)
		case take != nil:
			if err := take(row); err != nil {
				return nil, 0, err
			}
		}
	}
}
