package orm

import (
	"context"
	"strings"
	"unsafe"
)

// translate turns a driver error into the ORM's typed errors through the dialect, then
// completes what the database did not report (the table, the columns of a named
// constraint) from the registry. m is the model the statement was about, if known.
func (db *DB) translate(err error, m *model) error {
	if err == nil {
		return nil
	}
	terr := db.d.TranslateError(err)
	if terr == err {
		return err
	}
	cons := db.reg.state.Load().constraints
	table := ""
	if m != nil {
		table = m.meta.Table
	}
	lookup := func(constraint, tbl string) ([]string, string) {
		if constraint == "" {
			return nil, tbl
		}
		if ci, ok := cons[constraint]; ok {
			if tbl == "" {
				tbl = ci.table
			}
			return ci.columns, tbl
		}
		if strings.EqualFold(constraint, "PRIMARY") {
			t := tbl
			if t == "" {
				t = table
			}
			if pm := db.reg.Table(t); pm != nil {
				var cols []string
				for _, f := range pm.PrimaryKey {
					cols = append(cols, f.Column)
				}
				return cols, t
			}
		}
		return nil, tbl
	}
	switch v := terr.(type) {
	case *UniqueViolation:
		if len(v.Columns) == 0 {
			v.Columns, v.Table = lookup(v.Constraint, v.Table)
		}
		if v.Table == "" {
			v.Table = table
		}
	case *ForeignKeyViolation:
		if len(v.Columns) == 0 {
			v.Columns, v.Table = lookup(v.Constraint, v.Table)
		}
		if v.Table == "" && v.Constraint == "" {
			v.Table = table
		}
	case *NotNullViolation:
		if v.Table == "" {
			v.Table = table
		}
	case *CheckViolation:
		if v.Column == "" {
			var cols []string
			cols, v.Table = lookup(v.Constraint, v.Table)
			if len(cols) == 1 {
				v.Column = cols[0]
			}
		}
		if v.Table == "" {
			v.Table = table
		}
	case *ValueError:
		if v.Model == "" && m != nil {
			v.Model = m.meta.Name
			if f := m.meta.Field(v.Column); f != nil {
				v.Field = f.Name
			}
		}
	}
	return terr
}

// completeFK fills the columns of a foreign key violation the database reported without
// them (SQLite says only "FOREIGN KEY constraint failed"), by checking which reference of
// the row at base (of model m) is missing, or, for a delete, which table still references
// it. It runs only on the error path.
func (db *DB) completeFK(ctx context.Context, ex executor, err error, m *model, base unsafe.Pointer, deleting bool) error {
	fk, ok := err.(*ForeignKeyViolation)
	if !ok || len(fk.Columns) > 0 || m == nil {
		return err
	}
	if deleting {
		pk, perr := db.bindValue(m.pk, base)
		if perr != nil {
			return err
		}
		for _, other := range db.reg.Models() {
			for _, f := range other.Fields {
				if f.ForeignKey == nil || f.ForeignKey.Table != m.meta.Table || f.ForeignKey.OnDelete == Cascade || f.ForeignKey.OnDelete == SetNull {
					continue
				}
				q := "SELECT 1 FROM " + db.d.Quote(other.Table) + " WHERE " + db.d.Quote(f.Column) + " = " + db.d.Placeholder(1) + " LIMIT 1"
				var one int
				if ex.QueryRowContext(ctx, q, pk).Scan(&one) == nil {
					fk.Table, fk.Columns, fk.Constraint = other.Table, []string{f.Column}, f.ForeignKey.Name
					return fk
				}
			}
		}
		return err
	}
	for _, c := range m.cols {
		if c.fkTarget == nil {
			continue
		}
		v, verr := db.bindValue(c, base)
		if verr != nil || v == nil {
			continue
		}
		t := c.fkTarget
		q := "SELECT 1 FROM " + db.d.Quote(t.meta.Table) + " WHERE " + db.d.Quote(t.pk.f.Column) + " = " + db.d.Placeholder(1)
		var one int
		if ex.QueryRowContext(ctx, q, v).Scan(&one) != nil {
			fk.Table, fk.Columns, fk.Constraint = m.meta.Table, []string{c.f.Column}, c.f.ForeignKey.Name
			return fk
		}
	}
	return err
}
