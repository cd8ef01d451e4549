package observe

import (
	"context"
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/sinewdev/sinew/orm"
)

// dbMetrics are the query metrics, one child per operation, made up front.
type dbMetrics struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	byOp     map[string]dbChild
}

type dbChild struct {
	duration prometheus.Observer
	errors   prometheus.Counter
}

var operations = []string{"select", "insert", "update", "delete", "other"}

func newDBMetrics(reg prometheus.Registerer, ns string, buckets []float64) dbMetrics {
	m := dbMetrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: "db",
			Name: "query_duration_seconds", Help: "Time to run ORM statements (until the first rows are available), by operation.",
			Buckets: buckets}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "db",
			Name: "query_errors_total", Help: "ORM statements that failed, by operation."}, []string{"operation"}),
		byOp: map[string]dbChild{},
	}
	reg.MustRegister(m.duration, m.errors)
	for _, op := range operations {
		m.byOp[op] = dbChild{m.duration.WithLabelValues(op), m.errors.WithLabelValues(op)}
	}
	return m
}

// QueryHook returns the ORM hook (orm.Config.Hook) that records each statement's latency
// and errors by operation and, when tracing is on, a client span per statement, child of
// the request's span, carrying the statement with its placeholders (never its arguments).
func (o *Observer) QueryHook() orm.QueryHook { return queryHook{o} }

type queryHook struct{ o *Observer }

func (h queryHook) BeforeQuery(ctx context.Context, q orm.QueryEvent) context.Context {
	if !h.o.tracing {
		return ctx
	}
	name := q.Operation
	if q.Table != "" {
		name += " " + q.Table
	}
	ctx, _ = h.o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("db.system.name", q.System),
			attribute.String("db.operation.name", q.Operation),
			attribute.String("db.collection.name", q.Table),
			attribute.String("db.query.text", q.SQL),
		))
	return ctx
}

func (h queryHook) AfterQuery(ctx context.Context, q orm.QueryEvent, d time.Duration, err error) {
	ch, ok := h.o.db.byOp[q.Operation]
	if !ok {
		ch = h.o.db.byOp["other"]
	}
	ch.duration.Observe(d.Seconds())
	if err != nil {
		ch.errors.Inc()
	}
	if !h.o.tracing {
		return
	}
	span := trace.SpanFromContext(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "")
	}
	span.End()
}

// NamedPool is one connection pool reported by the database pool metrics.
type NamedPool struct {
	Name string // the db_name label: "default", "default_writer", ...
	DB   *sql.DB
}

// WatchPools reports the statistics of the pools pools returns (asked at each scrape, so
// a database opened after New is seen once it exists; nil or empty reports nothing) under
// the go_sql_* metrics of Prometheus' DBStatsCollector, labelled db_name. A later call with
// the same key replaces the earlier one.
func (o *Observer) WatchPools(key string, pools func() []NamedPool) {
	o.poolsMu.Lock()
	defer o.poolsMu.Unlock()
	o.pools[key] = pools
}

// poolCollector reads sql.DBStats from the watched pools.
type poolCollector struct{ o *Observer }

var poolDescs = struct {
	maxOpen, open, inUse, idle, waitCount, waitDuration, maxIdleClosed, maxIdleTimeClosed, maxLifetimeClosed *prometheus.Desc
}{
	maxOpen:           poolDesc("max_open_connections", "Maximum number of open connections to the database."),
	open:              poolDesc("open_connections", "The number of established connections both in use and idle."),
	inUse:             poolDesc("in_use_connections", "The number of connections currently in use."),
	idle:              poolDesc("idle_connections", "The number of idle connections."),
	waitCount:         poolDesc("wait_count_total", "The total number of connections waited for."),
	waitDuration:      poolDesc("wait_duration_seconds_total", "The total time blocked waiting for a new connection."),
	maxIdleClosed:     poolDesc("max_idle_closed_total", "The total number of connections closed due to SetMaxIdleConns."),
	maxIdleTimeClosed: poolDesc("max_idle_time_closed_total", "The total number of connections closed due to SetConnMaxIdleTime."),
	maxLifetimeClosed: poolDesc("max_lifetime_closed_total", "The total number of connections closed due to SetConnMaxLifetime."),
}

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("go_sql_"+name, help, []string{"db_name"}, nil)
}

func (pc *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolDescs.maxOpen, poolDescs.open, poolDescs.inUse, poolDescs.idle,
		poolDescs.waitCount, poolDescs.waitDuration, poolDescs.maxIdleClosed, poolDescs.maxIdleTimeClosed, poolDescs.maxLifetimeClosed} {
		ch <- d
	}
}

func (pc *poolCollector) Collect(ch chan<- prometheus.Metric) {
	pc.o.poolsMu.Lock()
	fns := make([]func() []NamedPool, 0, len(pc.o.pools))
	for _, fn := range pc.o.pools {
		fns = append(fns, fn)
	}
	pc.o.poolsMu.Unlock()
	for _, fn := range fns {
		for _, p := range fn() {
			if p.DB == nil {
				continue
			}
			s := p.DB.Stats()
			g := func(d *prometheus.Desc, v float64) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, p.Name)
			}
			c := func(d *prometheus.Desc, v float64) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, p.Name)
			}
			g(poolDescs.maxOpen, float64(s.MaxOpenConnections))
			g(poolDescs.open, float64(s.OpenConnections))
			g(poolDescs.inUse, float64(s.InUse))
			g(poolDescs.idle, float64(s.Idle))
			c(poolDescs.waitCount, float64(s.WaitCount))
			c(poolDescs.waitDuration, s.WaitDuration.Seconds())
			c(poolDescs.maxIdleClosed, float64(s.MaxIdleClosed))
			c(poolDescs.maxIdleTimeClosed, float64(s.MaxIdleTimeClosed))
			c(poolDescs.maxLifetimeClosed, float64(s.MaxLifetimeClosed))
		}
	}
}
