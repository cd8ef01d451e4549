package migrate

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// renameKey is the struct tag key that declares a column's previous name:
//
//	DisplayName string `orm:"renamed_from=name"`
const renameKey = "renamed_from"

// RenamedFrom parses the `orm` struct tag and returns the value of its renamed_from option,
// "" when there is none. It follows the orm tag grammar: comma-separated options
// key[=value], a value either bare or in single quotes (” for a quote, commas allowed).
// Other options are the orm package's business and are skipped. A malformed tag or
// renamed_from value is an error.
func RenamedFrom(tag reflect.StructTag) (string, error) {
	v, ok := tag.Lookup("orm")
	if !ok {
		return "", nil
	}
	found := ""
	for i := 0; i < len(v); {
		start := i
		for i < len(v) && v[i] != '=' && v[i] != ',' {
			i++
		}
		key := strings.TrimSpace(v[start:i])
		val := ""
		if i < len(v) && v[i] == '=' {
			i++
			for i < len(v) && v[i] == ' ' {
				i++
			}
			if i < len(v) && v[i] == '\'' {
				var b strings.Builder
				closed := false
				for i++; i < len(v); i++ {
					if v[i] == '\'' {
						if i+1 < len(v) && v[i+1] == '\'' {
							b.WriteByte('\'')
							i++
							continue
						}
						i++
						closed = true
						break
					}
					b.WriteByte(v[i])
				}
				if !closed {
					return "", fmt.Errorf("orm tag %q: unterminated quote", trimForError(v))
				}
				val = b.String()
				for i < len(v) && v[i] == ' ' {
					i++
				}
				if i < len(v) && v[i] != ',' {
					return "", fmt.Errorf("orm tag %q: text after a quoted value", trimForError(v))
				}
			} else {
				start = i
				for i < len(v) && v[i] != ',' {
					i++
				}
				val = strings.TrimSpace(v[start:i])
			}
		}
		i++ // skip the comma
		if key != renameKey {
			continue
		}
		if err := checkIdent("renamed_from column", val); err != nil {
			return "", err
		}
		if found != "" {
			return "", fmt.Errorf("%s appears twice", renameKey)
		}
		found = val
	}
	return found, nil
}

// structField returns the struct field at path in t, or false when the path does not fit
// (metadata built by hand may carry no path).
func structField(t reflect.Type, path []int) (reflect.StructField, bool) {
	var f reflect.StructField
	if t == nil || len(path) == 0 {
		return f, false
	}
	for _, i := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || i < 0 || i >= t.NumField() {
			return f, false
		}
		f = t.Field(i)
		t = f.Type
	}
	return f, true
}

// modelRenames collects the column renames declared by `renamed_from` tags.
func modelRenames(models []*orm.Meta) ([]Operation, error) {
	var out []Operation
	for _, m := range models {
		if m == nil {
			continue
		}
		for _, f := range m.Fields {
			if f == nil {
				continue
			}
			sf, ok := structField(m.Type, f.Path)
			if !ok {
				continue
			}
			from, err := RenamedFrom(sf.Tag)
			if err != nil {
				return nil, fmt.Errorf("migrate: model %s, field %s: %w", m.Name, f.Name, err)
			}
			if from != "" && from != f.Column {
				out = append(out, RenameColumn{Table: m.Table, From: from, To: f.Column})
			}
		}
	}
	return out, nil
}

// ParseRename parses a rename declared on the command line: "old=new" renames a table,
// "table.old=new" renames a column of table (the table's current name).
func ParseRename(s string) (Operation, error) {
	left, to, ok := strings.Cut(s, "=")
	if !ok {
		return nil, fmt.Errorf("%w: rename %q: want old=new or table.old=new", ErrUsage, trimForError(s))
	}
	table, from, isColumn := strings.Cut(left, ".")
	if !isColumn {
		from, table = table, ""
	}
	for _, id := range []struct{ what, v string }{{"table", table}, {"old", from}, {"new", to}} {
		if id.what == "table" && !isColumn {
			continue
		}
		if err := checkIdent(id.what, id.v); err != nil {
			return nil, fmt.Errorf("%w: rename %q: %v", ErrUsage, trimForError(s), err)
		}
	}
	if from == to {
		return nil, fmt.Errorf("%w: rename %q: old and new names are the same", ErrUsage, trimForError(s))
	}
	if isColumn {
		return RenameColumn{Table: table, From: from, To: to}, nil
	}
	return RenameTable{From: from, To: to}, nil
}
