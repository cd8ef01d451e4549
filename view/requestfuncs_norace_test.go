//go:build !race

package view

// raceDetector is true under -race, where sync.Pool drops items at random and allocation
// counts mean nothing.
const raceDetector = false
