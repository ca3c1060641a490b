package provider

import "testing"

// TestSeverityRule: one scale for severity_rank, severity_at_least and
// min_severity. The contract's severities rank 0 to 5 in rising order;
// anything else has no rank and passes every minimum; an unranked minimum
// filters nothing.
func TestSeverityRule(t *testing.T) {
	for i, s := range contractSeverities {
		if r, ok := severityRank(s); !ok || r != i {
			t.Errorf("severityRank(%q) = %d, %v; want %d, true", s, r, ok, i)
		}
	}
	for _, s := range notSeverities {
		if r, ok := severityRank(s); ok {
			t.Errorf("severityRank(%q) = %d, true; want no rank", s, r)
		}
	}
	for i, s := range contractSeverities {
		for j, m := range contractSeverities {
			if got, want := severityAtLeast(s, m), i >= j; got != want {
				t.Errorf("severityAtLeast(%q, %q) = %v, want %v", s, m, got, want)
			}
		}
		for _, bad := range notSeverities {
			if !severityAtLeast(bad, s) {
				t.Errorf("severityAtLeast(%q, %q) = false: an unranked severity must pass (fail closed)", bad, s)
			}
			if !severityAtLeast(s, bad) {
				t.Errorf("severityAtLeast(%q, %q) = false: an unranked minimum must filter nothing", s, bad)
			}
		}
	}
}
