package orm

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Model is embedded in a struct to give it the conventional columns: an int64 identity
// primary key assigned by the database, and creation and update times the ORM maintains.
//
//	type Post struct {
//		orm.Model
//		Title string
//	}
type Model struct {
	ID        int64     `orm:"pk" json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// UUIDModel is Model with a UUID primary key instead of an integer: a version 7 UUID
// (time-ordered, so it indexes well) is assigned by Create when ID is the zero UUID.
type UUIDModel struct {
	ID        uuid.UUID `orm:"pk" json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// The hook interfaces. A model implements any of them on its pointer type; the ORM calls
// them from Create, Save and Delete (not from query-level Update and Delete, nor CreateMany's
// database batch, which calls the create hooks per row), with the context of the operation,
// so inside a transaction they run in it. Order on create: BeforeCreate, Validate, INSERT,
// AfterCreate; on save: BeforeUpdate, Validate, UPDATE, AfterUpdate; on delete: BeforeDelete,
// DELETE, AfterDelete. An error from any hook aborts the operation and is returned as is.
// When a model has before or after hooks for an operation, the operation runs in a
// transaction (a savepoint when one is already open), so an error from an After hook also
// undoes the write.
type (
	// BeforeCreateHook runs before a row is inserted, after CreatedAt, UpdatedAt and a UUID
	// primary key have been set; it may change the model.
	BeforeCreateHook interface {
		BeforeCreate(ctx context.Context) error
	}
	// AfterCreateHook runs after the row is inserted and its primary key is known.
	AfterCreateHook interface {
		AfterCreate(ctx context.Context) error
	}
	// BeforeUpdateHook runs before Save writes the row.
	BeforeUpdateHook interface {
		BeforeUpdate(ctx context.Context) error
	}
	// AfterUpdateHook runs after Save wrote the row.
	AfterUpdateHook interface {
		AfterUpdate(ctx context.Context) error
	}
	// BeforeDeleteHook runs before Delete removes the row.
	BeforeDeleteHook interface {
		BeforeDelete(ctx context.Context) error
	}
	// AfterDeleteHook runs after Delete removed the row.
	AfterDeleteHook interface {
		AfterDelete(ctx context.Context) error
	}
	// Validator checks a model before every create and save; an error aborts the write.
	Validator interface {
		Validate(ctx context.Context) error
	}
)

// TableNamer is implemented by models that choose their own table name instead of the
// snake_case plural of the type name.
type TableNamer interface{ TableName() string }
