package migrate

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	amigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/mysql"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlite"

	"github.com/sinewdev/sinew/orm"
)

// step is one SQL statement of a plan, with what undoes it.
type step struct {
	op       int    // index of the operation in the migration
	sql      string // the statement
	undo     []string
	undoable bool // undo is known (it may be empty for statements that need no undo)
	// covered marks an early statement of a RunSQL whose Down (the undo of its last
	// statement) undoes it: it needs no undo of its own once the operation completed.
	covered bool
	// script marks the statements of a RunSQL, which MySQL runs in a transaction of their
	// own so that a failure rolls back their data changes.
	script bool
}

// planner turns operations into SQL for one database with atlas's dialect planners.
type planner struct {
	name    string // "sqlite", "postgres" or "mysql"
	dialect orm.Dialect
	atlas   amigrate.PlanApplier
	parse   func(string) (schema.Type, error)
}

// newPlanner opens atlas's driver for the dialect over db. PostgreSQL and MySQL drivers
// query the server version, which decides the syntax they plan.
func newPlanner(db schema.ExecQuerier, d orm.Dialect) (*planner, error) {
	p := &planner{name: d.Name(), dialect: d}
	var (
		drv amigrate.Driver
		err error
	)
	switch p.name {
	case "sqlite":
		drv, err = sqlite.Open(db)
		p.parse = sqlite.ParseType
	case "postgres":
		drv, err = postgres.Open(db)
		p.parse = postgres.ParseType
	case "mysql":
		drv, err = mysql.Open(db)
		p.parse = mysql.ParseType
	default:
		return nil, fmt.Errorf("migrate: unsupported dialect %q (want sqlite, postgres or mysql)", p.name)
	}
	if err != nil {
		return nil, fmt.Errorf("migrate: opening the %s schema driver: %w", p.name, err)
	}
	p.atlas = drv
	return p, nil
}

// columnType returns the atlas type of a column, from the dialect's canonical type.
func (p *planner) columnType(c Column) (schema.Type, string, error) {
	raw := p.dialect.ColumnType(&orm.Field{
		Name: c.Name, Column: c.Name, Kind: c.Kind, Size: c.Size, Scale: c.Scale,
		Nullable: c.Nullable, PrimaryKey: c.PrimaryKey, AutoIncrement: c.AutoIncrement,
	})
	if raw == "" {
		return nil, "", fmt.Errorf("column %s: dialect %s has no type for kind %s", c.Name, p.name, c.Kind)
	}
	t, err := p.parse(strings.ToLower(raw))
	if err != nil {
		return nil, "", fmt.Errorf("column %s: type %q: %w", c.Name, raw, err)
	}
	if _, ok := t.(*schema.UnsupportedType); ok {
		return nil, "", fmt.Errorf("column %s: type %q is not understood by the %s planner", c.Name, raw, p.name)
	}
	// atlas writes SQLite strings without their length; keep the declared type as written.
	if st, ok := t.(*schema.StringType); ok && p.name == "sqlite" && st.Size > 0 {
		t = &sqlite.UserDefinedType{T: strings.ToLower(raw)}
	}
	return t, raw, nil
}

// isLiteral reports whether a default is a constant: a quoted string, a number, TRUE,
// FALSE or NULL.
func isLiteral(x string) bool {
	if len(x) >= 2 && x[0] == '\'' && x[len(x)-1] == '\'' {
		return true
	}
	if _, err := strconv.ParseFloat(x, 64); err == nil {
		return true
	}
	switch strings.ToUpper(x) {
	case "TRUE", "FALSE", "NULL":
		return true
	}
	return false
}

// column converts a column definition to atlas's.
func (p *planner) column(c Column) (*schema.Column, error) {
	t, raw, err := p.columnType(c)
	if err != nil {
		return nil, err
	}
	ac := &schema.Column{Name: c.Name, Type: &schema.ColumnType{Type: t, Raw: raw, Null: c.Nullable}}
	if c.Default != "" {
		if p.name == "sqlite" && isLiteral(c.Default) {
			// A literal keeps ALTER TABLE ADD COLUMN possible; SQLite refuses expressions there.
			ac.Default = &schema.Literal{V: c.Default}
		} else {
			ac.Default = &schema.RawExpr{X: c.Default}
		}
	}
	if c.AutoIncrement {
		switch p.name {
		case "sqlite":
			ac.Attrs = append(ac.Attrs, &sqlite.AutoIncrement{})
		case "postgres":
			ac.Attrs = append(ac.Attrs, &postgres.Identity{Generation: "BY DEFAULT", Sequence: &postgres.Sequence{Start: 1, Increment: 1}})
		case "mysql":
			ac.Attrs = append(ac.Attrs, &mysql.AutoIncrement{})
		}
	}
	return ac, nil
}

