package migrate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// maxIdent is the longest identifier accepted: PostgreSQL truncates names above 63 bytes
// (MySQL allows 64), so longer names would not survive a round trip.
const maxIdent = 63

// checkIdent reports whether s is a plain SQL identifier: ASCII letters, digits and
// underscores, not starting with a digit, at most 63 bytes. Identifiers are quoted in the
// generated SQL, but restricting them keeps every dialect and every error message sane.
func checkIdent(what, s string) error {
	if s == "" {
		return fmt.Errorf("%s name is empty", what)
	}
	if len(s) > maxIdent {
		return fmt.Errorf("%s name %.20q... is %d bytes long; the limit is %d", what, s, len(s), maxIdent)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return fmt.Errorf("%s name %q: only letters, digits and underscores are allowed, not starting with a digit", what, s)
		}
	}
	return nil
}

// checkDefault rejects a default expression that could not be a single SQL expression:
// a statement separator, a comment or an unterminated quote outside of quotes.
func checkDefault(x string) error {
	if strings.TrimSpace(x) != x || x == "" {
		return fmt.Errorf("default %q has leading or trailing space", x)
	}
	var quote byte
	depth := 0
	for i := 0; i < len(x); i++ {
		c := x[i]
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("default %q contains a control character", x)
		}
		if quote != 0 {
			if c == quote {
				if i+1 < len(x) && x[i+1] == quote {
					i++
					continue
				}
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case ';':
			return fmt.Errorf("default %q contains ';': a default is one expression", x)
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 {
				return fmt.Errorf("default %q has unbalanced parentheses", x)
			}
		case '-', '/':
			if i+1 < len(x) && (c == '-' && x[i+1] == '-' || c == '/' && x[i+1] == '*') {
				return fmt.Errorf("default %q contains a comment", x)
			}
		case '`', '\\':
			return fmt.Errorf("default %q contains %q outside of a string literal", x, c)
		}
	}
	if quote != 0 {
		return fmt.Errorf("default %q has an unterminated quote", x)
	}
	if depth != 0 {
		return fmt.Errorf("default %q has unbalanced parentheses", x)
	}
	return nil
}

// Limits of column sizes, the smallest that all three databases accept.
const (
	maxVarchar          = 65535 // MySQL's row limit; PostgreSQL allows more
	maxDecimalPrecision = 65    // MySQL's limit
)

func (c Column) validate() error {
	if err := checkIdent("column", c.Name); err != nil {
		return err
	}
	switch c.Kind {
	case orm.KindString:
		if c.Size < 1 || c.Size > maxVarchar {
			return fmt.Errorf("column %s: string size %d is outside 1..%d", c.Name, c.Size, maxVarchar)
		}
		if c.Scale != 0 {
			return fmt.Errorf("column %s: a string has no scale", c.Name)
		}
	case orm.KindDecimal:
		if c.Size < 1 || c.Size > maxDecimalPrecision {
			return fmt.Errorf("column %s: decimal precision %d is outside 1..%d", c.Name, c.Size, maxDecimalPrecision)
		}
		if c.Scale < 0 || c.Scale > c.Size {
			return fmt.Errorf("column %s: decimal scale %d is outside 0..%d", c.Name, c.Scale, c.Size)
		}
	case orm.KindBool, orm.KindInt, orm.KindFloat, orm.KindText, orm.KindBytes,
		orm.KindTime, orm.KindDate, orm.KindUUID, orm.KindJSON:
		if c.Size != 0 || c.Scale != 0 {
			return fmt.Errorf("column %s: a %s column has no size or scale", c.Name, c.Kind)
		}
	default:
		return fmt.Errorf("column %s: invalid kind %d", c.Name, int(c.Kind))
	}
	if c.AutoIncrement && (!c.PrimaryKey || c.Kind != orm.KindInt) {
		return fmt.Errorf("column %s: AutoIncrement needs an int primary key", c.Name)
	}
	if c.PrimaryKey && c.Nullable {
		return fmt.Errorf("column %s: a primary key column cannot be nullable", c.Name)
	}
	if c.AutoIncrement && c.Default != "" {
		return fmt.Errorf("column %s: an AutoIncrement column cannot have a default", c.Name)
	}
	if c.Default != "" {
		if err := checkDefault(c.Default); err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
	}
	return nil
}

func checkColumnList(t *Table, what string, cols []string) error {
	if len(cols) == 0 {
		return fmt.Errorf("%s has no columns", what)
	}
	for i, c := range cols {
		if t.Column(c) == nil {
			return fmt.Errorf("%s: table %s has no column %q", what, t.Name, c)
		}
		if slices.Contains(cols[:i], c) {
			return fmt.Errorf("%s: column %s listed twice", what, c)
		}
	}
	return nil
}

