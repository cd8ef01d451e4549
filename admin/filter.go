package admin

import (
	"errors"
	"net/url"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

type filterKind int

const (
	filterBool filterKind = iota
	filterChoices
	filterFK
	filterTime
)

// filterSpec is one filter of the list page's side bar, on one field.
type filterSpec struct {
	field *orm.Field
	kind  filterKind
}

func newFilter(f *orm.Field) (*filterSpec, error) {
	s := &filterSpec{field: f}
	switch {
	case len(f.Choices) > 0:
		s.kind = filterChoices
	case f.Kind == orm.KindBool:
		s.kind = filterBool
	case f.ForeignKey != nil:
		s.kind = filterFK
	case f.Kind == orm.KindTime || f.Kind == orm.KindDate:
		s.kind = filterTime
	default:
		return nil, errors.New("filters take booleans, fields with choices, foreign keys and times")
	}
	return s, nil
}

// param is the query parameter of the filter.
func (s *filterSpec) param() string { return "f_" + s.field.Column }

// timeRange is one choice of a time filter.
type timeRange struct{ value, label string }

// timeRanges returns the choices of a time filter.
func timeRanges() [4]timeRange {
	return [4]timeRange{{"today", "Today"}, {"7d", "Past 7 days"}, {"month", "This month"}, {"year", "This year"}}
}

// valid reports whether v is a value the filter offers (or, for foreign keys, could be a
// key). Other values are ignored, as if the filter were not set.
func (s *filterSpec) valid(v string) bool {
	switch s.kind {
	case filterBool:
		return v == "1" || v == "0"
	case filterChoices:
		for _, ch := range s.field.Choices {
			if ch.Value == v {
				return true
			}
		}
		return false
	case filterTime:
		for _, r := range timeRanges() {
			if r.value == v {
				return true
			}
		}
		return false
	}
	return v != "" && len(v) <= 64
}

// cond is the condition of the filter set to v (a valid value).
func (s *filterSpec) cond(v string, now time.Time) orm.Cond {
	name := s.field.Name
	switch s.kind {
	case filterBool:
		return orm.Lookup(name, v == "1")
	case filterTime:
		now = now.UTC()
		start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		switch v {
		case "7d":
			start = start.AddDate(0, 0, -6)
		case "month":
			start = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		case "year":
			start = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return orm.Lookup(name+"__gte", start)
	}
	return orm.Lookup(name, v)
}

// filterView is a filter as the list page shows it.
type filterView struct {
	Label   string
	Options []filterOption
}

type filterOption struct {
	Label    string
	URL      string
	Selected bool
}

// view lists the filter's options, with the URLs that select them (keeping the other
// parameters of the page, dropping its page number).
func (s *filterSpec) view(c *web.Ctx, site *Site, current url.Values) filterView {
	fv := filterView{Label: capitalize(s.field.Label)}
	sel := current.Get(s.param())
	link := func(value string) string {
		q := url.Values{}
		for k, vs := range current {
			if k != s.param() && k != "p" {
				q[k] = vs
			}
		}
		if value != "" {
			q.Set(s.param(), value)
		}
		if enc := q.Encode(); enc != "" {
			return "?" + enc
		}
		return "?"
	}
	add := func(label, value string) {
		fv.Options = append(fv.Options, filterOption{Label: label, URL: link(value), Selected: sel == value})
	}
	add("All", "")
	switch s.kind {
	case filterBool:
		add("Yes", "1")
		add("No", "0")
	case filterChoices:
		for _, ch := range s.field.Choices {
			add(ch.Label, ch.Value)
		}
	case filterTime:
		for _, r := range timeRanges() {
			add(r.label, r.value)
		}
	case filterFK:
		target := site.entryByModel(s.field.ForeignKey.Model)
		if target == nil || !site.allowed(c, target, "view", nil) {
			break
		}
		rows, _, err := target.ops.list(c, &listQuery{limit: 100})
		if err != nil {
			break
		}
		for _, r := range rows {
			add(target.ops.str(r), target.ops.pk(r))
		}
	}
	return fv
}

// entryByModel finds a registered model by its ORM name.
func (s *Site) entryByModel(name string) *entry {
	for _, e := range s.models {
		if e.meta.Name == name || e.meta.Type != nil && e.meta.Type.String() == name {
			return e
		}
	}
	return nil
}
