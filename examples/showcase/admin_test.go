package main

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
)

// TestShowcasePublishAction runs the admin's "publish" bulk action, which writes every
// selected post with one orm.SaveMany statement, as a staff user would from the list page.
func TestShowcasePublishAction(t *testing.T) {
	t.Parallel()
	app := testkit.New(t, setup)
	ctx := app.Ctx()
	u, err := auth.NewUser("editor@example.com", "a long editor password", auth.PasswordConfig{})
	if err != nil {
		t.Fatal(err)
	}
	u.IsStaff, u.IsSuperuser = true, true
	if err := orm.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	drafts, err := orm.Q[Post](ctx).Filter("published", false).All()
	if err != nil || len(drafts) == 0 {
		t.Fatalf("the seed data has no draft to publish (%v)", err)
	}
	form := url.Values{"action": {"publish"}}
	for _, p := range drafts {
		form.Add("ids", strconv.FormatInt(p.ID, 10))
	}
	c := app.Client()
	c.LoginAs(u)
	c.PostForm("/admin/post/", form).ExpectStatus(http.StatusSeeOther).Follow().
		ExpectStatus(http.StatusOK).ExpectContains("Published " + strconv.Itoa(len(drafts)) + " post")
	if n, err := orm.Q[Post](ctx).Filter("published", false).Count(); err != nil || n != 0 {
		t.Errorf("%d drafts left after the action (%v)", n, err)
	}

	// Without a login the action is refused and nothing changes.
	if err := orm.Save(ctx, &drafts[0], "Published"); err != nil { // back to draft
		t.Fatal(err)
	}
	app.Client().PostForm("/admin/post/", form).ExpectStatus(http.StatusUnauthorized)
	if n, _ := orm.Q[Post](ctx).Filter("published", false).Count(); n != 1 {
		t.Errorf("an anonymous action changed the drafts: %d left", n)
	}
}