// validateIndex checks an index against its table t within schema s (t need not be in s yet).
func validateIndex(s *Schema, t *Table, ix Index) error {
	if err := checkIdent("index", ix.Name); err != nil {
		return err
	}
	if owner := s.objectOwner(ix.Name); owner != "" {
		return fmt.Errorf("index %s: an index or foreign key of table %s already has that name", ix.Name, owner)
	}
	return checkColumnList(t, "index "+ix.Name, ix.Columns)
}

// validateForeignKey checks a foreign key of table t within schema s. The referenced table
// may be t itself.
func validateForeignKey(s *Schema, t *Table, fk ForeignKey) error {
	if err := checkIdent("foreign key", fk.Name); err != nil {
		return err
	}
	if owner := s.objectOwner(fk.Name); owner != "" {
		return fmt.Errorf("foreign key %s: an index or foreign key of table %s already has that name", fk.Name, owner)
	}
	what := "foreign key " + fk.Name
	if err := checkColumnList(t, what, fk.Columns); err != nil {
		return err
	}
	ref := t
	if fk.RefTable != t.Name {
		if ref = s.Table(fk.RefTable); ref == nil {
			return fmt.Errorf("%s references table %q, which does not exist", what, fk.RefTable)
		}
	}
	if err := checkColumnList(ref, what+" (referenced)", fk.RefColumns); err != nil {
		return err
	}
	if len(fk.RefColumns) != len(fk.Columns) {
		return fmt.Errorf("%s has %d columns but references %d", what, len(fk.Columns), len(fk.RefColumns))
	}
	for i := range fk.Columns {
		c, rc := t.Column(fk.Columns[i]), ref.Column(fk.RefColumns[i])
		if c.Kind != rc.Kind || c.Size != rc.Size || c.Scale != rc.Scale {
			return fmt.Errorf("%s: column %s (%s) does not match the referenced %s.%s (%s)",
				what, c.Name, c.Kind, ref.Name, rc.Name, rc.Kind)
		}
		if fk.OnDelete == orm.SetNull && !c.Nullable {
			return fmt.Errorf("%s: ON DELETE SET NULL needs column %s to be nullable", what, c.Name)
		}
	}
	if !isKey(ref, fk.RefColumns) {
		return fmt.Errorf("%s references %s(%s), which is neither its primary key nor a unique index",
			what, ref.Name, strings.Join(fk.RefColumns, ", "))
	}
	switch fk.OnDelete {
	case orm.NoAction, orm.Cascade, orm.SetNull, orm.Restrict:
	default:
		return fmt.Errorf("%s: unknown on-delete action %q", what, string(fk.OnDelete))
	}
	return nil
}

// isKey reports whether cols are the primary key or a unique index of t, in any order.
func isKey(t *Table, cols []string) bool {
	same := func(a []string) bool {
		if len(a) != len(cols) {
			return false
		}
		for _, c := range cols {
			if !slices.Contains(a, c) {
				return false
			}
		}
		return true
	}
	if same(t.PrimaryKey()) {
		return true
	}
	for _, ix := range t.Indexes {
		if ix.Unique && same(ix.Columns) {
			return true
		}
	}
	return false
}

// validateTable checks a whole new table against schema s, which does not contain it yet.
func validateTable(s *Schema, t *Table) error {
	if err := checkIdent("table", t.Name); err != nil {
		return err
	}
	if s.Table(t.Name) != nil {
		return fmt.Errorf("table %s already exists", t.Name)
	}
	if len(t.Columns) == 0 {
		return fmt.Errorf("table %s has no columns", t.Name)
	}
	pk, auto := 0, 0
	for i, c := range t.Columns {
		if err := c.validate(); err != nil {
			return err
		}
		if t.Column(c.Name) != &t.Columns[i] {
			return fmt.Errorf("column %s is defined twice", c.Name)
		}
		if c.PrimaryKey {
			pk++
		}
		if c.AutoIncrement {
			auto++
		}
	}
	if auto > 0 && pk != 1 {
		return errors.New("an AutoIncrement column must be the only primary key column")
	}
	// Check indexes and keys one by one against a scratch schema holding the table, so that
	// names within the table are unique too and self-references resolve.
	scratch := &Schema{Tables: append(slices.Clip(s.Tables), Table{Name: t.Name, Columns: t.Columns})}
	self := &scratch.Tables[len(scratch.Tables)-1]
	for _, ix := range t.Indexes {
		if err := validateIndex(scratch, self, ix); err != nil {
			return err
		}
		self.Indexes = append(self.Indexes, ix)
	}
	for _, fk := range t.ForeignKeys {
		if err := validateForeignKey(scratch, self, fk); err != nil {
			return err
		}
		self.ForeignKeys = append(self.ForeignKeys, fk)
	}
	return nil
}
