package orm

import (
	"database/sql"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

type regUser struct {
	Model
	Email string       `orm:"size=120,unique"`
	Posts []regPost    `orm:"fk=AuthorID"`
	Bio   *string      `orm:"text,label=Biography,help='About you, briefly'"`
	Meta  regUserMeta  `orm:"json"`
	Pets  []string     `orm:"json"`
	Score float64      `orm:"default=1.5"`
	Role  string       `orm:"size=20,default=member,choices=member:Member|admin:Administrator"`
	Born  sql.NullTime `orm:"date"`
	skip  int          //nolint:unused // unexported fields are not persisted
}

type regUserMeta struct{ Theme string }

func (regUser) TableName() string { return "people" }

type regPost struct {
	Model
	Title    string   `orm:"size=200,index"`
	Slug     string   `orm:"unique=author_slug"`
	AuthorID int64    `orm:"fk=regUser,ondelete=cascade,unique=author_slug"`
	Author   *regUser ``
	Price    string   `orm:"decimal=10.2,default=0"`
	Tags     []regTag `orm:"m2m"`
	Comments []*regComment
	Status   string `orm:"-"`
}

type regComment struct {
	ID        uuid.UUID `orm:"pk"`
	RegPostID int64
	Body      string `orm:"text"`
	CreatedAt time.Time
}

type regTag struct {
	Model
	Name  string    `orm:"unique"`
	Posts []regPost `orm:"m2m=reg_post_tags"`
}

func TestRegisterMeta(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	if err := r.Register(regPost{}, &regTag{}, regComment{}, (*regUser)(nil)); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(regPost{}); err != nil {
		t.Fatalf("registering again: %v", err)
	}
	metas := r.Models()
	var names []string
	for _, m := range metas {
		names = append(names, m.Name+"="+m.Table)
	}
	want := "regPost=reg_posts regTag=reg_tags regComment=reg_comments regUser=people regPost.Tags=reg_post_tags"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("models:\n got %s\nwant %s", got, want)
	}

	post := r.Meta("regPost")
	if post.PK.Column != "id" || !post.PK.AutoIncrement || post.Fields[0] != post.PK {
		t.Errorf("post pk = %+v", post.PK)
	}
	var cols []string
	for _, f := range post.Fields {
		cols = append(cols, f.Column+":"+f.Kind.String())
	}
	if got, want := strings.Join(cols, " "), "id:int created_at:time updated_at:time title:string slug:string author_id:int price:decimal"; got != want {
		t.Errorf("post columns:\n got %s\nwant %s", got, want)
	}
	fk := post.Field("AuthorID").ForeignKey
	if fk == nil || fk.Table != "people" || fk.Column != "id" || fk.OnDelete != Cascade || fk.Name != "reg_posts_author_id_fkey" {
		t.Errorf("author fk = %+v", fk)
	}
	var ixs []string
	for _, ix := range post.Indexes {
		ixs = append(ixs, ix.Name+"("+strings.Join(ix.Columns, ",")+")")
	}
	if got, want := strings.Join(ixs, " "), "reg_posts_title_idx(title) reg_posts_slug_author_id_key(slug,author_id) reg_posts_author_id_idx(author_id)"; got != want {
		t.Errorf("post indexes:\n got %s\nwant %s", got, want)
	}
	if f := post.Field("price"); f.Size != 10 || f.Scale != 2 || f.Default != "0.00" {
		t.Errorf("price = %+v", f)
	}
	if !post.Field("CreatedAt").AutoCreate || !post.Field("UpdatedAt").AutoUpdate {
		t.Error("timestamps not automatic")
	}

	rels := map[string]*Relation{}
	for _, rel := range post.Relations {
		rels[rel.Name] = rel
	}
	if a := rels["Author"]; a == nil || a.Kind != BelongsTo || a.Column != "author_id" || !a.Pointer || a.Slice {
		t.Errorf("Author = %+v", a)
	}
	if c := rels["Comments"]; c == nil || c.Kind != HasMany || c.Column != "reg_post_id" || !c.Pointer {
		t.Errorf("Comments = %+v", c)
	}
	tags := rels["Tags"]
	if tags == nil || tags.Kind != ManyToMany || tags.JoinTable != "reg_post_tags" || tags.JoinColumn != "reg_post_id" || tags.JoinRefColumn != "reg_tag_id" {
		t.Fatalf("Tags = %+v", tags)
	}
	j := tags.Join
	if j == nil || j.JoinOf != tags || j.PK != nil || len(j.PrimaryKey) != 2 || j.Fields[0].ForeignKey.Table != "reg_posts" || j.Fields[1].ForeignKey.OnDelete != Cascade {
		t.Errorf("join meta = %+v", j)
	}
	back := r.Meta("regTag").Relation("Posts")
	if back.Join != j || back.JoinColumn != "reg_tag_id" || back.JoinRefColumn != "reg_post_id" {
		t.Errorf("Tag.Posts does not share the join table: %+v", back)
	}
	// The has-many relation made regComment.RegPostID a foreign key, with an index.
	cm := r.Meta("regComment")
	if f := cm.Field("RegPostID"); f.ForeignKey == nil || !f.Indexed || f.ForeignKey.Model != "regPost" {
		t.Errorf("comment fk = %+v", f)
	}
	if cm.PK.Kind != KindUUID || cm.PK.AutoIncrement {
		t.Errorf("comment pk = %+v", cm.PK)
	}

	u := r.Meta("regUser")
	if f := u.Field("Bio"); f.Kind != KindText || !f.Nullable || f.Label != "Biography" || f.Help != "About you, briefly" {
		t.Errorf("bio = %+v", f)
	}
	if f := u.Field("Meta"); f.Kind != KindJSON || f.Nullable {
		t.Errorf("meta = %+v", f)
	}
	if f := u.Field("Role"); f.Default != "'member'" || len(f.Choices) != 2 || f.Choices[1].Label != "Administrator" {
		t.Errorf("role = %+v", f)
	}
	if f := u.Field("born"); f.Kind != KindDate || !f.Nullable {
		t.Errorf("born = %+v", f)
	}
	if u.Field("skip") != nil {
		t.Error("unexported field persisted")
	}
	if MetaFor[regUser](r) != u || r.MetaOf(reflect.TypeFor[*regUser]()) != u || r.Meta("orm.regUser") != u || r.Table("people") != u {
		t.Error("lookups disagree")
	}
}

