package admin

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// maxSearch is the longest search term used; longer input is cut.
const maxSearch = 200

// dashboard lists the models by group with their row counts, and the user's recent
// actions.
func (s *Site) dashboard(c *web.Ctx) error {
	groups := s.nav(c)
	for gi := range groups {
		for mi := range groups[gi].Models {
			m := &groups[gi].Models[mi]
			e := s.bySlug[m.Slug]
			if n, err := s.countRows(c, e, &listQuery{}); err == nil {
				m.Count, m.HasCount, m.Approx = n.N, true, n.Approx
			}
		}
	}
	u := user(c)
	entries, err := recent(c, u.ID, 10)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "dashboard.html", map[string]any{
		"Title": s.cfg.Title, "Groups": groups, "Recent": s.historyViews(entries),
	})
}

// historyView is a history entry as pages show it.
type historyView struct {
	Entry   LogEntry
	URL     string // the object's edit page, "" when deleted or not registered
	Changes []Change
}

func (s *Site) historyViews(entries []LogEntry) []historyView {
	out := make([]historyView, len(entries))
	for i, le := range entries {
		out[i] = historyView{Entry: le, Changes: le.ChangeList()}
		if e := s.entryByModel(le.Model); e != nil && le.Action != ActionDelete {
			out[i].URL = s.urlOf(e, le.ObjectID)
		}
	}
	return out
}

// listParams reads the list page's query: search, filters, order and page. Values that
// the page does not offer are ignored, never an error.
func (s *Site) listParams(c *web.Ctx, e *entry) (*listQuery, int) {
	opts := e.ops.options()
	qv := c.QueryValues()
	lq := &listQuery{filters: map[string]string{}, limit: opts.pageSize}
	if len(opts.search) > 0 {
		lq.search = strings.TrimSpace(qv.Get("q"))
		if len([]rune(lq.search)) > maxSearch {
			lq.search = string([]rune(lq.search)[:maxSearch])
		}
	}
	for _, f := range opts.filters {
		if v := qv.Get(f.param()); f.valid(v) {
			lq.filters[f.param()] = v
		}
	}
	if o := qv.Get("o"); o != "" {
		name := strings.TrimPrefix(o, "-")
		for _, col := range e.ops.columns() {
			if col.SortKey != "" && col.SortKey == name {
				lq.order = o
			}
		}
	}
	page, err := strconv.Atoi(qv.Get("p"))
	if err != nil || page < 1 {
		page = 1
	}
	page = min(page, 1_000_000)
	lq.offset = (page - 1) * lq.limit
	return lq, page
}

// column is a list header as the page shows it.
type column struct {
	Label   string
	SortURL string
	Sorted  string // "asc", "desc" or ""
}

type row struct {
	ID    string
	URL   string
	Cells []any
}

// list is the model's list page.
func (s *Site) list(c *web.Ctx) error {
	e, err := s.entryOf(c)
	if err != nil {
		return err
	}
	if err := s.must(c, e, "view", nil); err != nil {
		return err
	}
	return s.renderList(c, e, http.StatusOK, "")
}

