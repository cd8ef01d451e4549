package observe

import (
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// Build describes the running binary, from the information the Go toolchain embeds.
type Build struct {
	Path      string `json:"path"`       // the main module's path
	Version   string `json:"version"`    // the main module's version ("(devel)" for a local build)
	Revision  string `json:"revision"`   // the VCS commit, when built from a checkout
	Time      string `json:"time"`       // the commit's time
	Modified  bool   `json:"modified"`   // the checkout had uncommitted changes
	GoVersion string `json:"go_version"` // the toolchain that built the binary
}

// ReadBuild returns the running binary's build information.
func ReadBuild() Build {
	b := Build{GoVersion: runtime.Version(), Version: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Path, b.Version = info.Main.Path, info.Main.Version
	if b.Version == "" {
		b.Version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// buildInfoCollector exposes namespace_build_info{version,revision,goversion} 1.
func buildInfoCollector(ns string) prometheus.Collector {
	b := ReadBuild()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: ns, Name: "build_info",
		Help:        "Build information of the running binary; the value is always 1.",
		ConstLabels: prometheus.Labels{"version": b.Version, "revision": b.Revision, "goversion": b.GoVersion},
	})
	g.Set(1)
	return g
}
