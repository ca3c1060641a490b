package provider

import "slices"

// The one severity rule of the provider: min_severity (aroQuery.keeps),
// severity_rank and severity_at_least all rank a severity with severityRank
// and compare with severityAtLeast.

// severityRank is the rank of an ARO severity: its position in
// aroSeverities, 0 (Informational) to 5 (Critical), the scale severity_rank
// returns. ok is false for anything else (an empty or null severity, a value
// the portal does not document, another spelling: the match is exact).
func severityRank(severity string) (rank int, ok bool) {
	rank = slices.Index(aroSeverities, severity)
	return rank, rank >= 0
}

// severityAtLeast reports whether severity ranks at or above minimum. Either
// one without a rank passes: a severity the provider cannot rank is kept, so
// a compliance gate fails closed, and an unranked minimum filters nothing
// (min_severity's validator and severity_at_least refuse one before this).
func severityAtLeast(severity, minimum string) bool {
	r, ok := severityRank(severity)
	lowest, known := severityRank(minimum)
	return !ok || !known || r >= lowest
}