func (s *Site) renderList(c *web.Ctx, e *entry, status int, notice string) error {
	lq, page := s.listParams(c, e)
	objs, more, err := e.ops.list(c, lq)
	if err != nil {
		return badQuery(err)
	}
	total, err := s.countRows(c, e, lq)
	if err != nil {
		return badQuery(err)
	}
	qv := c.QueryValues()
	link := func(set map[string]string) string {
		q := url.Values{}
		for k, vs := range qv {
			q[k] = vs
		}
		for k, v := range set {
			if v == "" {
				q.Del(k)
			} else {
				q.Set(k, v)
			}
		}
		if enc := q.Encode(); enc != "" {
			return "?" + enc
		}
		return "?"
	}
	var cols []column
	for _, col := range e.ops.columns() {
		cv := column{Label: col.Label}
		if col.SortKey != "" {
			next := col.SortKey
			switch lq.order {
			case col.SortKey:
				cv.Sorted, next = "asc", "-"+col.SortKey
			case "-" + col.SortKey:
				cv.Sorted = "desc"
			}
			cv.SortURL = link(map[string]string{"o": next, "p": ""})
		}
		cols = append(cols, cv)
	}
	rows := make([]row, len(objs))
	for i, o := range objs {
		id := e.ops.pk(o)
		r := row{ID: id, URL: s.urlOf(e, id)}
		for _, col := range e.ops.columns() {
			r.Cells = append(r.Cells, e.ops.cell(o, col))
		}
		rows[i] = r
	}
	var filters []filterView
	for _, f := range e.ops.options().filters {
		filters = append(filters, f.view(c, s, qv))
	}
	var actions []actionSpec
	if s.allowed(c, e, "delete", nil) {
		actions = append(actions, actionSpec{Name: "delete_selected", Label: "Delete selected " + e.meta.LabelPlural, Perm: "delete"})
	}
	for _, a := range e.ops.actions() {
		if s.allowed(c, e, a.Perm, nil) {
			actions = append(actions, a)
		}
	}
	var pages int64
	if total.Known {
		pages = (total.N + int64(lq.limit) - 1) / int64(lq.limit)
	}
	data := map[string]any{
		"Title":     capitalize(e.meta.LabelPlural),
		"Model":     e.meta,
		"Slug":      e.slug,
		"Columns":   cols,
		"Rows":      rows,
		"Search":    len(e.ops.options().search) > 0,
		"Term":      lq.search,
		"Filters":   filters,
		"Actions":   actions,
		"Page":      page,
		"Pages":     pages,
		"Total":     total,
		"PrevURL":   "",
		"NextURL":   "",
		"ExportURL": s.cfg.Path + "/" + e.slug + "/export.csv" + strings.TrimPrefix(link(map[string]string{"p": ""}), "?"),
		"Notice":    notice,
	}
	if enc := link(map[string]string{"p": ""}); enc != "?" {
		data["ExportURL"] = s.cfg.Path + "/" + e.slug + "/export.csv" + enc
	} else {
		data["ExportURL"] = s.cfg.Path + "/" + e.slug + "/export.csv"
	}
	if page > 1 {
		data["PrevURL"] = link(map[string]string{"p": strconv.Itoa(page - 1)})
	}
	if more {
		data["NextURL"] = link(map[string]string{"p": strconv.Itoa(page + 1)})
	}
	if s.allowed(c, e, "add", nil) {
		data["AddURL"] = s.cfg.Path + "/" + e.slug + "/add/"
	}
	return s.render(c, status, "list.html", data)
}

// badQuery turns a query the user's input made invalid (a filter value of the wrong type)
// into 400; other errors pass.
func badQuery(err error) error {
	var fe *orm.FieldError
	var ve *orm.ValueError
	if errors.As(err, &fe) || errors.As(err, &ve) {
		return web.Error(http.StatusBadRequest, "invalid filter or sort parameter")
	}
	return err
}

