package auth

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// Perm declares a custom permission of a model, returned by its Permissions method.
type Perm struct {
	Codename string // e.g. "publish_post": lower-case letters, digits and underscores
	Name     string // e.g. "Can publish post"
}

// permissioner is what a model implements (on its value or pointer type) to declare
// custom permissions on top of view, add, change and delete.
type permissioner interface{ Permissions() []Perm }

// ErrInvalidCodename reports a custom permission codename SyncPermissions refuses.
var ErrInvalidCodename = errors.New("invalid permission codename")

// maxCodename is the size of the Permission.Codename column.
const maxCodename = 100

// DefaultPerms returns the four permissions SyncPermissions creates for a model: view_,
// add_, change_ and delete_ followed by the lower-cased model name.
func DefaultPerms(meta *orm.Meta) []Perm {
	name := strings.ToLower(meta.Name)
	label := strings.ToLower(meta.Label)
	if label == "" {
		label = name
	}
	out := make([]Perm, 0, 4)
	for _, action := range []string{"view", "add", "change", "delete"} {
		out = append(out, Perm{Codename: action + "_" + name, Name: "Can " + action + " " + label})
	}
	return out
}

// SyncPermissions makes sure every model of reg has its permissions in the database of
// ctx: the four of DefaultPerms and the ones its Permissions() []Perm method declares
// (join tables have none). It creates the missing ones and corrects the name and model of
// the others; running it again changes nothing. It runs in one transaction.
func SyncPermissions(ctx context.Context, reg *orm.Registry) error {
	want, err := wantedPerms(reg)
	if err != nil {
		return err
	}
	db := orm.FromContext(ctx)
	if db == nil {
		return fmt.Errorf("auth: SyncPermissions: %w", orm.ErrNoDB)
	}
	return db.Tx(ctx, func(ctx context.Context) error {
		have, err := orm.Q[Permission](ctx).All()
		if err != nil {
			return fmt.Errorf("auth: loading permissions: %w", err)
		}
		byCode := make(map[string]*Permission, len(have))
		for i := range have {
			byCode[have[i].Codename] = &have[i]
		}
		var missing []Permission
		for _, p := range want {
			old, ok := byCode[p.Codename]
			switch {
			case !ok:
				missing = append(missing, p)
			case old.Name != p.Name || old.ModelName != p.ModelName:
				old.Name, old.ModelName = p.Name, p.ModelName
				if err := orm.Save(ctx, old, "name", "model_name"); err != nil {
					return fmt.Errorf("auth: updating permission %s: %w", p.Codename, err)
				}
			}
		}
		if len(missing) > 0 {
			if err := orm.CreateMany(ctx, missing); err != nil {
				return fmt.Errorf("auth: creating permissions: %w", err)
			}
		}
		return nil
	})
}

// wantedPerms lists the permissions of every model of reg, checking custom codenames.
func wantedPerms(reg *orm.Registry) ([]Permission, error) {
	var out []Permission
	seen := map[string]string{}
	var errs []error
	for _, meta := range reg.Models() {
		if meta.Type == nil || meta.JoinOf != nil {
			continue
		}
		perms := DefaultPerms(meta)
		if p, ok := reflect.New(meta.Type).Interface().(permissioner); ok {
			perms = append(perms, p.Permissions()...)
		}
		for _, p := range perms {
			if err := checkCodename(p.Codename); err != nil {
				errs = append(errs, fmt.Errorf("auth: model %s: %w", meta.Name, err))
				continue
			}
			if other, dup := seen[p.Codename]; dup {
				if other != meta.Name {
					errs = append(errs, fmt.Errorf("auth: model %s: %w %q: model %s declares it too", meta.Name, ErrInvalidCodename, p.Codename, other))
				}
				continue
			}
			seen[p.Codename] = meta.Name
			name := p.Name
			if name == "" {
				name = p.Codename
			}
			out = append(out, Permission{Codename: p.Codename, ModelName: meta.Name, Name: clip(name, 255)})
		}
	}
	return out, errors.Join(errs...)
}

func checkCodename(c string) error {
	if c == "" || len(c) > maxCodename {
		return fmt.Errorf("%w %q: want 1..%d characters", ErrInvalidCodename, clip(c, 64), maxCodename)
	}
	for i := 0; i < len(c); i++ {
		if b := c[i]; !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '.') {
			return fmt.Errorf("%w %q: use lower-case letters, digits, '_' and '.'", ErrInvalidCodename, clip(c, 64))
		}
	}
	return nil
}

// permsQuery selects the codenames given to a user directly or through its groups.
const permsQuery = `SELECT p.codename FROM auth_permissions p
	JOIN auth_user_permissions up ON up.permission_id = p.id WHERE up.user_id = ?
UNION
SELECT p.codename FROM auth_permissions p
	JOIN auth_group_permissions gp ON gp.permission_id = p.id
	JOIN auth_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = ?`

// PermSet returns the codenames of the permissions u has directly or through its groups
// (not the implicit ones of a superuser), loading them with one query the first time and
// caching them on u afterwards (call ForgetPerms after changing them). An inactive user
// has none.
func (u *User) PermSet(ctx context.Context) (map[string]struct{}, error) {
	if !u.IsActive {
		return map[string]struct{}{}, nil
	}
	if u.perms != nil {
		return u.perms, nil
	}
	codes, err := orm.Raw[string](ctx, permsQuery, u.ID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: loading the permissions of user %d: %w", u.ID, err)
	}
	set := make(map[string]struct{}, len(codes))
	for _, c := range codes {
		set[c] = struct{}{}
	}
	u.perms = set
	return set, nil
}

// HasPerm reports whether u may do what codename ("change_post") names: an active
// superuser may do anything, an inactive user nothing, other users what their permissions
// and their groups' permissions allow. The first call loads the permissions (PermSet).
func (u *User) HasPerm(ctx context.Context, codename string) (bool, error) {
	return u.HasPerms(ctx, codename)
}

// HasPerms reports whether u has every one of codenames (see HasPerm).
func (u *User) HasPerms(ctx context.Context, codenames ...string) (bool, error) {
	if !u.IsActive {
		return false, nil
	}
	if u.IsSuperuser {
		return true, nil
	}
	set, err := u.PermSet(ctx)
	if err != nil {
		return false, err
	}
	for _, c := range codenames {
		if _, ok := set[c]; !ok {
			return false, nil
		}
	}
	return true, nil
}

// ForgetPerms drops the permissions cached on u by PermSet, so that the next check reads
// them again.
func (u *User) ForgetPerms() { u.perms = nil }