type (
	badTypo struct {
		Model
		Title string `orm:"sise=100"`
	}
	badSize struct {
		Model
		Title string `orm:"size=abc"`
	}
	badFK struct {
		Model
		OwnerID int64 `orm:"fk=Ghost"`
	}
	badType struct {
		Model
		Data map[string]int
	}
	badNull struct {
		Model
		Title string `orm:"null"`
	}
	badOnDelete struct {
		Model
		Title string `orm:"ondelete=cascade"`
	}
	badDecimal struct {
		Model
		Price string `orm:"decimal=10,2"`
	}
	badNoPK struct {
		Name string
	}
	badTwoPK struct {
		A int64 `orm:"pk"`
		B int64 `orm:"pk"`
	}
	badM2M struct {
		Model
		Tag string `orm:"m2m"`
	}
	badRel struct {
		Model
		Owner *struct{ X int }
	}
	badDefault struct {
		Model
		N int `orm:"default=many"`
	}
	badColumn struct {
		Model
		N int `orm:"column=bad name"`
	}
	badQuote struct {
		Model
		N int `orm:"label='oops"`
	}
	badSetNull struct {
		Model
		OwnerID int64 `orm:"fk=badSetNull,ondelete=setnull"`
	}
	badEmbed struct {
		*Model
	}
	badChoices struct {
		Model
		Level int `orm:"choices=low:Low"`
	}
	badTextInt struct {
		Model
		N int `orm:"text"`
	}
	badBelongs struct {
		Model
		Owner *regUser
	}
	badHasMany struct {
		Model
		Users []regUser
	}
	badDup struct {
		Model
		Title  string
		Title2 string `orm:"column=title"`
	}
	badJSONChan struct {
		Model
		C chan int
	}
)

func TestRegisterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model any
		want  string
	}{
		{badTypo{}, `orm: badTypo.Title: unknown tag option "sise" (did you mean "size"?)`},
		{badSize{}, `orm: badSize.Title: bad size="abc": want a number from 1 to 65535`},
		{badFK{}, `orm: badFK.OwnerID: fk=Ghost: no model named Ghost is registered`},
		{badType{}, `orm: badType.Data: unsupported field type map[string]int (add` + " `orm:\"json\"`"},
		{badNull{}, `orm: badNull.Title: null needs a type that can hold NULL`},
		{badOnDelete{}, `orm: badOnDelete.Title: ondelete needs fk=Model`},
		{badDecimal{}, `orm: badDecimal.Price: unknown tag option "2"`},
		{badNoPK{}, `orm: badNoPK: no primary key`},
		{badTwoPK{}, `orm: badTwoPK.B: a second primary key`},
		{badM2M{}, `orm: badM2M.Tag: m2m needs a slice of a model type`},
		{badRel{}, `is not a registered model`},
		{badDefault{}, `orm: badDefault.N: bad default="many": want an integer`},
		{badColumn{}, `orm: badColumn.N: column="bad name" is not a valid column name`},
		{badQuote{}, `orm: badQuote.N: bad orm tag "label='oops": option "label": unterminated quoted value`},
		{badSetNull{}, `orm: badSetNull.OwnerID: ondelete=setnull needs a nullable field`},
		{badEmbed{}, `orm: badEmbed.Model: embedded pointer *orm.Model is not supported`},
		{badChoices{}, `orm: badChoices.Level: choice "low" is not an integer`},
		{badTextInt{}, `orm: badTextInt.N: text applies to string fields`},
		{badBelongs{}, `orm: badBelongs.Owner: orm.regUser is not a registered model`},
		{badDup{}, `orm: badDup.Title2: column "title" is also used by field Title`},
		{badJSONChan{}, `orm: badJSONChan.C: unsupported field type chan int`},
		{42, `orm: Register: int is not a named struct type`},
	}
	for _, tt := range tests {
		name := reflect.TypeOf(tt.model).Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := NewRegistry().Register(tt.model)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
	// A has-many to a model registered earlier without a foreign key to this one.
	r := NewRegistry()
	if err := r.Register(regUser{}, regPost{}, regTag{}, regComment{}); err != nil {
		t.Fatal(err)
	}
	err := r.Register(badHasMany{})
	if err == nil || !strings.Contains(err.Error(), "has-many relation needs a foreign key to badHasMany on regUser") {
		t.Fatalf("has-many: %v", err)
	}
	if r.Meta("badHasMany") != nil {
		t.Fatal("a failed Register registered something")
	}
	// Several problems are all reported.
	err = NewRegistry().Register(badTypo{}, badSize{})
	if err == nil || !strings.Contains(err.Error(), "sise") || !strings.Contains(err.Error(), "abc") {
		t.Fatalf("joined errors: %v", err)
	}
	var me *ModelError
	if !asModelError(err, &me) || me.Option != "sise" {
		t.Fatalf("ModelError = %+v", me)
	}
}

