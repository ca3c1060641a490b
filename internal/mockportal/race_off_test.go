//go:build !race

package mockportal

const raceEnabled = false
