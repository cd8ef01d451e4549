package migrate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/format"
	"strconv"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// Import paths written into generated files.
const (
	migratePath = "github.com/sinewdev/sinew/migrate"
	ormPath     = "github.com/sinewdev/sinew/orm"
)

// renderer writes operations as Go composite literals. The same text feeds the checksum,
// so a checksum changes exactly when the operations change, not when a file is reformatted
// or commented.
type renderer struct {
	b       bytes.Buffer
	usesORM bool
}

func (r *renderer) printf(format string, args ...any) { fmt.Fprintf(&r.b, format, args...) }

var kindIdents = map[orm.Kind]string{
	orm.KindBool: "KindBool", orm.KindInt: "KindInt", orm.KindFloat: "KindFloat",
	orm.KindDecimal: "KindDecimal", orm.KindString: "KindString", orm.KindText: "KindText",
	orm.KindBytes: "KindBytes", orm.KindTime: "KindTime", orm.KindDate: "KindDate",
	orm.KindUUID: "KindUUID", orm.KindJSON: "KindJSON",
}

func (r *renderer) kind(k orm.Kind) string {
	r.usesORM = true
	if id, ok := kindIdents[k]; ok {
		return "orm." + id
	}
	return fmt.Sprintf("orm.Kind(%d)", int(k))
}

func (r *renderer) action(a orm.Action) string {
	r.usesORM = true
	switch a {
	case orm.Cascade:
		return "orm.Cascade"
	case orm.SetNull:
		return "orm.SetNull"
	case orm.Restrict:
		return "orm.Restrict"
	}
	return "orm.Action(" + strconv.Quote(string(a)) + ")"
}