// bulk runs a bulk action on the selected rows of the list page. "delete_selected" first
// shows a confirmation page; its form posts back with confirm=yes.
func (s *Site) bulk(c *web.Ctx) error {
	e, err := s.entryOf(c)
	if err != nil {
		return err
	}
	form, err := c.Form()
	if err != nil {
		return err
	}
	name := form.Get("action")
	ids := form["ids"]
	if len(ids) > 1000 {
		return web.Error(http.StatusBadRequest, "select at most 1,000 objects at once")
	}
	perm := ""
	if name == "delete_selected" {
		perm = "delete"
	}
	for _, a := range e.ops.actions() {
		if a.Name == name {
			perm = a.Perm
		}
	}
	if perm == "" {
		return web.Error(http.StatusBadRequest, "unknown action")
	}
	if err := s.must(c, e, perm, nil); err != nil {
		return err
	}
	if len(ids) == 0 {
		return s.renderList(c, e, http.StatusOK, "Select objects to apply the action to.")
	}
	objs, err := e.ops.byIDs(c, ids)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if !e.ops.permit(c, perm, o) {
			return web.Errorf(http.StatusForbidden, "you may not %s %s", perm, e.ops.str(o))
		}
	}
	if name != "delete_selected" {
		msg, err := e.ops.runAction(c, name, objs)
		if err != nil {
			return err
		}
		flash(c, msg)
		return c.Redirect(http.StatusSeeOther, s.cfg.Path+"/"+e.slug+"/")
	}
	if form.Get("confirm") != "yes" {
		return s.render(c, http.StatusOK, "delete.html", map[string]any{
			"Title": "Delete " + e.meta.LabelPlural, "Model": e.meta, "Slug": e.slug,
			"Objects": s.deleteViews(c, e, objs), "IDs": ids, "Bulk": true,
		})
	}
	// All or nothing: one refused deletion (rows still refer to it) deletes none.
	var failed any
	err = s.app.DB().Tx(c, func(ctx context.Context) error {
		for _, o := range objs {
			if err := e.ops.remove(ctx, o); err != nil {
				failed = o
				return err
			}
			if err := s.record(ctx, c, e, o, ActionDelete, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if failed != nil {
			return s.deleteFailed(c, e, failed, err)
		}
		return err
	}
	n := len(objs)
	flash(c, fmt.Sprintf("Deleted %d %s.", n, plural(n, e.meta.Label, e.meta.LabelPlural)))
	return c.Redirect(http.StatusSeeOther, s.cfg.Path+"/"+e.slug+"/")
}

// export writes the list (search and filters applied, every page) as CSV.
func (s *Site) export(c *web.Ctx) error {
	e, err := s.entryOf(c)
	if err != nil {
		return err
	}
	if err := s.must(c, e, "view", nil); err != nil {
		return err
	}
	lq, _ := s.listParams(c, e)
	lq.offset, lq.limit = 0, 100_000
	objs, _, err := e.ops.list(c, lq)
	if err != nil {
		return badQuery(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := []string{"id"}
	for _, col := range e.ops.columns() {
		head = append(head, col.Label)
	}
	_ = w.Write(head)
	for _, o := range objs {
		rec := []string{e.ops.pk(o)}
		for _, col := range e.ops.columns() {
			rec = append(rec, csvCell(e.ops.cell(o, col)))
		}
		_ = w.Write(rec)
	}
	w.Flush()
	c.SetHeader("Content-Disposition", `attachment; filename="`+e.slug+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvCell formats a cell for CSV, defusing formulas: a value starting with =, +, -, @ or a
// tab or carriage return gets a leading apostrophe, so spreadsheets show it as text
// (OWASP's CSV injection advice).
func csvCell(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		s = strconv.FormatBool(x)
	default:
		s = fmt.Sprint(x)
	}
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	return s
}

// lookup answers the foreign key picker: up to 20 objects whose searched fields contain q,
// as JSON [{"id", "label"}].
func (s *Site) lookup(c *web.Ctx) error {
	e, err := s.entryOf(c)
	if err != nil {
		return err
	}
	if err := s.must(c, e, "view", nil); err != nil {
		return err
	}
	lq := &listQuery{limit: 20, search: strings.TrimSpace(c.Query("q"))}
	if len([]rune(lq.search)) > maxSearch {
		lq.search = string([]rune(lq.search)[:maxSearch])
	}
	objs, _, err := e.ops.list(c, lq)
	if err != nil {
		return err
	}
	type item struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	}
	out := make([]item, len(objs))
	for i, o := range objs {
		out[i] = item{ID: e.ops.pk(o), Label: e.ops.str(o)}
	}
	return c.JSON(http.StatusOK, out)
}

// add is the add page.
func (s *Site) add(c *web.Ctx) error {
	e, err := s.entryOf(c)
	if err != nil {
		return err
	}
	if err := s.must(c, e, "add", nil); err != nil {
		return err
	}
	return s.formPage(c, e, e.ops.newObj(), true, true)
}

// postedM2M reads the many-to-many selections of a submitted form, adding an error to f
// for a value that is not one of the options.
func (s *Site) postedM2M(c *web.Ctx, e *entry, id string, f *form.Form) ([]*m2mField, error) {
	posted := c.Request.PostForm
	if posted == nil {
		posted = url.Values{}
	}
	m2m, err := s.m2mFields(c, e, id, posted)
	if err != nil {
		return nil, err
	}
	for _, mf := range m2m {
		if err := mf.check(); err != nil {
			f.AddError("", err.Error())
		}
	}
	return m2m, nil
}

// maxChoices is the largest related table whose rows a foreign key's select lists; bigger
// ones keep a key input (with the lookup endpoint to find keys).
const maxChoices = 500

// formFor returns the add or edit form of obj, its foreign keys to models registered in the
// site offered as a select of the related objects.
func (s *Site) formFor(c *web.Ctx, e *entry, obj any) (*form.Form, error) {
	fields := e.ops.options().fields
	f, err := s.forms.For(obj, fields...)
	if err != nil {
		return nil, err
	}
	lookups := map[string]string{}
	c.Set("admin.lookups", lookups)
	for _, name := range fields {
		mf := e.meta.Field(name)
		if mf == nil || mf.ForeignKey == nil {
			continue
		}
		target := s.entryByModel(mf.ForeignKey.Model)
		if target == nil {
			continue
		}
		rows, more, err := target.ops.list(c, &listQuery{limit: maxChoices})
		if err != nil {
			return nil, err
		}
		if more { // too many to list: the key input gets a search box (admin.js)
			if b, err := f.Bound(name); err == nil && s.allowed(c, target, "view", nil) {
				lookups[b.ID()] = s.cfg.Path + "/" + target.slug + "/lookup"
			}
			continue
		}
		choices := make([]form.Choice, len(rows))
		for i, r := range rows {
			choices[i] = form.Choice{Value: target.ops.pk(r), Label: target.ops.str(r)}
		}
		if err := f.SetChoices(name, choices); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// afterSave is where a successful add or edit goes: the list, the same object ("save and
// continue editing") or an empty form ("save and add another").
func (s *Site) afterSave(c *web.Ctx, e *entry, obj any) string {
	switch {
	case c.FormValue("_continue") != "":
		return s.urlOf(e, e.ops.pk(obj))
	case c.FormValue("_addanother") != "":
		return s.cfg.Path + "/" + e.slug + "/add/"
	}
	return s.cfg.Path + "/" + e.slug + "/"
}

// object loads the object of the request's {model} and {id} for action ("view",
// "delete"): 404 for an unknown model or key, 403 unless the user has the model
// permission and the Permit hook allows the action on this object.
func (s *Site) object(c *web.Ctx, action string) (*entry, any, error) {
	e, err := s.entryOf(c)
	if err != nil {
		return nil, nil, err
	}
	if err := s.must(c, e, action, nil); err != nil {
		return nil, nil, err
	}
	obj, err := e.ops.get(c, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	if !e.ops.permit(c, action, obj) {
		return nil, nil, web.Errorf(http.StatusForbidden, "you may not %s this %s", action, e.meta.Label)
	}
	return e, obj, nil
}

// edit is the edit page; with only the view permission it shows the object read-only.
func (s *Site) edit(c *web.Ctx) error {
	e, obj, err := s.object(c, "view")
	if err != nil {
		return err
	}
	canChange := s.allowed(c, e, "change", obj)
	if c.Method() != http.MethodGet && !canChange {
		return web.Errorf(http.StatusForbidden, "you may not change %s", e.meta.LabelPlural)
	}
	return s.formPage(c, e, obj, false, canChange)
}

// formPage shows the add (isNew) or edit form of obj and, for a POST, binds it with its
// many-to-many selections and inline rows, then saves everything and the history entry in
// one transaction; invalid input renders the page again with 422 and stores nothing.
func (s *Site) formPage(c *web.Ctx, e *entry, obj any, isNew, canChange bool) error {
	id, shown := "", any(nil) // shown: the object the page is about, nil on the add page
	if !isNew {
		id, shown = e.ops.pk(obj), obj
	}
	old := e.ops.copyObj(obj)
	f, err := s.formFor(c, e, obj)
	if err != nil {
		return err
	}
	posted := c.Method() != http.MethodGet
	var x formExtras
	if posted {
		if _, err := c.Form(); err != nil { // parsed once: the form and every inline row read it
			return err
		}
		if err := f.Bind(c, c.Request); err != nil {
			return err
		}
		x.m2m, err = s.postedM2M(c, e, id, f)
	} else {
		x.m2m, err = s.m2mFields(c, e, id, nil)
	}
	if err != nil {
		return err
	}
	inlines, inlinesValid, err := s.inlineRows(c, e, id, posted)
	if err != nil {
		return err
	}
	x.inlines = inlines
	if !posted {
		return s.renderForm(c, e, http.StatusOK, f, shown, !canChange, x)
	}
	if !f.Valid() || !inlinesValid {
		return s.renderForm(c, e, http.StatusUnprocessableEntity, f, shown, false, x)
	}
	var changes []Change
	if !isNew {
		changes = diff(e, e.ops.options().fields, old, obj)
	}
	err = s.app.DB().Tx(c, func(ctx context.Context) error {
		if isNew {
			if err := e.ops.create(ctx, obj); err != nil {
				return err
			}
		}
		key := e.ops.pk(obj)
		for _, mf := range x.m2m {
			ch, err := s.saveM2M(ctx, mf, key)
			if err != nil {
				return err
			}
			if ch != nil && !isNew {
				changes = append(changes, *ch)
			}
		}
		inl, err := s.saveInlines(ctx, c, e, obj, x.inlines)
		if err != nil {
			return err
		}
		if isNew {
			return s.record(ctx, c, e, obj, ActionAdd, nil)
		}
		if changes = append(changes, inl...); len(changes) == 0 {
			return nil
		}
		if err := e.ops.save(ctx, obj); err != nil {
			return err
		}
		return s.record(ctx, c, e, obj, ActionChange, changes)
	})
	if err != nil {
		if f.Absorb(err) {
			return s.renderForm(c, e, http.StatusUnprocessableEntity, f, shown, false, x)
		}
		return err
	}
	switch {
	case isNew:
		flash(c, fmt.Sprintf("Added %s “%s”.", e.meta.Label, e.ops.str(obj)))
	case len(changes) > 0:
		flash(c, fmt.Sprintf("Changed %s “%s”.", e.meta.Label, e.ops.str(obj)))
	default:
		flash(c, "No fields changed.")
	}
	return c.Redirect(http.StatusSeeOther, s.afterSave(c, e, obj))
}

// fieldsetView is a group of rendered fields.
type fieldsetView struct {
	Title  string
	Fields []template.HTML
}

type readOnlyView struct {
	Label string
	Value any
}

// renderForm renders the add or edit page.
// formExtras are the parts of an add or edit page beyond the model's own form.
type formExtras struct {
	m2m     []*m2mField
	inlines []*inlineView
}

func (s *Site) renderForm(c *web.Ctx, e *entry, status int, f *form.Form, obj any, readOnly bool, x formExtras) error {
	opts := e.ops.options()
	var sets []fieldsetView
	placed := map[string]bool{}
	render := func(name string) (template.HTML, error) {
		b, err := f.Bound(name)
		if err != nil {
			return "", err
		}
		placed[b.Name()] = true
		return b.HTML()
	}
	for _, fs := range opts.fieldsets {
		v := fieldsetView{Title: fs.Title}
		for _, name := range fs.Fields {
			h, err := render(name)
			if err != nil {
				return err
			}
			v.Fields = append(v.Fields, h)
		}
		sets = append(sets, v)
	}
	rest := fieldsetView{}
	for _, b := range f.BoundFields() {
		if placed[b.Name()] {
			continue
		}
		h, err := b.HTML()
		if err != nil {
			return err
		}
		rest.Fields = append(rest.Fields, h)
	}
	if len(rest.Fields) > 0 {
		sets = append(sets, rest)
	}
	var ro []readOnlyView
	if obj != nil {
		for _, rf := range opts.readOnly {
			ro = append(ro, readOnlyView{Label: capitalize(rf.Label), Value: e.ops.cell(obj, &colSpec{field: rf})})
		}
	}
	data := map[string]any{
		"Model": e.meta, "Slug": e.slug, "Form": f, "Fieldsets": sets, "ReadOnly": ro,
		"ReadOnlyPage": readOnly, "ListURL": s.cfg.Path + "/" + e.slug + "/", "M2M": x.m2m, "Inlines": x.inlines,
		"Lookups": c.Get("admin.lookups"),
	}
	if obj == nil {
		data["Title"] = "Add " + e.meta.Label
	} else {
		id := e.ops.pk(obj)
		data["Title"] = capitalize(e.meta.Label) + ": " + e.ops.str(obj)
		data["HistoryURL"] = s.urlOf(e, id) + "history/"
		if s.allowed(c, e, "delete", obj) {
			data["DeleteURL"] = s.urlOf(e, id) + "delete/"
		}
	}
	return s.render(c, status, "form.html", data)
}

// deleteView is one object on a delete confirmation page, with what goes with it.
type deleteView struct {
	Name    string
	Related []string // "3 comments will be deleted", "2 posts keep it: deletion refused"
	Blocked bool
}

// deleteViews describes what deleting objs does to the rows that refer to them.
func (s *Site) deleteViews(c *web.Ctx, e *entry, objs []any) []deleteView {
	out := make([]deleteView, len(objs))
	for i, o := range objs {
		out[i] = deleteView{Name: e.ops.str(o)}
		out[i].Related, out[i].Blocked = s.related(c, e, e.ops.pk(o))
	}
	return out
}

// related counts, for every foreign key in the registry that points to e's table, the rows
// referring to the object with key id.
func (s *Site) related(c *web.Ctx, e *entry, id string) ([]string, bool) {
	db := s.app.DB()
	if db == nil {
		return nil, false
	}
	var lines []string
	blocked := false
	for _, m := range s.app.Registry().Models() {
		for _, f := range m.Fields {
			if f.ForeignKey == nil || f.ForeignKey.Table != e.meta.Table {
				continue
			}
			q := "SELECT COUNT(*) FROM " + db.Dialect().Quote(m.Table) + " WHERE " + db.Dialect().Quote(f.Column) + " = ?"
			n, err := orm.Raw[int64](c, q, id)
			if err != nil || len(n) == 0 || n[0] == 0 {
				continue
			}
			label := m.LabelPlural
			if m.JoinOf != nil {
				label = "links in " + m.Name
			}
			switch f.ForeignKey.OnDelete {
			case orm.Cascade:
				lines = append(lines, fmt.Sprintf("%d %s will be deleted with it", n[0], label))
			case orm.SetNull:
				lines = append(lines, fmt.Sprintf("%d %s will lose their %s", n[0], label, f.Label))
			default:
				blocked = true
				lines = append(lines, fmt.Sprintf("%d %s refer to it: delete or change them first", n[0], label))
			}
		}
	}
	return lines, blocked
}

// deleteOne is the delete page of one object: a confirmation listing what goes with it,
// then the deletion.
func (s *Site) deleteOne(c *web.Ctx) error {
	e, obj, err := s.object(c, "delete")
	if err != nil {
		return err
	}
	if c.Method() == http.MethodGet {
		return s.render(c, http.StatusOK, "delete.html", map[string]any{
			"Title": "Delete " + e.meta.Label, "Model": e.meta, "Slug": e.slug,
			"Objects": s.deleteViews(c, e, []any{obj}), "CancelURL": s.urlOf(e, e.ops.pk(obj)),
		})
	}
	removed := false
	err = s.app.DB().Tx(c, func(ctx context.Context) error {
		if err := e.ops.remove(ctx, obj); err != nil {
			return err
		}
		removed = true
		return s.record(ctx, c, e, obj, ActionDelete, nil)
	})
	if err != nil {
		if !removed {
			return s.deleteFailed(c, e, obj, err)
		}
		return err
	}
	flash(c, fmt.Sprintf("Deleted %s “%s”.", e.meta.Label, e.ops.str(obj)))
	return c.Redirect(http.StatusSeeOther, s.cfg.Path+"/"+e.slug+"/")
}

// deleteFailed answers a deletion the database refused because rows still refer to the
// object: 409 with the confirmation page explaining why.
func (s *Site) deleteFailed(c *web.Ctx, e *entry, obj any, err error) error {
	var fk *orm.ForeignKeyViolation
	if !errors.As(err, &fk) {
		return err
	}
	return s.render(c, http.StatusConflict, "delete.html", map[string]any{
		"Title": "Cannot delete " + e.meta.Label, "Model": e.meta, "Slug": e.slug,
		"Objects": s.deleteViews(c, e, []any{obj}), "Refused": true,
	})
}

// history is an object's history page.
func (s *Site) history(c *web.Ctx) error {
	e, obj, err := s.object(c, "view")
	if err != nil {
		return err
	}
	entries, err := orm.Q[LogEntry](c).Filter("model", e.meta.Name).Filter("object_id", e.ops.pk(obj)).
		OrderBy("-action_time", "-id").Limit(200).All()
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "history.html", map[string]any{
		"Title": "History: " + e.ops.str(obj), "Model": e.meta, "Slug": e.slug,
		"Entries": s.historyViews(entries), "ObjectURL": s.urlOf(e, e.ops.pk(obj)),
	})
}

// flash adds a message to the session, shown on the next page.
func flash(c *web.Ctx, msg string) {
	if sess := session.From(c); sess != nil {
		sess.AddFlash("success", msg)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
