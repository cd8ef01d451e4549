package auth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
)

// Article is an app model with a custom permission.
type Article struct {
	orm.Model
	Title string `orm:"size=200"`
}

func (Article) Permissions() []Perm {
	return []Perm{{Codename: "publish_article", Name: "Can publish article"}}
}

// openDB opens an isolated database with the auth tables created by Migrations() and the
// Article table, and returns a context carrying it.
func openDB(t *testing.T, open ormtest.Opener) (context.Context, *orm.DB) {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(append(Models(), Article{})...); err != nil {
		t.Fatal(err)
	}
	db := open(t, orm.Config{Registry: reg})
	ctx := orm.WithDB(t.Context(), db)
	m, err := migrate.FromORM(db, Migrations(), migrate.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx, db
}

// TestDatabases runs the database tests on SQLite, and on PostgreSQL and MySQL when
// SINEW_TEST_POSTGRES_URL and SINEW_TEST_MYSQL_URL are set.
func TestDatabases(t *testing.T) {
	t.Parallel()
	for _, d := range []struct {
		name string
		open ormtest.Opener
	}{
		{"sqlite", ormtest.OpenSQLite},
		{"postgres", ormtest.OpenPostgres},
		{"mysql", ormtest.OpenMySQL},
	} {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name string
				fn   func(t *testing.T, open ormtest.Opener)
			}{
				{"SyncPermissions", testSyncPermissions},
				{"HasPerm", testHasPerm},
				{"Users", testUsers},
				{"HostileEmails", testHostileEmails},
				{"Tokens", testTokens},
			} {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.fn(t, d.open)
				})
			}
		})
	}
}

func codenames(t *testing.T, ctx context.Context) []string {
	t.Helper()
	perms, err := orm.Q[Permission](ctx).OrderBy("codename").All()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range perms {
		out = append(out, p.Codename)
	}
	return out
}

func testSyncPermissions(t *testing.T, open ormtest.Opener) {
	ctx, db := openDB(t, open)
	if err := SyncPermissions(ctx, db.Registry()); err != nil {
		t.Fatal(err)
	}
	first := codenames(t, ctx)
	want := []string{
		"add_article", "add_group", "add_permission", "add_token", "add_user",
		"change_article", "change_group", "change_permission", "change_token", "change_user",
		"delete_article", "delete_group", "delete_permission", "delete_token", "delete_user",
		"publish_article",
		"view_article", "view_group", "view_permission", "view_token", "view_user",
	}
	if !slices.Equal(first, want) {
		t.Fatalf("permissions after sync:\n%v\nwant\n%v", first, want)
	}
	p, err := orm.Q[Permission](ctx).Filter("codename", "view_article").First()
	if err != nil {
		t.Fatal(err)
	}
	if p.ModelName != "Article" || p.Name != "Can view article" {
		t.Fatalf("view_article = %+v", p)
	}

	// Idempotent: a second run changes nothing, and a renamed permission is corrected.
	if _, err := orm.Q[Permission](ctx).Filter("codename", "publish_article").Update(orm.Set("name", "old")); err != nil {
		t.Fatal(err)
	}
	if err := SyncPermissions(ctx, db.Registry()); err != nil {
		t.Fatal(err)
	}
	if again := codenames(t, ctx); !slices.Equal(again, want) {
		t.Fatalf("permissions after a second sync: %v", again)
	}
	p, err = orm.Q[Permission](ctx).Filter("codename", "publish_article").First()
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Can publish article" {
		t.Fatalf("renamed permission not corrected: %q", p.Name)
	}

	if err := SyncPermissions(context.Background(), db.Registry()); !errors.Is(err, orm.ErrNoDB) {
		t.Fatalf("SyncPermissions without a DB: %v", err)
	}
}

// BadPerms declares an invalid custom permission.
type BadPerms struct {
	orm.Model
}

func (*BadPerms) Permissions() []Perm {
	return []Perm{{Codename: "Drop Table;"}, {Codename: "view_article"}}
}

func TestSyncPermissionsRefusesBadCodenames(t *testing.T) {
	t.Parallel()
	reg := orm.NewRegistry()
	if err := reg.Register(append(Models(), Article{}, BadPerms{})...); err != nil {
		t.Fatal(err)
	}
	db := ormtest.OpenSQLite(t, orm.Config{Registry: reg})
	ctx := orm.WithDB(t.Context(), db)
	if err := db.CreateTables(ctx); err != nil {
		t.Fatal(err)
	}
	err := SyncPermissions(ctx, reg)
	if !errors.Is(err, ErrInvalidCodename) || !strings.Contains(err.Error(), "Drop Table;") || !strings.Contains(err.Error(), "view_article") {
		t.Fatalf("SyncPermissions = %v; want both bad codenames reported", err)
	}
	if n, err := orm.Q[Permission](ctx).Count(); err != nil || n != 0 {
		t.Fatalf("%d permissions written (%v); want none", n, err)
	}
}

