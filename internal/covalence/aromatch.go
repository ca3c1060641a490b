package covalence

import "time"

// AROFilterParams are the filter parameters of GET providers/{id}/aros that
// the client sends and checks on every ARO that comes back (aroMatcher), in
// the order PageStats.Unapplied lists them.
var AROFilterParams = []string{"organization_id", "status", "resolution", "type", "since", "until", "id"}

// filterParams is a set of AROFilterParams, one bit per index.
type filterParams uint8

const (
	paramOrganizationID filterParams = 1 << iota
	paramStatus
	paramResolution
	paramType
	paramSince
	paramUntil
	paramID
	numFilterParams = iota
)

// filterFields is what the pager reads of an item, whatever its decoded form
// (ARO, AROSummaryItem): its ID and the fields the query filters on.
type filterFields struct {
	ID                                                     string
	OrganizationID, Status, Resolution, Type, CreationTime *string
}

// aroMatcher is an AROQuery as a check on what the portal answers: an ARO
// matches when it satisfies every parameter that was sent. A portal that
// applies its filters sends only matching AROs; one that ignores a
// parameter (a proxy dropping it, another name on the real portal) would
// otherwise put another organization's AROs into the answer.
//
// The rules are the contract's: organization_id, status, resolution, type
// and id equal to the value sent (organization_id is the ARO's
// organization.ID); since and until an inclusive window on creation_time in
// whole seconds, UTC, exactly as sent (AROQuery.window). A null value, and a
// creation_time that is not a time, never match a parameter that was sent.
type aroMatcher struct {
	set                                       filterParams // the parameters sent
	id, status, resolution, typ, organization string
	since, until                              time.Time
}

// matcher is q's check; it checks nothing when q sends no filter.
func (q AROQuery) matcher() aroMatcher {
	m := aroMatcher{id: q.ID, status: q.Status, resolution: q.Resolution, typ: q.Type, organization: q.OrganizationID}
	for _, p := range []struct {
		v   string
		bit filterParams
	}{{q.OrganizationID, paramOrganizationID}, {q.Status, paramStatus}, {q.Resolution, paramResolution}, {q.Type, paramType}, {q.ID, paramID}} {
		if p.v != "" {
			m.set |= p.bit
		}
	}
	since, until := q.window()
	if since != nil {
		m.set, m.since = m.set|paramSince, *since
	}
	if until != nil {
		m.set, m.until = m.set|paramUntil, *until
	}
	return m
}

// misses is the set of parameters f does not satisfy; 0 when it matches.
func (m *aroMatcher) misses(f *filterFields) filterParams {
	if m.set == 0 {
		return 0
	}
	var out filterParams
	if m.set&paramID != 0 && f.ID != m.id {
		out |= paramID
	}
	if m.set&paramOrganizationID != 0 && !equal(f.OrganizationID, m.organization) {
		out |= paramOrganizationID
	}
	if m.set&paramStatus != 0 && !equal(f.Status, m.status) {
		out |= paramStatus
	}
	if m.set&paramResolution != 0 && !equal(f.Resolution, m.resolution) {
		out |= paramResolution
	}
	if m.set&paramType != 0 && !equal(f.Type, m.typ) {
		out |= paramType
	}
	if m.set&(paramSince|paramUntil) != 0 {
		var t time.Time
		ok := false
		if f.CreationTime != nil {
			t, ok = ParsePortalTime(*f.CreationTime)
			t = t.Truncate(time.Second) // the portal's resolution
		}
		if m.set&paramSince != 0 && (!ok || t.Before(m.since)) {
			out |= paramSince
		}
		if m.set&paramUntil != 0 && (!ok || t.After(m.until)) {
			out |= paramUntil
		}
	}
	return out
}

// equal reports whether a nullable value is want; null never is.
func equal(v *string, want string) bool { return v != nil && *v == want }
