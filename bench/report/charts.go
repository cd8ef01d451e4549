package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var (
	sinewColor = color.RGBA{R: 0xe8, G: 0x59, B: 0x0c, A: 0xff} // Sinew's bars
	peerColor  = color.RGBA{R: 0x5b, G: 0x70, B: 0x83, A: 0xff} // everyone else's
)

// bar is one bar of a chart.
type bar struct {
	Label string
	Value float64
	Sinew bool
}

// barChart draws horizontal bars, the largest on top, Sinew's in its own colour, each
// labelled with its value.
func barChart(title, xlabel string, bars []bar) (*plot.Plot, error) {
	bars = slices.Clone(bars)
	slices.SortStableFunc(bars, func(a, b bar) int {
		switch {
		case a.Value < b.Value:
			return -1
		case a.Value > b.Value:
			return 1
		}
		return 0
	})
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.X.Min = 0
	names := make([]string, len(bars))
	var top float64
	xys := make(plotter.XYs, len(bars))
	labels := make([]string, len(bars))
	for i, b := range bars {
		names[i] = b.Label
		chart, err := plotter.NewBarChart(plotter.Values{b.Value}, vg.Points(14))
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", title, err)
		}
		chart.Horizontal = true
		chart.XMin = float64(i)
		chart.LineStyle.Width = 0
		chart.Color = peerColor
		if b.Sinew {
			chart.Color = sinewColor
		}
		p.Add(chart)
		top = max(top, b.Value)
		xys[i] = plotter.XY{X: b.Value, Y: float64(i)}
		labels[i] = thousands(b.Value)
	}
	if len(bars) > 0 {
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return nil, fmt.Errorf("chart %q: %w", title, err)
		}
		l.Offset = vg.Point{X: vg.Points(4)}
		for i := range l.TextStyle {
			l.TextStyle[i].YAlign = text.YCenter
		}
		p.Add(l)
		p.X.Max = top * 1.18
	}
	p.X.Tick.Marker = commaTicks{}
	p.NominalY(names...)
	p.Y.Tick.Label.Font.Size = vg.Points(10)
	return p, nil
}

// commaTicks are gonum's default ticks labelled as whole numbers with comma separators.
type commaTicks struct{}

// Ticks implements plot.Ticker.
func (commaTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = thousands(ticks[i].Value)
		}
	}
	return ticks
}

// saveChart writes p as a PNG sized for n bars.
func saveChart(p *plot.Plot, n int, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return p.Save(7*vg.Inch, vg.Points(float64(70+22*n)), path)
}

// saveTiles draws plots in a grid of cols columns into one PNG.
func saveTiles(plots []*plot.Plot, cols int, n int, path string) error {
	rows := (len(plots) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i, p := range plots {
		grid[i/cols] = append(grid[i/cols], p)
	}
	for len(grid[rows-1]) < cols {
		grid[rows-1] = append(grid[rows-1], nil)
	}
	w := vg.Length(cols) * 6.5 * vg.Inch
	h := vg.Length(rows) * vg.Points(float64(80+22*n))
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// thousands formats v rounded to an integer with comma separators.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