func strs(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

// sqlString quotes SQL text, as a raw string when that reads better.
func sqlString(s string) string {
	if strings.ContainsAny(s, "\n\"") && !strings.ContainsAny(s, "`\r") && strconv.CanBackquote(strings.ReplaceAll(s, "\n", "")) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

func (r *renderer) column(c Column) string {
	parts := []string{"Name: " + strconv.Quote(c.Name), "Kind: " + r.kind(c.Kind)}
	if c.Size != 0 {
		parts = append(parts, "Size: "+strconv.Itoa(c.Size))
	}
	if c.Scale != 0 {
		parts = append(parts, "Scale: "+strconv.Itoa(c.Scale))
	}
	if c.Nullable {
		parts = append(parts, "Nullable: true")
	}
	if c.Default != "" {
		parts = append(parts, "Default: "+strconv.Quote(c.Default))
	}
	if c.PrimaryKey {
		parts = append(parts, "PrimaryKey: true")
	}
	if c.AutoIncrement {
		parts = append(parts, "AutoIncrement: true")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (r *renderer) index(ix Index) string {
	s := "{Name: " + strconv.Quote(ix.Name) + ", Columns: " + strs(ix.Columns)
	if ix.Unique {
		s += ", Unique: true"
	}
	return s + "}"
}

func (r *renderer) foreignKey(fk ForeignKey) string {
	s := "{Name: " + strconv.Quote(fk.Name) + ", Columns: " + strs(fk.Columns) +
		", RefTable: " + strconv.Quote(fk.RefTable) + ", RefColumns: " + strs(fk.RefColumns)
	if fk.OnDelete != orm.NoAction {
		s += ", OnDelete: " + r.action(fk.OnDelete)
	}
	return s + "}"
}

// op writes one operation followed by a comma and a newline.
func (r *renderer) op(op Operation) error {
	switch op := op.(type) {
	case CreateTable:
		r.printf("migrate.CreateTable{\nName: %q,\nColumns: []migrate.Column{\n", op.Name)
		for _, c := range op.Columns {
			r.printf("%s,\n", r.column(c))
		}
		r.printf("},\n")
		if len(op.Indexes) > 0 {
			r.printf("Indexes: []migrate.Index{\n")
			for _, ix := range op.Indexes {
				r.printf("%s,\n", r.index(ix))
			}
			r.printf("},\n")
		}
		if len(op.ForeignKeys) > 0 {
			r.printf("ForeignKeys: []migrate.ForeignKey{\n")
			for _, fk := range op.ForeignKeys {
				r.printf("%s,\n", r.foreignKey(fk))
			}
			r.printf("},\n")
		}
		r.printf("},\n")
	case DropTable:
		r.printf("migrate.DropTable{Name: %q},\n", op.Name)
	case RenameTable:
		r.printf("migrate.RenameTable{From: %q, To: %q},\n", op.From, op.To)
	case AddColumn:
		r.printf("migrate.AddColumn{Table: %q, Column: migrate.Column%s},\n", op.Table, r.column(op.Column))
	case DropColumn:
		r.printf("migrate.DropColumn{Table: %q, Name: %q},\n", op.Table, op.Name)
	case RenameColumn:
		r.printf("migrate.RenameColumn{Table: %q, From: %q, To: %q},\n", op.Table, op.From, op.To)
	case AlterColumn:
		r.printf("migrate.AlterColumn{Table: %q, Column: migrate.Column%s},\n", op.Table, r.column(op.Column))
	case AddIndex:
		r.printf("migrate.AddIndex{Table: %q, Name: %q, Columns: %s", op.Table, op.Name, strs(op.Columns))
		if op.Unique {
			r.printf(", Unique: true")
		}
		r.printf("},\n")
	case DropIndex:
		r.printf("migrate.DropIndex{Table: %q, Name: %q},\n", op.Table, op.Name)
	case AddForeignKey:
		r.printf("migrate.AddForeignKey{Table: %q, ForeignKey: migrate.ForeignKey%s},\n", op.Table, r.foreignKey(op.ForeignKey))
	case DropForeignKey:
		r.printf("migrate.DropForeignKey{Table: %q, Name: %q},\n", op.Table, op.Name)
	case RunSQL:
		r.printf("migrate.RunSQL{\nUp: %s,\n", sqlString(op.Up))
		if op.Down != "" {
			r.printf("Down: %s,\n", sqlString(op.Down))
		}
		if op.Dialect != "" {
			r.printf("Dialect: %q,\n", op.Dialect)
		}
		r.printf("},\n")
	default:
		return fmt.Errorf("migrate: cannot render operation of type %T", op)
	}
	return nil
}

// Checksum returns the SHA-256 (hex) of the migration's operations in canonical form. It
// changes when an operation changes, and not when the file is reformatted or commented.
func (m Migration) Checksum() string {
	var r renderer
	for _, op := range m.Operations {
		if err := r.op(op); err != nil {
			// Only foreign Operation implementations fail, and none exist outside this
			// package; hash their description so the checksum stays defined.
			r.printf("%T %s\n", op, op.Describe())
		}
	}
	sum := sha256.Sum256(r.b.Bytes())
	return hex.EncodeToString(sum[:])
}

// Render returns the Go source of a migration file declaring m in package pkg, gofmt-formatted.
func Render(m Migration, pkg string) ([]byte, error) {
	n, err := ParseName(m.Name)
	if err != nil {
		return nil, err
	}
	if err := checkIdent("package", pkg); err != nil {
		return nil, err
	}
	var body renderer
	for _, op := range m.Operations {
		if err := body.op(op); err != nil {
			return nil, err
		}
	}
	var r renderer
	r.printf("package %s\n\n", pkg)
	if body.usesORM {
		r.printf("import (\n%q\n%q\n)\n\n", migratePath, ormPath)
	} else {
		r.printf("import %q\n\n", migratePath)
	}
	r.printf("// %s was written by makemigrations; review and edit it before it is applied.\n", n.ident())
	if len(m.Operations) > 0 {
		r.printf("//\n")
		for _, op := range m.Operations {
			r.printf("//   - %s\n", strings.ReplaceAll(op.Describe(), "\n", " "))
		}
	}
	r.printf("var %s = migrate.Migration{\nName: %q,\nOperations: []migrate.Operation{\n", n.ident(), m.Name)
	r.b.Write(body.b.Bytes())
	r.printf("},\n}\n")
	return gofmt(r.b.Bytes())
}

// renderIndex returns the source of migrations.go, which lists the migrations in order.
func renderIndex(names []string, pkg string) ([]byte, error) {
	if err := checkIdent("package", pkg); err != nil {
		return nil, err
	}
	var r renderer
	r.printf("// Code generated by makemigrations. DO NOT EDIT.\n\n")
	r.printf("package %s\n\nimport %q\n\n", pkg, migratePath)
	r.printf("// All lists the migrations in the order they apply. Pass it to the app, which runs them\n")
	r.printf("// with migrate.New(...).Apply or the migrate subcommand.\n")
	r.printf("var All = []migrate.Migration{\n")
	for _, name := range names {
		n, err := ParseName(name)
		if err != nil {
			return nil, err
		}
		r.printf("%s,\n", n.ident())
	}
	r.printf("}\n")
	return gofmt(r.b.Bytes())
}

func gofmt(src []byte) ([]byte, error) {
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("migrate: formatting generated source: %w", err)
	}
	return out, nil
}
