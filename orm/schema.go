package orm

import (
	"context"
	"fmt"
	"strings"
)

// CreateTables creates the tables, constraints and indexes of every registered model and
// join table that does not exist yet, using the dialect's canonical column types. It never
// alters or drops anything: it is meant for tests and quick starts. Use the migrate package
// to evolve a real schema.
func (db *DB) CreateTables(ctx context.Context) error {
	metas := db.reg.Models()
	order, deferred := createOrder(metas, db.d.Name() == "sqlite")
	created := map[string]bool{}
	for _, m := range order {
		exists, err := db.tableExists(ctx, m.Table)
		if err != nil {
			return err
		}
		if exists {
			continue
		}
		for _, stmt := range db.createTableSQL(m, deferred) {
			if _, err := db.execute(ctx, db.writer, nil, stmt, nil); err != nil {
				return fmt.Errorf("orm: creating table %s: %w", m.Table, err)
			}
		}
		created[m.Table] = true
	}
	for _, m := range order {
		if !created[m.Table] {
			continue
		}
		for _, f := range m.Fields {
			if f.ForeignKey == nil || !deferred[m.Table+"."+f.Column] {
				continue
			}
			stmt := "ALTER TABLE " + db.d.Quote(m.Table) + " ADD " + db.fkClause(f)
			if _, err := db.execute(ctx, db.writer, nil, stmt, nil); err != nil {
				return fmt.Errorf("orm: adding foreign key %s: %w", f.ForeignKey.Name, err)
			}
		}
	}
	return nil
}

func (db *DB) tableExists(ctx context.Context, table string) (bool, error) {
	rows, err := db.writer.QueryContext(ctx, "SELECT 1 FROM "+db.d.Quote(table)+" WHERE 1=0")
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil
	}
	return true, rows.Close()
}

// createOrder sorts tables so that referenced tables come first. Foreign keys that close a
// cycle are returned in deferred (as "table.column") to be added by ALTER TABLE, except on
// SQLite, which accepts references to tables created later.
func createOrder(metas []*Meta, lazyFK bool) ([]*Meta, map[string]bool) {
	byTable := map[string]*Meta{}
	for _, m := range metas {
		byTable[m.Table] = m
	}
	deferred := map[string]bool{}
	state := map[string]int{} // 1 visiting, 2 done
	var order []*Meta
	var visit func(m *Meta)
	visit = func(m *Meta) {
		state[m.Table] = 1
		for _, f := range m.Fields {
			fk := f.ForeignKey
			if fk == nil || fk.Table == m.Table {
				continue
			}
			ref := byTable[fk.Table]
			if ref == nil {
				continue
			}
			switch state[ref.Table] {
			case 0:
				visit(ref)
			case 1:
				if !lazyFK {
					deferred[m.Table+"."+f.Column] = true
				}
			}
		}
		state[m.Table] = 2
		order = append(order, m)
	}
	for _, m := range metas {
		if state[m.Table] == 0 {
			visit(m)
		}
	}
	return order, deferred
}

// createTableSQL returns CREATE TABLE and CREATE INDEX statements for m.
func (db *DB) createTableSQL(m *Meta, deferred map[string]bool) []string {
	d, feat := db.d, db.feat
	var defs []string
	for _, f := range m.Fields {
		if f.PrimaryKey && f.AutoIncrement {
			defs = append(defs, d.Quote(f.Column)+" "+d.IdentityColumn(f))
			continue
		}
		def := d.Quote(f.Column) + " " + d.ColumnType(f)
		if !f.Nullable {
			def += " NOT NULL"
		}
		if f.HasDefault {
			lit := f.Default
			if feat.ExpressionDefaults && (f.Kind == KindText || f.Kind == KindJSON || f.Kind == KindBytes) {
				lit = "(" + lit + ")"
			}
			def += " DEFAULT " + lit
		}
		defs = append(defs, def)
	}
	if m.PK == nil || !m.PK.AutoIncrement {
		var cols []string
		for _, f := range m.PrimaryKey {
			cols = append(cols, d.Quote(f.Column))
		}
		defs = append(defs, "PRIMARY KEY ("+strings.Join(cols, ", ")+")")
	}
	var after []string
	for _, ix := range m.Indexes {
		cols := make([]string, len(ix.Columns))
		for i, c := range ix.Columns {
			cols[i] = d.Quote(c)
		}
		list := "(" + strings.Join(cols, ", ") + ")"
		switch {
		case ix.Unique:
			defs = append(defs, "CONSTRAINT "+d.Quote(ix.Name)+" UNIQUE "+list)
		case feat.InlineIndexes:
			defs = append(defs, "INDEX "+d.Quote(ix.Name)+" "+list)
		default:
			after = append(after, "CREATE INDEX IF NOT EXISTS "+d.Quote(ix.Name)+" ON "+d.Quote(m.Table)+" "+list)
		}
	}
	for _, f := range m.Fields {
		if f.ForeignKey != nil && !deferred[m.Table+"."+f.Column] {
			defs = append(defs, db.fkClause(f))
		}
	}
	stmt := "CREATE TABLE IF NOT EXISTS " + d.Quote(m.Table) + " (\n\t" + strings.Join(defs, ",\n\t") + "\n)"
	if feat.TableOptions != "" {
		stmt += " " + feat.TableOptions
	}
	return append([]string{stmt}, after...)
}

func (db *DB) fkClause(f *Field) string {
	d := db.d
	fk := f.ForeignKey
	s := "CONSTRAINT " + d.Quote(fk.Name) + " FOREIGN KEY (" + d.Quote(f.Column) + ") REFERENCES " +
		d.Quote(fk.Table) + " (" + d.Quote(fk.Column) + ")"
	if fk.OnDelete != NoAction {
		s += " ON DELETE " + string(fk.OnDelete)
	}
	return s
}
