//go:build !race

package sinew_test

const raceEnabled = false
