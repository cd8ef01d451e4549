package ormtest

import (
	"testing"

	"github.com/sinewdev/sinew/orm"
)

// Run runs the ORM conformance suite on the databases open returns: every feature of the
// orm package, each in a parallel subtest with its own database.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"CRUD", testCRUD},
		{"Filters", testFilters},
		{"TextLookups", testTextLookups},
		{"AndOrNot", testAndOrNot},
		{"OrderLimitOffset", testOrderLimitOffset},
		{"Keyset", testKeyset},
		{"CountExists", testCountExists},
		{"Aggregate", testAggregate},
		{"Select", testSelect},
		{"UpdateDeleteByQuery", testUpdateDeleteByQuery},
		{"CreateMany", testCreateMany},
		{"Upsert", testUpsert},
		{"SaveMany", testSaveMany},
		{"ForUpdate", testForUpdate},
		{"Raw", testRaw},
		{"UUIDAndNulls", testUUIDAndNulls},
		{"Nullable", testNullable},
		{"TimeUTC", testTimeUTC},
		{"JSON", testJSON},
		{"Decimal", testDecimal},
		{"Prefetch", testPrefetch},
		{"ManyToMany", testManyToMany},
		{"SelfRelations", testSelfRelations},
		{"Tx", testTx},
		{"Hooks", testHooks},
		{"Violations", testViolations},
		{"ValueErrors", testValueErrors},
		{"Injection", testInjection},
		{"NPlusOne", testNPlusOne},
		{"ConcurrentWriters", testConcurrentWriters},
		{"NoDB", testNoDB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, setup(t, open, orm.Config{}))
		})
	}
	t.Run("Check", func(t *testing.T) {
		t.Parallel()
		testCheck(t, open)
	})
	t.Run("Registration", func(t *testing.T) {
		t.Parallel()
		testRegistration(t, open)
	})
}
