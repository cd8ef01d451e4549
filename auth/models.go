package auth

import (
	"context"
	"time"

	"github.com/sinewdev/sinew/orm"
)

// User is an account: it logs in with its e-mail address and a password. Register it with
// the app through Register or Models; its table is auth_users.
type User struct {
	orm.Model
	// Email is the login, stored trimmed and lower-cased (see NormalizeEmail); unique.
	Email string `orm:"size=254,unique"`
	// PasswordHash is the argon2id PHC string of the password (see SetPassword); empty
	// means the user cannot log in with a password.
	PasswordHash string `orm:"size=255" json:"-"`
	// Name is the display name.
	Name string `orm:"size=150"`
	// IsActive users may log in; inactive users have no permissions. It has no column
	// default: set it when creating a user (NewUser does).
	IsActive bool `orm:"index"`
	// IsStaff users may use the admin site.
	IsStaff bool
	// IsSuperuser users have every permission.
	IsSuperuser bool
	// LastLogin is when the user last logged in, nil if never.
	LastLogin *time.Time `orm:"null"`
	// EmailVerifiedAt is when the user proved they read mail sent to Email (the link of
	// the verification e-mail), nil if not yet.
	EmailVerifiedAt *time.Time `orm:"null"`
	// Groups are the groups the user belongs to (join table auth_user_groups).
	Groups []Group `orm:"m2m=auth_user_groups"`
	// Permissions are the permissions given to the user directly (join table
	// auth_user_permissions).
	Permissions []Permission `orm:"m2m=auth_user_permissions"`

	perms map[string]struct{} // the permission codenames, loaded by HasPerm
}

// TableName returns "auth_users".
func (*User) TableName() string { return "auth_users" }

// Group is a named set of permissions given to every user in it; its table is auth_groups.
type Group struct {
	orm.Model
	// Name is unique.
	Name string `orm:"size=150,unique"`
	// Permissions are the group's permissions (join table auth_group_permissions).
	Permissions []Permission `orm:"m2m=auth_group_permissions"`
}

// TableName returns "auth_groups".
func (*Group) TableName() string { return "auth_groups" }

// Permission is the right to do one thing, named by a codename such as "change_post";
// SyncPermissions creates them. Its table is auth_permissions.
type Permission struct {
	orm.Model
	// Codename identifies the permission in code ("view_post"); unique.
	Codename string `orm:"size=100,unique"`
	// ModelName is the registry name of the model it applies to ("Post"), empty for
	// permissions of no model.
	ModelName string `orm:"size=100,index"`
	// Name is the human description ("Can view post").
	Name string `orm:"size=255"`
}

// TableName returns "auth_permissions".
func (*Permission) TableName() string { return "auth_permissions" }

// Models returns the auth models, to pass to App.Models (Register does it).
func Models() []any { return []any{User{}, Group{}, Permission{}, Token{}} }

// NewUser returns an active user with a normalized e-mail address and the password hashed
// with cfg, after checking the address (NormalizeEmail) and the password (cfg.Validate).
// It does not store the user: call orm.Create.
func NewUser(email, password string, cfg PasswordConfig) (*User, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	u := &User{Email: e, IsActive: true}
	if err := u.SetPassword(password, cfg); err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword validates password with cfg and stores its hash in u.PasswordHash (not in
// the database: save the user).
func (u *User) SetPassword(password string, cfg PasswordConfig) error {
	if err := cfg.Validate(password); err != nil {
		return err
	}
	h, err := cfg.Hash(password)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	return nil
}

// CheckPassword reports whether password is u's; rehash is true when the stored hash was
// made with other parameters than cfg's (store a new one with SetPassword and orm.Save).
// A user without a password never matches. The error reports a malformed stored hash.
func (u *User) CheckPassword(password string, cfg PasswordConfig) (ok, rehash bool, err error) {
	if u.PasswordHash == "" {
		return false, false, nil
	}
	return cfg.Check(u.PasswordHash, password)
}

// BeforeCreate normalizes the e-mail address.
func (u *User) BeforeCreate(context.Context) error { return u.normalize() }

// BeforeUpdate normalizes the e-mail address.
func (u *User) BeforeUpdate(context.Context) error { return u.normalize() }

func (u *User) normalize() error {
	e, err := NormalizeEmail(u.Email)
	if err != nil {
		return &orm.ValueError{Model: "User", Field: "Email", Column: "email", Reason: err.Error()}
	}
	u.Email = e
	return nil
}
