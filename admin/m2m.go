package admin

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// m2mField is a many-to-many relation edited on the form as a multi-select of the related
// objects (the related model must be registered in the site and have at most maxChoices
// rows).
type m2mField struct {
	Name     string // the input name: "m2m_" + the relation's Go name
	Label    string
	Options  []m2mOption
	rel      *orm.Relation
	target   *entry
	selected []string
}

type m2mOption struct {
	Value, Label string
	Selected     bool
}

// m2mFields prepares the many-to-many selects of e's form for the object with key id (""
// for a new object); posted values, when form is not nil, replace the stored selection.
func (s *Site) m2mFields(c *web.Ctx, e *entry, id string, form url.Values) ([]*m2mField, error) {
	var out []*m2mField
	for _, rel := range e.meta.Relations {
		if rel.Kind != orm.ManyToMany {
			continue
		}
		target := s.entryByModel(rel.Model)
		if target == nil {
			continue
		}
		rows, more, err := target.ops.list(c, &listQuery{limit: maxChoices})
		if err != nil {
			return nil, err
		}
		if more {
			continue
		}
		f := &m2mField{Name: "m2m_" + strings.ToLower(rel.Name), Label: rel.Name, rel: rel, target: target}
		switch {
		case form != nil:
			f.selected = form[f.Name]
		case id != "":
			f.selected, err = s.linked(c, rel, id)
			if err != nil {
				return nil, err
			}
		}
		for _, r := range rows {
			v := target.ops.pk(r)
			f.Options = append(f.Options, m2mOption{Value: v, Label: target.ops.str(r), Selected: slices.Contains(f.selected, v)})
		}
		out = append(out, f)
	}
	return out, nil
}

// linked returns the keys of the objects the object with key id is linked to.
func (s *Site) linked(ctx context.Context, rel *orm.Relation, id string) ([]string, error) {
	d := s.app.DB().Dialect()
	return orm.Raw[string](ctx, "SELECT "+d.Quote(rel.JoinRefColumn)+" FROM "+d.Quote(rel.JoinTable)+
		" WHERE "+d.Quote(rel.JoinColumn)+" = ?", id)
}

// check reports a selected value that is not one of the options (a forged form).
func (f *m2mField) check() error {
	for _, v := range f.selected {
		if !slices.ContainsFunc(f.Options, func(o m2mOption) bool { return o.Value == v }) {
			return fmt.Errorf("select valid %s", strings.ToLower(f.Label))
		}
	}
	return nil
}

// save replaces the object's links with the selection, in ctx's transaction, and returns
// the change for the history ("" when the selection did not change).
func (s *Site) saveM2M(ctx context.Context, f *m2mField, id string) (*Change, error) {
	before, err := s.linked(ctx, f.rel, id)
	if err != nil {
		return nil, err
	}
	want := slices.Clone(f.selected)
	slices.Sort(want)
	want = slices.Compact(want)
	slices.Sort(before)
	if slices.Equal(before, want) {
		return nil, nil
	}
	d := s.app.DB().Dialect()
	join, col, ref := d.Quote(f.rel.JoinTable), d.Quote(f.rel.JoinColumn), d.Quote(f.rel.JoinRefColumn)
	if _, err := orm.Exec(ctx, "DELETE FROM "+join+" WHERE "+col+" = ?", id); err != nil {
		return nil, err
	}
	for _, v := range want {
		if _, err := orm.Exec(ctx, "INSERT INTO "+join+" ("+col+", "+ref+") VALUES (?, ?)", id, v); err != nil {
			return nil, err
		}
	}
	return &Change{Field: f.Label, Old: f.labels(before), New: f.labels(want)}, nil
}

// labels names the objects with the given keys, for the history.
func (f *m2mField) labels(keys []string) string {
	var names []string
	for _, k := range keys {
		name := k
		for _, o := range f.Options {
			if o.Value == k {
				name = o.Label
			}
		}
		names = append(names, name)
	}
	return truncate(strings.Join(names, ", "), 500)
}
