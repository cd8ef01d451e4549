package testkit

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sinewdev/sinew/orm"
)

// MaxFixtureSize bounds the fixture files LoadFixtures reads.
const MaxFixtureSize = 8 << 20

// Loader creates the rows of one model from a fixture file: see Rows.
type Loader interface {
	model(db *orm.DB) (*orm.Meta, error)
	create(ctx context.Context, meta *orm.Meta, row *yaml.Node, fx *Fixtures, where string) (any, error)
}

// Rows returns the Loader of model T, for LoadFixtures.
func Rows[T any]() Loader { return rows[T]{} }

type rows[T any] struct{}

func (rows[T]) model(db *orm.DB) (*orm.Meta, error) {
	meta := orm.MetaFor[T](db.Registry())
	if meta == nil {
		return nil, fmt.Errorf("%s is not a registered model", reflect.TypeFor[T]())
	}
	return meta, nil
}

func (rows[T]) create(ctx context.Context, meta *orm.Meta, row *yaml.Node, fx *Fixtures, where string) (any, error) {
	v := new(T)
	if err := setRow(meta, reflect.ValueOf(v).Elem(), row, fx, where); err != nil {
		return nil, err
	}
	if err := orm.Create(ctx, v); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return v, nil
}

// Fixtures holds the rows LoadFixtures created, by model and label.
type Fixtures struct {
	rows map[string]map[string]any // model name → label → *T
}

// Get returns the row of model T labelled label in fx, stopping the test when there is none.
func Get[T any](t testing.TB, fx *Fixtures, label string) *T {
	t.Helper()
	name := reflect.TypeFor[T]().Name()
	v, ok := fx.rows[name][label]
	if !ok {
		t.Fatalf("testkit: no %s fixture labelled %q", name, label)
	}
	return v.(*T)
}

// LoadFixtures creates the rows of the YAML or JSON file at path in db, in one transaction,
// and returns them by label. The file maps model names to their rows, in the order they are
// created; rows are a mapping from labels to fields, or a list (labelled "0", "1", ...):
//
//	Author:
//	  ada: {name: Ada Lovelace, email: ada@example.com}
//	Post:
//	  - {title: Notes, body: "**Hi**", published: true, author: ada}
//
// Fields are named by Go field name or column name. A belongs-to relation ("author") takes
// the label of a row created earlier in the file; its foreign key column is set to that
// row's key. Every model of the file needs a Loader (Rows[Author](), Rows[Post]()). A
// malformed file, an unknown model, field or label, or a row the database refuses stops the
// test naming the file and line, and nothing is created.
func LoadFixtures(t testing.TB, db *orm.DB, path string, loaders ...Loader) *Fixtures {
	t.Helper()
	fx, err := loadFixtures(ctxOf(t, db), db, path, loaders)
	if err != nil {
		t.Fatalf("testkit: fixtures: %v", err)
	}
	return fx
}

func loadFixtures(ctx context.Context, db *orm.DB, path string, loaders []Loader) (*Fixtures, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxFixtureSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxFixtureSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	byName := map[string]struct {
		l    Loader
		meta *orm.Meta
	}{}
	for _, l := range loaders {
		meta, err := l.model(db)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		byName[meta.Name] = struct {
			l    Loader
			meta *orm.Meta
		}{l, meta}
	}
	fx := &Fixtures{rows: map[string]map[string]any{}}
	if len(doc.Content) == 0 {
		return fx, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of model names to rows", path, root.Line)
	}
	err = db.Tx(ctx, func(ctx context.Context) error {
		for i := 0; i+1 < len(root.Content); i += 2 {
			key, val := root.Content[i], root.Content[i+1]
			m, ok := byName[key.Value]
			if !ok {
				return fmt.Errorf("%s:%d: model %q has no loader (pass testkit.Rows[%s]())", path, key.Line, clipText(key.Value), clipText(key.Value))
			}
			if fx.rows[m.meta.Name] == nil {
				fx.rows[m.meta.Name] = map[string]any{}
			}
			var labels []string
			var rowsN []*yaml.Node
			switch val.Kind {
			case yaml.MappingNode:
				for j := 0; j+1 < len(val.Content); j += 2 {
					labels = append(labels, val.Content[j].Value)
					rowsN = append(rowsN, val.Content[j+1])
				}
			case yaml.SequenceNode:
				for j, r := range val.Content {
					labels = append(labels, strconv.Itoa(j))
					rowsN = append(rowsN, r)
				}
			default:
				return fmt.Errorf("%s:%d: the rows of %s must be a mapping of labels or a list", path, val.Line, m.meta.Name)
			}
			for j, r := range rowsN {
				where := fmt.Sprintf("%s:%d: %s %q", path, r.Line, m.meta.Name, clipText(labels[j]))
				if _, dup := fx.rows[m.meta.Name][labels[j]]; dup {
					return fmt.Errorf("%s: label used twice", where)
				}
				v, err := m.l.create(ctx, m.meta, r, fx, where)
				if err != nil {
					return err
				}
				fx.rows[m.meta.Name][labels[j]] = v
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fx, nil
}

// setRow sets the fields of v from the mapping row.
func setRow(meta *orm.Meta, v reflect.Value, row *yaml.Node, fx *Fixtures, where string) error {
	if row.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: want a mapping of fields to values", where)
	}
	for i := 0; i+1 < len(row.Content); i += 2 {
		key, val := row.Content[i], row.Content[i+1]
		if rel := relationNamed(meta, key.Value); rel != nil && rel.Kind == orm.BelongsTo && meta.Field(key.Value) == nil {
			target, ok := fx.rows[rel.Model][val.Value]
			if !ok {
				return fmt.Errorf("%s: %s: no %s labelled %q earlier in the file", where, key.Value, rel.Model, clipText(val.Value))
			}
			fk := meta.Field(rel.Column)
			if fk == nil {
				return fmt.Errorf("%s: %s: relation without a column", where, key.Value)
			}
			pk := pkValue(reflect.ValueOf(target).Elem())
			fv := v.FieldByIndex(fk.Path)
			if fv.Kind() == reflect.Pointer {
				p := reflect.New(fv.Type().Elem())
				p.Elem().Set(pk.Convert(fv.Type().Elem()))
				fv.Set(p)
			} else {
				fv.Set(pk.Convert(fv.Type()))
			}
			continue
		}
		f := meta.Field(key.Value)
		if f == nil {
			return fmt.Errorf("%s: %s has no field %q", where, meta.Name, clipText(key.Value))
		}
		fv := v.FieldByIndex(f.Path)
		if err := val.Decode(fv.Addr().Interface()); err != nil {
			return fmt.Errorf("%s: %s: %w", where, key.Value, err)
		}
	}
	return nil
}

// relationNamed returns the relation of meta whose Go field name is name, in any case.
func relationNamed(meta *orm.Meta, name string) *orm.Relation {
	for _, r := range meta.Relations {
		if strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

// clipText shortens a value from a file for a message.
func clipText(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