// realm converts a schema to atlas tables, keyed by name, with foreign keys resolved.
func (p *planner) realm(s *Schema) (map[string]*schema.Table, error) {
	tables := make(map[string]*schema.Table, len(s.Tables))
	for _, t := range s.Tables {
		at := &schema.Table{Name: t.Name}
		var pk []*schema.IndexPart
		for _, c := range t.Columns {
			ac, err := p.column(c)
			if err != nil {
				return nil, fmt.Errorf("table %s: %w", t.Name, err)
			}
			at.Columns = append(at.Columns, ac)
			if c.PrimaryKey {
				pk = append(pk, &schema.IndexPart{SeqNo: len(pk), C: ac})
			}
		}
		if len(pk) > 0 {
			at.PrimaryKey = &schema.Index{Unique: true, Table: at, Parts: pk}
		}
		for _, ix := range t.Indexes {
			at.Indexes = append(at.Indexes, p.index(at, ix))
		}
		tables[t.Name] = at
	}
	for _, t := range s.Tables {
		at := tables[t.Name]
		for _, fk := range t.ForeignKeys {
			afk, err := p.foreignKey(tables, at, fk)
			if err != nil {
				return nil, err
			}
			at.ForeignKeys = append(at.ForeignKeys, afk)
		}
	}
	return tables, nil
}

func (p *planner) index(at *schema.Table, ix Index) *schema.Index {
	ai := &schema.Index{Name: ix.Name, Unique: ix.Unique, Table: at}
	for i, c := range ix.Columns {
		ai.Parts = append(ai.Parts, &schema.IndexPart{SeqNo: i, C: acol(at, c)})
	}
	return ai
}

func (p *planner) foreignKey(tables map[string]*schema.Table, at *schema.Table, fk ForeignKey) (*schema.ForeignKey, error) {
	ref := tables[fk.RefTable]
	if ref == nil {
		return nil, fmt.Errorf("foreign key %s references missing table %s", fk.Name, fk.RefTable)
	}
	out := &schema.ForeignKey{Symbol: fk.Name, Table: at, RefTable: ref, OnDelete: schema.ReferenceOption(fk.OnDelete)}
	for _, c := range fk.Columns {
		out.Columns = append(out.Columns, acol(at, c))
	}
	for _, c := range fk.RefColumns {
		out.RefColumns = append(out.RefColumns, acol(ref, c))
	}
	return out, nil
}

// changes converts one operation, given the schemas before and after it, to atlas changes.
// RunSQL returns no changes: its statements are taken as written.
func (p *planner) changes(op Operation, before, after *Schema) ([]schema.Change, error) {
	if _, ok := op.(RunSQL); ok {
		return nil, nil
	}
	b, err := p.realm(before)
	if err != nil {
		return nil, err
	}
	a, err := p.realm(after)
	if err != nil {
		return nil, err
	}
	modify := func(table string, c schema.Change) []schema.Change {
		return []schema.Change{&schema.ModifyTable{T: a[table], Changes: []schema.Change{c}}}
	}
	switch op := op.(type) {
	case CreateTable:
		return []schema.Change{&schema.AddTable{T: a[op.Name]}}, nil
	case DropTable:
		return []schema.Change{&schema.DropTable{T: b[op.Name]}}, nil
	case RenameTable:
		return []schema.Change{&schema.RenameTable{From: b[op.From], To: a[op.To]}}, nil
	case AddColumn:
		c := acol(a[op.Table], op.Column.Name)
		if p.name == "sqlite" && !op.Column.Nullable && op.Column.Default == "" {
			// SQLite refuses ALTER TABLE ADD COLUMN ... NOT NULL without a default even on an
			// empty table; a column with indexes makes atlas rebuild the table instead, which
			// works on an empty table and fails on rows without a value, like elsewhere. The
			// index list is only read by atlas's planner and never written as SQL.
			c = &schema.Column{Name: c.Name, Type: c.Type, Attrs: c.Attrs, Indexes: []*schema.Index{{}}}
		}
		return modify(op.Table, &schema.AddColumn{C: c}), nil
	case DropColumn:
		return modify(op.Table, &schema.DropColumn{C: acol(b[op.Table], op.Name)}), nil
	case RenameColumn:
		return modify(op.Table, &schema.RenameColumn{From: acol(b[op.Table], op.From), To: acol(a[op.Table], op.To)}), nil
	case AlterColumn:
		from := before.Table(op.Table).Column(op.Column.Name)
		mc := &schema.ModifyColumn{From: acol(b[op.Table], op.Column.Name), To: acol(a[op.Table], op.Column.Name)}
		if from.Kind != op.Column.Kind || from.Size != op.Column.Size || from.Scale != op.Column.Scale {
			mc.Change |= schema.ChangeType
			if p.name == "postgres" {
				t, err := postgres.FormatType(mc.To.Type.Type)
				if err != nil {
					return nil, err
				}
				mc.Extra = append(mc.Extra, &postgres.ConvertUsing{X: p.dialect.Quote(op.Column.Name) + "::" + t})
			}
		}
		if from.Nullable != op.Column.Nullable {
			mc.Change |= schema.ChangeNull
		}
		if from.Default != op.Column.Default {
			mc.Change |= schema.ChangeDefault
		}
		return modify(op.Table, mc), nil
	case AddIndex:
		return modify(op.Table, &schema.AddIndex{I: aindex(a[op.Table], op.Name)}), nil
	case DropIndex:
		return modify(op.Table, &schema.DropIndex{I: aindex(b[op.Table], op.Name)}), nil
	case AddForeignKey:
		return modify(op.Table, &schema.AddForeignKey{F: afk(a[op.Table], op.Name)}), nil
	case DropForeignKey:
		return modify(op.Table, &schema.DropForeignKey{F: afk(b[op.Table], op.Name)}), nil
	}
	return nil, fmt.Errorf("unsupported operation %T", op)
}

