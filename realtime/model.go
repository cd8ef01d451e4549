package realtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Model change events: a model's changes are published on "model.<name>" (every object)
// and "model.<name>.<id>" (one object), as the events "created", "updated" and "deleted",
// and followed by the users allowed to view the model. The application publishes from its
// ORM hooks (AfterCreate, AfterUpdate, AfterDelete), which reach the hub through their
// context once the app serves it with ContextValue:
//
//	app.SetValue(realtime.ContextValue(hub))
//	hub.ModelChannels("post")
//
//	func (p *Post) AfterUpdate(ctx context.Context) error {
//		return realtime.FromContext(ctx).PublishModel(ctx, "post", "updated", p.ID, p)
//	}

// PermissionChecker is what ModelChannels asks of Identity.User: package auth's *User
// has it.
type PermissionChecker interface {
	HasPerm(ctx context.Context, codename string) (bool, error)
}

// ModelChannels declares the change-event channels of model (a lower-case model name such
// as "post"): "model.<model>" and "model.<model>.*". Joining them needs the permission
// "view_<model>": the connection's Identity.User must be a PermissionChecker that grants it.
func (h *Hub) ModelChannels(model string) {
	if model == "" || strings.ContainsAny(model, ".*> ") {
		panic(fmt.Sprintf("realtime: model name %q", model))
	}
	perm := "view_" + model
	authorize := func(ctx context.Context, who Identity, _ string) error {
		pc, ok := who.User.(PermissionChecker)
		if !ok {
			return errors.New("log in to follow " + model + " changes")
		}
		allowed, err := pc.HasPerm(ctx, perm)
		if err != nil {
			return fmt.Errorf("checking %s: %w", perm, err)
		}
		if !allowed {
			return errors.New("permission " + perm + " required")
		}
		return nil
	}
	h.Channel("model."+model, Channel{Authorize: authorize})
	h.Channel("model."+model+".*", Channel{Authorize: authorize})
}

// ModelEvent is the data of a model change event.
type ModelEvent struct {
	Model  string `json:"model"`
	Action string `json:"action"` // created, updated or deleted
	ID     string `json:"id"`
	Object any    `json:"object,omitempty"`
}

// PublishModel publishes a change of one object of model on "model.<model>" and
// "model.<model>.<id>": action is "created", "updated" or "deleted", object what
// subscribers receive of it (nil for deletions, or to send only the id). A nil hub does
// nothing, so hooks work in apps and tests without one.
func (h *Hub) PublishModel(ctx context.Context, model, action string, id any, object any) error {
	if h == nil {
		return nil
	}
	switch action {
	case "created", "updated", "deleted":
	default:
		return fmt.Errorf("realtime: model action %q: want created, updated or deleted", action)
	}
	ev := ModelEvent{Model: model, Action: action, ID: fmt.Sprint(id), Object: object}
	if err := h.Publish(ctx, "model."+model, action, ev); err != nil {
		return err
	}
	return h.Publish(ctx, "model."+model+"."+ev.ID, action, ev)
}

type ctxKey struct{}

// ContextValue returns the key and value that make FromContext find h in the context of
// every request: app.SetValue(realtime.ContextValue(hub)).
func ContextValue(h *Hub) (key, value any) { return ctxKey{}, h }

// FromContext returns the hub set with ContextValue, or nil (PublishModel on a nil hub
// does nothing).
func FromContext(ctx context.Context) *Hub {
	h, _ := ctx.Value(ctxKey{}).(*Hub)
	return h
}
