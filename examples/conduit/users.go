package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/web"
)

// User is the spec's User: the logged-in account, with the token to send as
// `Authorization: Token <token>`.
type User struct {
	Email    string `json:"email"`
	Token    string `json:"token"`
	Username string `json:"username"`
	Bio      string `json:"bio"`
	Image    string `json:"image"`
}

type userReply struct {
	User User `json:"user"`
}

type profileReply struct {
	Profile *Profile `json:"profile"`
}

type registration struct {
	Body struct {
		User struct {
			Username string `json:"username" validate:"required,max=100"`
			Email    string `json:"email" validate:"required,email,max=254"`
			Password string `json:"password" validate:"required"`
		} `json:"user"`
	}
}

type credentials struct {
	Body struct {
		User struct {
			Email    string `json:"email" validate:"required"`
			Password string `json:"password" validate:"required"`
		} `json:"user"`
	}
}

type userUpdate struct {
	Body struct {
		User struct {
			Email    *string `json:"email" validate:"email,max=254"`
			Username *string `json:"username" validate:"min=1,max=100"`
			Password *string `json:"password"`
			Bio      *string `json:"bio"`
			Image    *string `json:"image" validate:"max=500"`
		} `json:"user"`
	}
}

type byUsername struct {
	Username string `path:"username"`
}

var errBadLogin = web.Error(http.StatusUnauthorized, "email or password is invalid")

func users(a *api.API, attempts ratelimit.Store) {
	tags := []string{"User and Authentication"}
	api.Post(a, "/users", register, api.Op{ID: "CreateUser", Tags: tags, Status: http.StatusCreated})
	limit := ratelimit.New(attempts, ratelimit.Limit{Events: 10, Per: 15 * time.Minute, Name: "conduit-login"})
	api.Post(a, "/users/login", logIn(limit), api.Op{ID: "Login", Tags: tags, Errors: []int{401, 429}})
	api.Get(a, "/user", currentUser, api.Op{ID: "GetCurrentUser", Tags: tags, Security: login})
	api.Put(a, "/user", updateUser, api.Op{ID: "UpdateCurrentUser", Tags: tags, Security: login})
	tags = []string{"Profile"}
	api.Get(a, "/profiles/{username}", getProfile, api.Op{ID: "GetProfileByUsername", Tags: tags, Errors: []int{404}})
	api.Post(a, "/profiles/{username}/follow", follow(true), api.Op{ID: "FollowUserByUsername", Tags: tags, Security: login, Errors: []int{404}})
	api.Delete(a, "/profiles/{username}/follow", follow(false), api.Op{ID: "UnfollowUserByUsername", Tags: tags, Security: login, Errors: []int{404}})
}

func register(ctx context.Context, in *registration) (*userReply, error) {
	r := in.Body.User
	u, err := auth.NewUser(r.Email, r.Password, auth.PasswordConfig{}) // checks the address and the password rules
	if err != nil {
		return nil, web.Error(http.StatusUnprocessableEntity, err.Error())
	}
	p := &Profile{Username: r.Username}
	err = orm.FromContext(ctx).Tx(ctx, func(ctx context.Context) error {
		if err := orm.Create(ctx, u); err != nil {
			return err
		}
		p.UserID = u.ID
		return orm.Create(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return reply(ctx, u, p, "")
}

// logIn checks a password, at most 10 times per 15 minutes per account (brute force).
func logIn(limit *ratelimit.Limiter) api.Handler[credentials, userReply] {
	return func(ctx context.Context, in *credentials) (*userReply, error) {
		email, _ := auth.NormalizeEmail(in.Body.User.Email)
		if err := limit.Check(ctx, email); err != nil {
			return nil, err
		}
		u, err := orm.Q[auth.User](ctx).Filter("email", email).Filter("is_active", true).First()
		if errors.Is(err, orm.ErrNotFound) {
			return nil, errBadLogin
		} else if err != nil {
			return nil, err
		}
		if ok, _, err := u.CheckPassword(in.Body.User.Password, auth.PasswordConfig{}); err != nil || !ok {
			return nil, errBadLogin
		}
		p, err := orm.Q[Profile](ctx).Filter("user_id", u.ID).First()
		if err != nil {
			return nil, err
		}
		return reply(ctx, u, p, "")
	}
}

// reply answers u's account with token, or with a new personal access token (the token the
// spec calls a JWT) when token is "".
func reply(ctx context.Context, u *auth.User, p *Profile, token string) (*userReply, error) {
	var err error
	if token == "" {
		token, _, err = auth.CreateToken(ctx, u, auth.TokenOptions{Name: "conduit login", TTL: 30 * 24 * time.Hour})
	}
	return &userReply{User{Email: u.Email, Token: token, Username: p.Username, Bio: p.Bio, Image: p.Image}}, err
}

// reader returns the profile of the authenticated user, with the profiles it follows, or
// nil for an anonymous request.
func reader(ctx context.Context) (*Profile, error) {
	u, err := user(api.Ctx(ctx), false)
	if u == nil || err != nil {
		return nil, err
	}
	return orm.Q[Profile](ctx).Filter("user_id", u.ID).Prefetch("Follows").First()
}

func currentUser(ctx context.Context, _ *struct{}) (*userReply, error) {
	p, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	c := api.Ctx(ctx)
	_, tok, _ := strings.Cut(c.Header("Authorization"), " ")
	return reply(ctx, auth.CurrentUser(c), p, tok)
}

func updateUser(ctx context.Context, in *userUpdate) (*userReply, error) {
	p, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	c, f := api.Ctx(ctx), in.Body.User
	u := auth.CurrentUser(c)
	set(&u.Email, f.Email)
	if f.Password != nil {
		if err := u.SetPassword(*f.Password, auth.PasswordConfig{}); err != nil {
			return nil, web.Error(http.StatusUnprocessableEntity, err.Error())
		}
	}
	set(&p.Username, f.Username)
	set(&p.Bio, f.Bio)
	set(&p.Image, f.Image)
	err = orm.FromContext(ctx).Tx(ctx, func(ctx context.Context) error {
		if err := orm.Save(ctx, u, "email", "password_hash"); err != nil {
			return err
		}
		return orm.Save(ctx, p, "username", "bio", "image")
	})
	if err != nil {
		return nil, err
	}
	_, tok, _ := strings.Cut(c.Header("Authorization"), " ")
	return reply(ctx, u, p, tok)
}

// profile returns the reader (nil when anonymous) and the profile of username.
func profile(ctx context.Context, username string) (*Profile, *Profile, error) {
	me, err := reader(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := orm.Q[Profile](ctx).Filter("username", username).First()
	return me, p, err
}

func getProfile(ctx context.Context, in *byUsername) (*profileReply, error) {
	me, p, err := profile(ctx, in.Username)
	if err != nil {
		return nil, err
	}
	p.Following = me.follows(p)
	return &profileReply{p}, nil
}

func follow(on bool) api.Handler[byUsername, profileReply] {
	return func(ctx context.Context, in *byUsername) (*profileReply, error) {
		me, p, err := profile(ctx, in.Username)
		if err == nil && on {
			err = orm.Link(ctx, me, "Follows", p)
		} else if err == nil {
			err = orm.Unlink(ctx, me, "Follows", p)
		}
		if err != nil {
			return nil, err
		}
		p.Following = on
		return &profileReply{p}, nil
	}
}

// set stores *v in dst when the client sent a value.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
