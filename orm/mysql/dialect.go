package mysql

import (
	"errors"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/sinewdev/sinew/orm"
)

// Dialect returns the MySQL/MariaDB dialect, for orm.New and the migrate package.
func Dialect() orm.Dialect { return dialect{} }

type dialect struct{}

// Name implements orm.Dialect.
func (dialect) Name() string { return "mysql" }

// Quote implements orm.Dialect.
func (dialect) Quote(ident string) string {
	return "`" + strings.ReplaceAll(ident, "`", "``") + "`"
}

// Placeholder implements orm.Dialect.
func (dialect) Placeholder(int) string { return "?" }

// ColumnType implements orm.Dialect.
func (dialect) ColumnType(f *orm.Field) string {
	switch f.Kind {
	case orm.KindBool:
		return "BOOLEAN"
	case orm.KindInt:
		return "BIGINT"
	case orm.KindFloat:
		return "DOUBLE"
	case orm.KindDecimal:
		return "DECIMAL(" + strconv.Itoa(f.Size) + "," + strconv.Itoa(f.Scale) + ")"
	case orm.KindString:
		return "VARCHAR(" + strconv.Itoa(f.Size) + ")"
	case orm.KindText:
		return "LONGTEXT"
	case orm.KindBytes:
		return "LONGBLOB"
	case orm.KindTime:
		return "DATETIME(6)"
	case orm.KindDate:
		return "DATE"
	case orm.KindUUID:
		return "CHAR(36)"
	case orm.KindJSON:
		return "JSON"
	}
	return "LONGTEXT"
}

// IdentityColumn implements orm.Dialect.
func (dialect) IdentityColumn(*orm.Field) string { return "BIGINT AUTO_INCREMENT PRIMARY KEY" }

// Features implements orm.Dialect.
func (dialect) Features() orm.Features {
	return orm.Features{
		Returning:          false,
		ForUpdate:          true,
		MaxParams:          65535,
		NoLimit:            "LIMIT 18446744073709551615",
		EmptyInsert:        "() VALUES ()",
		TableOptions:       "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
		InlineIndexes:      true,
		ExpressionDefaults: true,
	}
}

// UpsertClause uses ON DUPLICATE KEY UPDATE, which applies to any unique key of the table
// (MySQL has no conflict target). With an integer key, pk = LAST_INSERT_ID(pk) makes the
// driver report the existing row's key when the row was updated.
func (dialect) UpsertClause(pk string, conflict, update []string) string {
	var parts []string
	if pk != "" {
		parts = append(parts, pk+" = LAST_INSERT_ID("+pk+")")
	}
	for _, c := range update {
		parts = append(parts, c+" = VALUES("+c+")")
	}
	if len(parts) == 0 {
		parts = append(parts, conflict[0]+" = "+conflict[0])
	}
	return "ON DUPLICATE KEY UPDATE " + strings.Join(parts, ", ")
}

// InsertIgnoreClause makes a duplicate a no-op. (INSERT IGNORE would also silence foreign
// key errors.)
func (dialect) InsertIgnoreClause(conflict []string) string {
	return "ON DUPLICATE KEY UPDATE " + conflict[0] + " = " + conflict[0]
}

// TextMatch compares in binary for the case-sensitive lookups (whatever the column's
// collation) and lower-cases both sides for the others.
func (dialect) TextMatch(col, ph string, p orm.Pattern) (string, any) {
	if p.Fold {
		return "LOWER(" + col + ") LIKE LOWER(" + ph + ") ESCAPE '!'", orm.LikePattern(p)
	}
	return col + " LIKE BINARY " + ph + " ESCAPE '!'", orm.LikePattern(p)
}

// MySQL and MariaDB error numbers of constraint violations and bad values.
const (
	erDupEntry          = 1062
	erBadNull           = 1048
	erNoDefault         = 1364
	erRowIsReferenced   = 1451
	erNoReferencedRow   = 1452
	erRowIsReferenced2  = 1217
	erNoReferencedRow2  = 1216
	erDataTooLong       = 1406
	erOutOfRange        = 1264
	erCheckViolated     = 3819 // MySQL
	erMariaCheckFailed  = 4025 // MariaDB
	erTruncatedWrongVal = 1366
)

// TranslateError implements orm.Dialect.
func (dialect) TranslateError(err error) error {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return err
	}
	msg := me.Message
	switch me.Number {
	case erDupEntry:
		// Duplicate entry 'x' for key 'posts_slug_key' (MariaDB) or 'posts.posts_slug_key' (MySQL 8).
		key := quoted(msg[strings.LastIndex(msg, " for key ")+1:], '\'')
		v := &orm.UniqueViolation{Constraint: key, Err: err}
		if t, k, ok := strings.Cut(key, "."); ok {
			v.Table, v.Constraint = t, k
		}
		return v
	case erRowIsReferenced, erNoReferencedRow, erRowIsReferenced2, erNoReferencedRow2:
		// ... a foreign key constraint fails (`db`.`comments`, CONSTRAINT `name` FOREIGN KEY (`post_id`) REFERENCES ...)
		v := &orm.ForeignKeyViolation{Err: err}
		if i := strings.Index(msg, "CONSTRAINT "); i >= 0 {
			v.Constraint = quoted(msg[i:], '`')
		}
		if i := strings.Index(msg, "FOREIGN KEY ("); i >= 0 {
			rest := msg[i+len("FOREIGN KEY ("):]
			if j := strings.IndexByte(rest, ')'); j >= 0 {
				for _, c := range strings.Split(rest[:j], ",") {
					v.Columns = append(v.Columns, strings.Trim(strings.TrimSpace(c), "`"))
				}
			}
		}
		if i := strings.Index(msg, "fails (`"); i >= 0 {
			rest := msg[i+len("fails ("):]
			if j := strings.Index(rest, ","); j >= 0 {
				parts := strings.Split(rest[:j], ".")
				v.Table = strings.Trim(parts[len(parts)-1], "`")
			}
		}
		return v
	case erBadNull, erNoDefault:
		// Column 'title' cannot be null / Field 'title' doesn't have a default value
		return &orm.NotNullViolation{Column: quoted(msg, '\''), Err: err}
	case erCheckViolated:
		// Check constraint 'name' is violated.
		return &orm.CheckViolation{Constraint: quoted(msg, '\''), Err: err}
	case erMariaCheckFailed:
		// CONSTRAINT `name` failed for `db`.`table`
		return &orm.CheckViolation{Constraint: quoted(msg, '`'), Err: err}
	case erDataTooLong:
		return &orm.ValueError{Column: quoted(msg, '\''), Reason: "value too long for its column"}
	case erOutOfRange:
		return &orm.ValueError{Column: quoted(msg, '\''), Reason: "value out of range for its column"}
	case erTruncatedWrongVal:
		return &orm.ValueError{Column: quoted(msg[strings.LastIndex(msg, " for column ")+1:], '\''), Reason: "incorrect value for its column"}
	}
	return err
}

// quoted returns the first string quoted by q in s.
func quoted(s string, q byte) string {
	i := strings.IndexByte(s, q)
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(s[i+1:], q)
	if j < 0 {
		return ""
	}
	return s[i+1 : i+1+j]
}
