package covalence

import "time"

// filterParams is a set of AROFilters, one bit per index.
type filterParams uint32

// numFilterParams is the number of AROFilters (bits of filterParams used).
var numFilterParams = len(AROFilters)

// aroMatcher is an AROQuery as a check on what the portal answers: an ARO
// matches when it satisfies every parameter that was sent. A portal that
// applies its filters sends only matching AROs; one that ignores a
// parameter (a proxy dropping it, another name on the real portal) would
// otherwise put another organization's AROs into the answer.
//
// The rules are AROFilters': an Equal filter's field equal to the value
// sent (organization_id is the ARO's organization.ID); since and until an
// inclusive window on creation_time in whole seconds, UTC, exactly as sent
// (AROQuery.window). A null value, and a creation_time that is not a time,
// never match a parameter that was sent.
type aroMatcher struct {
	set    filterParams // the parameters sent
	checks []filterCheck
}

// filterCheck is one parameter sent, as the matcher checks it.
type filterCheck struct {
	bit   filterParams
	kind  FilterKind
	field func(*filterFields) *string
	value string    // Equal: the value sent
	bound time.Time // Since, Until: the bound sent
}

// matcher is q's check; it checks nothing when q sends no filter.
func (q AROQuery) matcher() aroMatcher {
	var m aroMatcher
	since, until := q.window()
	for i := range AROFilters {
		f := &AROFilters[i]
		c := filterCheck{bit: 1 << i, kind: f.Kind, field: f.field}
		switch f.Kind {
		case Equal:
			c.value = *f.value(&q)
			if c.value == "" {
				continue
			}
		case Since:
			if since == nil {
				continue
			}
			c.bound = *since
		case Until:
			if until == nil {
				continue
			}
			c.bound = *until
		}
		m.set |= c.bit
		m.checks = append(m.checks, c)
	}
	return m
}

// misses is the set of parameters f does not satisfy; 0 when it matches.
func (m *aroMatcher) misses(f *filterFields) filterParams {
	var out filterParams
	// The time of the field last parsed: since and until check the same one.
	var parsed *string
	var t time.Time
	ok := false
	for i := range m.checks {
		c := &m.checks[i]
		v := c.field(f)
		if c.kind == Equal {
			if !equal(v, c.value) {
				out |= c.bit
			}
			continue
		}
		if v != parsed || v == nil {
			parsed, ok = v, false
			if v != nil {
				t, ok = ParsePortalTime(*v)
				t = t.Truncate(time.Second) // whole seconds, as the portal keeps them
			}
		}
		if !ok || c.kind == Since && t.Before(c.bound) || c.kind == Until && t.After(c.bound) {
			out |= c.bit
		}
	}
	return out
}

// equal reports whether a nullable value is want; null never is.
func equal(v *string, want string) bool { return v != nil && *v == want }