func asModelError(err error, target **ModelError) bool {
	type multi interface{ Unwrap() []error }
	if m, ok := err.(multi); ok {
		for _, e := range m.Unwrap() {
			if me, ok := e.(*ModelError); ok {
				*target = me
				return true
			}
		}
	}
	return false
}

func TestNaming(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, snake, plural, human string }{
		{"Post", "post", "posts", "Post"},
		{"AuthorID", "author_id", "author_ids", "Author ID"},
		{"HTTPServer", "http_server", "http_servers", "HTTP server"},
		{"UserIDs", "user_ids", "user_idses", "User IDs"},
		{"Category", "category", "categories", "Category"},
		{"BlogEntry", "blog_entry", "blog_entries", "Blog entry"},
		{"Box", "box", "boxes", "Box"},
		{"Person", "person", "people", "Person"},
		{"Day", "day", "days", "Day"},
		{"Address2", "address2", "address2s", "Address2"},
		{"CreatedAt", "created_at", "created_ats", "Created at"},
	}
	for _, tt := range tests {
		if got := snakeCase(tt.in); got != tt.snake {
			t.Errorf("snakeCase(%q) = %q, want %q", tt.in, got, tt.snake)
		}
		if got := plural(snakeCase(tt.in)); got != tt.plural {
			t.Errorf("plural(%q) = %q, want %q", tt.in, got, tt.plural)
		}
		if got := humanize(tt.in); got != tt.human {
			t.Errorf("humanize(%q) = %q, want %q", tt.in, got, tt.human)
		}
	}
	if got := indexName(strings.Repeat("t", 40), []string{strings.Repeat("c", 40)}, "key"); len(got) != 63 {
		t.Errorf("long index name %q has %d bytes", got, len(got))
	}
}

func TestNormalizeDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, err string }{
		{"10.5", "10.50", ""},
		{"0", "0.00", ""},
		{"-0.00", "0.00", ""},
		{"-3.1", "-3.10", ""},
		{"+7", "7.00", ""},
		{".5", "0.50", ""},
		{"00012.340", "12.34", ""},
		{"12345678.99", "12345678.99", ""},
		{"123456789.00", "", "more than 8 digits before the decimal point"},
		{"1.234", "", "more than 2 digits after the decimal point"},
		{"1e5", "", "not a decimal number"},
		{"", "", "not a decimal number"},
		{"1.2.3", "", "not a decimal number"},
		{"NaN", "", "not a decimal number"},
	}
	for _, tt := range tests {
		got, err := normalizeDecimal(tt.in, 10, 2)
		if got != tt.want || err != tt.err {
			t.Errorf("normalizeDecimal(%q) = %q, %q; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

var _ = json.Valid

type selfCategory struct {
	Model
	Name     string
	ParentID *int64 `orm:"fk=selfCategory,ondelete=setnull"`
	Parent   *selfCategory
	Children []selfCategory
	Related  []*selfCategory `orm:"m2m"`
}

func TestRegisterSelfRelations(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	if err := r.Register(selfCategory{}); err != nil {
		t.Fatal(err)
	}
	m := r.Meta("selfCategory")
	if p := m.Relation("Parent"); p == nil || p.Kind != BelongsTo || p.Column != "parent_id" {
		t.Errorf("Parent = %+v", p)
	}
	if c := m.Relation("Children"); c == nil || c.Kind != HasMany || c.Column != "parent_id" {
		t.Errorf("Children = %+v", c)
	}
	rel := m.Relation("Related")
	if rel == nil || rel.JoinTable != "self_category_related" || rel.JoinColumn != "self_category_id" || rel.JoinRefColumn != "related_id" {
		t.Fatalf("Related = %+v", rel)
	}
	if j := r.Meta("selfCategory.Related"); j == nil || j.Fields[0].ForeignKey.Table != m.Table || j.Fields[1].ForeignKey.Table != m.Table {
		t.Errorf("join = %+v", j)
	}
}
