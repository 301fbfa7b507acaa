package people

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/usertext"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Tag is a campaign theme or an interest, shared by campaigns and people.
// Its name is stored case-folded, so "Privacy" and "privacy" are one tag.
type Tag struct {
	ID   int64
	Name string
}

// TableName is the migrated table.
func (Tag) TableName() string { return "tags" }

// PersonTag links a person to a tag.
type PersonTag struct {
	PersonID int64 `gorm:"primaryKey"`
	TagID    int64 `gorm:"primaryKey"`
}

// TableName is the migrated table.
func (PersonTag) TableName() string { return "person_tags" }

// MaxTagRunes bounds a tag's name.
const MaxTagRunes = 40

// TagName is the stored form of a tag name: trimmed and case-folded.
func TagName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateTags adds an error to f under field for a tag that is empty, too
// long, or holds a comma or a character usertext refuses on one line, and
// returns the names in stored form without repeats, sorted.
func ValidateTags(f apperr.Fields, field string, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		bad := usertext.Problem(strings.TrimSpace(n), usertext.Line) != "" // before ToLower hides bad bytes
		n = TagName(n)
		if bad || n == "" || utf8.RuneCountInString(n) > MaxTagRunes || strings.Contains(n, ",") {
			f.Add(field, "error_tag_invalid")
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// EnsureTags finds or creates the tags of names (already in stored form) in
// tx and returns their ids by name. Concurrent callers may create the same
// tag: the insert skips names that exist, then all are read back.
func EnsureTags(tx *gorm.DB, names []string) (map[string]int64, error) {
	ids := make(map[string]int64, len(names))
	if len(names) == 0 {
		return ids, nil
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted) // one order for every caller, so inserts never deadlock
	sorted = slices.Compact(sorted)
	rows := make([]Tag, len(sorted))
	for i, n := range sorted {
		rows[i] = Tag{Name: n}
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return nil, fmt.Errorf("people: unable to create tags: %w", err)
	}
	var found []Tag
	if err := tx.Where("name IN ?", sorted).Find(&found).Error; err != nil {
		return nil, fmt.Errorf("people: unable to read tags: %w", err)
	}
	for _, t := range found {
		ids[t.Name] = t.ID
	}
	return ids, nil
}

// TagPeople gives each of personIDs every tag of tagIDs, keeping the tags
// they have.
func TagPeople(tx *gorm.DB, personIDs, tagIDs []int64) error {
	if len(personIDs) == 0 || len(tagIDs) == 0 {
		return nil
	}
	rows := make([]PersonTag, 0, len(personIDs)*len(tagIDs))
	for _, p := range personIDs {
		for _, t := range tagIDs {
			rows = append(rows, PersonTag{PersonID: p, TagID: t})
		}
	}
	slices.SortFunc(rows, func(a, b PersonTag) int {
		if a.PersonID != b.PersonID {
			return int(a.PersonID - b.PersonID)
		}
		return int(a.TagID - b.TagID)
	})
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return fmt.Errorf("people: unable to tag people: %w", err)
	}
	return nil
}

// TagsOf returns the tag names of each of personIDs, sorted.
func TagsOf(tx *gorm.DB, personIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(personIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PersonID int64
		Name     string
	}
	err := tx.Table("person_tags").Select("person_tags.person_id, tags.name").
		Joins("JOIN tags ON tags.id = person_tags.tag_id").
		Where("person_tags.person_id IN ?", personIDs).Order("tags.name").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("people: unable to read tags of people: %w", err)
	}
	for _, r := range rows {
		out[r.PersonID] = append(out[r.PersonID], r.Name)
	}
	return out, nil
}