func testHasPerm(t *testing.T, open ormtest.Opener) {
	ctx, db := openDB(t, open)
	if err := SyncPermissions(ctx, db.Registry()); err != nil {
		t.Fatal(err)
	}
	perm := func(code string) *Permission {
		t.Helper()
		p, err := orm.Q[Permission](ctx).Filter("codename", code).First()
		if err != nil {
			t.Fatal(code, err)
		}
		return p
	}
	editors := &Group{Name: "editors"}
	if err := orm.Create(ctx, editors); err != nil {
		t.Fatal(err)
	}
	if err := orm.Link(ctx, editors, "Permissions", perm("change_article"), perm("view_article")); err != nil {
		t.Fatal(err)
	}
	newUser := func(email string, edit func(*User)) *User {
		t.Helper()
		u := &User{Email: email, IsActive: true}
		edit(u)
		if err := orm.Create(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	plain := newUser("plain@example.com", func(*User) {})
	direct := newUser("direct@example.com", func(*User) {})
	if err := orm.Link(ctx, direct, "Permissions", perm("publish_article")); err != nil {
		t.Fatal(err)
	}
	member := newUser("member@example.com", func(*User) {})
	if err := orm.Link(ctx, member, "Groups", editors); err != nil {
		t.Fatal(err)
	}
	both := newUser("both@example.com", func(*User) {})
	if err := orm.Link(ctx, both, "Groups", editors); err != nil {
		t.Fatal(err)
	}
	if err := orm.Link(ctx, both, "Permissions", perm("change_article"), perm("delete_article")); err != nil {
		t.Fatal(err)
	}
	super := newUser("super@example.com", func(u *User) { u.IsSuperuser = true })
	inactive := newUser("inactive@example.com", func(u *User) { u.IsActive = false })
	if err := orm.Link(ctx, inactive, "Groups", editors); err != nil {
		t.Fatal(err)
	}
	inactiveSuper := newUser("inactive-super@example.com", func(u *User) { u.IsActive = false; u.IsSuperuser = true })

	for _, tc := range []struct {
		user  *User
		perms []string
		want  bool
	}{
		{plain, []string{"view_article"}, false},
		{direct, []string{"publish_article"}, true},
		{direct, []string{"view_article"}, false},
		{member, []string{"change_article"}, true},
		{member, []string{"view_article", "change_article"}, true},
		{member, []string{"delete_article"}, false},
		{member, []string{"view_article", "delete_article"}, false},
		{both, []string{"change_article", "delete_article", "view_article"}, true},
		{super, []string{"delete_user", "anything_at_all"}, true},
		{inactive, []string{"view_article"}, false},
		{inactiveSuper, []string{"view_article"}, false},
		{member, []string{"' OR 1=1 --"}, false},
	} {
		// Load the user afresh, as a request would.
		u, err := orm.Q[User](ctx).Get(tc.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := u.HasPerms(ctx, tc.perms...)
		if err != nil || got != tc.want {
			t.Errorf("%s HasPerms(%v) = %v, %v; want %v", u.Email, tc.perms, got, err, tc.want)
		}
	}

	// The permission set is loaded with one query and then cached on the user value.
	u, err := orm.Q[User](ctx).Get(both.ID)
	if err != nil {
		t.Fatal(err)
	}
	tctx, tracker := orm.WithTracker(ctx)
	for _, code := range []string{"view_article", "change_article", "delete_article", "add_article"} {
		if _, err := u.HasPerm(tctx, code); err != nil {
			t.Fatal(err)
		}
	}
	if n := tracker.Queries(); n != 1 {
		t.Fatalf("4 HasPerm calls ran %d queries; want 1", n)
	}
	set, err := u.PermSet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 3 {
		t.Fatalf("PermSet = %v; want view, change and delete article (no duplicates)", set)
	}
	// A change is seen after ForgetPerms.
	if err := orm.Link(ctx, u, "Permissions", perm("add_article")); err != nil {
		t.Fatal(err)
	}
	if ok, _ := u.HasPerm(ctx, "add_article"); ok {
		t.Fatal("the cached set changed before ForgetPerms")
	}
	u.ForgetPerms()
	if ok, err := u.HasPerm(ctx, "add_article"); !ok || err != nil {
		t.Fatalf("HasPerm after ForgetPerms = %v, %v", ok, err)
	}
}

func testUsers(t *testing.T, open ormtest.Opener) {
	ctx, _ := openDB(t, open)
	u, err := NewUser("  Ada.Lovelace@Example.COM ", "analytical-engine-1843", fast)
	if err != nil {
		t.Fatal(err)
	}
	if err := orm.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := orm.Q[User](ctx).Filter("email", "ada.lovelace@example.com").First()
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsActive || got.IsSuperuser || got.LastLogin != nil {
		t.Fatalf("stored user = %+v", got)
	}
	if ok, rehash, err := got.CheckPassword("analytical-engine-1843", fast); !ok || rehash || err != nil {
		t.Fatalf("CheckPassword = %v, %v, %v", ok, rehash, err)
	}
	if ok, _, _ := got.CheckPassword("analytical-engine-1842", fast); ok {
		t.Fatal("wrong password accepted")
	}
	if _, rehash, _ := got.CheckPassword("analytical-engine-1843", PasswordConfig{Memory: 128, Iterations: 1}); !rehash {
		t.Fatal("no rehash after a parameter change")
	}
	if ok, _, err := (&User{}).CheckPassword("", fast); ok || err != nil {
		t.Fatalf("a user without a password matched: %v, %v", ok, err)
	}

	// The same address in other case is a duplicate.
	dup := &User{Email: "ADA.LOVELACE@example.com", IsActive: true}
	var uv *orm.UniqueViolation
	if err := orm.Create(ctx, dup); !errors.As(err, &uv) {
		t.Fatalf("duplicate e-mail: %v; want a UniqueViolation", err)
	}
	// Saving normalizes too, and refuses a bad address.
	got.Email = "Ada@Example.com"
	if err := orm.Save(ctx, got); err != nil || got.Email != "ada@example.com" {
		t.Fatalf("Save = %v, email %q", err, got.Email)
	}
	got.Email = "not an address"
	var ve *orm.ValueError
	if err := orm.Save(ctx, got); !errors.As(err, &ve) || ve.Field != "Email" {
		t.Fatalf("Save with a bad address = %v; want a ValueError on Email", err)
	}

	for _, tc := range []struct {
		email, pw string
		want      error
	}{
		{"bad", "analytical-engine-1843", ErrInvalidEmail},
		{"ok@example.com", "short", ErrPasswordTooShort},
		{"ok@example.com", "password1234", nil},
	} {
		_, err := NewUser(tc.email, tc.pw, fast)
		if tc.want == nil && err != nil || !errors.Is(err, tc.want) {
			t.Errorf("NewUser(%q, %q) = %v, want %v", tc.email, tc.pw, err, tc.want)
		}
	}
}

func testHostileEmails(t *testing.T, open ormtest.Opener) {
	ctx, _ := openDB(t, open)
	for _, tc := range []struct {
		email string
		ok    bool
	}{
		{"robert'); DROP TABLE auth_users;--@example.com", false},
		{"x@example.com' OR '1'='1", false},
		{"o'reilly@example.com", true},
		{"admin@example.com\"--", false},
		{strings.Repeat("a", 10*1024) + "@example.com", false},
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com", true},
		{"用户@例子.广告", true},
		{"ünïcödé@bücher.example", true},
		{"\u202eevil@example.com", true},
		{"nul\x00@example.com", false},
		{"\xc3\x28@example.com", false},
	} {
		u := &User{Email: tc.email, IsActive: true}
		err := orm.Create(ctx, u)
		if !tc.ok {
			var ve *orm.ValueError
			if !errors.As(err, &ve) {
				t.Errorf("Create with %.40q = %v; want a ValueError", tc.email, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Create with %.40q: %v", tc.email, err)
			continue
		}
		got, err := orm.Q[User](ctx).Filter("email", strings.ToLower(tc.email)).First()
		if err != nil || got.ID != u.ID || got.Email != strings.ToLower(tc.email) {
			t.Errorf("%.40q did not round-trip: %+v, %v", tc.email, got, err)
		}
	}
	// Nothing else was written and the table is intact.
	n, err := orm.Q[User](ctx).Count()
	if err != nil || n != 5 {
		t.Fatalf("%d users (%v); want 5", n, err)
	}
}