// plan returns the statements of a list of operations applied to the schema before them.
// It validates each operation against the state as it goes.
func (p *planner) plan(ctx context.Context, name string, before *Schema, ops []Operation) ([]step, error) {
	s := before.clone()
	var steps []step
	for i, op := range ops {
		if op == nil {
			return nil, &OperationError{Migration: name, Index: i, Err: fmt.Errorf("nil operation")}
		}
		after := s.clone()
		if err := op.apply(after); err != nil {
			return nil, &OperationError{Migration: name, Index: i, Op: op.Describe(), Err: err}
		}
		st, err := p.opSteps(ctx, name, op, s, after)
		if err != nil {
			return nil, &OperationError{Migration: name, Index: i, Op: op.Describe(), Err: err}
		}
		for j := range st {
			st[j].op = i
		}
		steps = append(steps, st...)
		s = after
	}
	return steps, nil
}

func (p *planner) opSteps(ctx context.Context, name string, op Operation, before, after *Schema) ([]step, error) {
	if r, ok := op.(RunSQL); ok {
		return p.sqlSteps(r)
	}
	changes, err := p.changes(op, before, after)
	if err != nil {
		return nil, err
	}
	plan, err := p.atlas.PlanChanges(ctx, name, changes)
	if err != nil {
		return nil, fmt.Errorf("planning %s: %w", p.name, err)
	}
	var steps []step
	if op, ok := op.(AlterColumn); ok && p.name != "sqlite" {
		// NULL to NOT NULL with a default: fill the NULLs with the default first, as
		// PostgreSQL and MySQL refuse the change otherwise. (SQLite's rebuild copies the rows
		// with IFNULL.) The filled values stay on rollback.
		old := before.Table(op.Table).Column(op.Column.Name)
		if old.Nullable && !op.Column.Nullable && op.Column.Default != "" {
			q := p.dialect.Quote
			steps = append(steps, step{
				sql:      fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s IS NULL", q(op.Table), q(op.Column.Name), op.Column.Default, q(op.Column.Name)),
				undoable: true,
			})
		}
	}
	for _, c := range plan.Changes {
		if p.name == "sqlite" && strings.HasPrefix(c.Cmd, "PRAGMA foreign_keys") {
			// No-ops inside a transaction; the runner turns enforcement off around it.
			continue
		}
		undo, err := c.ReverseStmts()
		if err != nil {
			return nil, err
		}
		steps = append(steps, step{sql: c.Cmd, undo: undo, undoable: len(undo) > 0})
	}
	return steps, nil
}

// sqlSteps splits hand-written SQL into statements. The undo of a RunSQL is its Down as a
// whole, which the runner attaches to the operation's last statement.
func (p *planner) sqlSteps(r RunSQL) ([]step, error) {
	if r.Dialect != "" && r.Dialect != p.name {
		return nil, nil
	}
	up, err := splitSQL(r.Up)
	if err != nil {
		return nil, fmt.Errorf("RunSQL.Up: %w", err)
	}
	var down []string
	undoable := true
	switch strings.TrimSpace(r.Down) {
	case "":
		undoable = false
	case Noop:
	default:
		if down, err = splitSQL(r.Down); err != nil {
			return nil, fmt.Errorf("RunSQL.Down: %w", err)
		}
	}
	steps := make([]step, len(up))
	for i, s := range up {
		// Only a completed RunSQL can be undone, by its Down: the earlier statements are
		// covered by the last one's undo.
		steps[i] = step{sql: s, covered: undoable && i < len(up)-1, script: true}
	}
	if len(steps) > 0 {
		steps[len(steps)-1].undo = down
		steps[len(steps)-1].undoable = undoable
	}
	return steps, nil
}

// splitSQL splits a script into statements with atlas's lexer, which understands quotes,
// comments, dollar-quoted bodies and BEGIN ... END blocks.
func splitSQL(script string) ([]string, error) {
	if strings.TrimSpace(script) == Noop {
		return nil, nil
	}
	stmts, err := amigrate.Stmts(script)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(stmts))
	for _, s := range stmts {
		if t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s.Text), ";")); t != "" {
			out = append(out, t)
		}
	}
	return out, nil
}

// acol, aindex and afk look up parts of an atlas table that the conversion created, so
// they exist.
func acol(t *schema.Table, name string) *schema.Column {
	c, _ := t.Column(name)
	return c
}

func aindex(t *schema.Table, name string) *schema.Index {
	ix, _ := t.Index(name)
	return ix
}

func afk(t *schema.Table, name string) *schema.ForeignKey {
	fk, _ := t.ForeignKey(name)
	return fk
}
