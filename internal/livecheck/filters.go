package livecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// filterProbe is one filtered read and what the unfiltered reads say of it.
type filterProbe struct {
	id    string // point ID
	query map[string]string
	match func(aroInfo) bool
	// atLeast: AROs read unfiltered that match (they exist, so the answer
	// must count them); exact, when known: the number that must match.
	atLeast int
	exact   *int
	chosen  string // how the value was chosen, for the report
}

// filterPoints are the points of the filter probes, in the report's order:
// one per filter of covalence.AROFilters, the window of since and until
// after until, then the ARO read by id.
func filterPoints() []string {
	var ids []string
	for _, f := range covalence.AROFilters {
		ids = append(ids, "aros.filter."+f.Param)
		if f.Kind == covalence.Until {
			ids = append(ids, "aros.filter.since_until")
		}
	}
	return append(ids, "aros.by_id")
}

func (c *check) filters(ctx context.Context) {
	ids := filterPoints()
	if !c.aroAnswered {
		c.notTestable("no unfiltered ARO page could be read", ids...)
		return
	}
	if len(c.prefix) == 0 {
		c.notTestable("no data: the provider has no AROs to take filter values from", ids...)
		return
	}
	// Each equality filter with the rarest value of its field; the time
	// bounds (timeFilters) and id (byID, every ID being rare) have their own.
	for _, f := range covalence.AROFilters {
		if f.Kind != covalence.Equal || f.Param == "id" {
			continue
		}
		id := "aros.filter." + f.Param
		get := func(a aroInfo) string { return a.field(f.Field) }
		v, n := rarest(c.prefix, get)
		if v == "" {
			c.notTestable(fmt.Sprintf("no data: none of the %d AROs read has a %s", len(c.prefix), f.Param), id)
			continue
		}
		fp := filterProbe{id: id, query: map[string]string{f.Param: v}, atLeast: n,
			match:  func(a aroInfo) bool { return get(a) == v },
			chosen: fmt.Sprintf("%s=%q, the rarest value among the %d AROs read (%d have it)", f.Param, v, len(c.prefix), n)}
		if c.complete() {
			fp.exact = &n
		}
		c.probe(ctx, fp)
	}
	c.timeFilters(ctx)
	c.byID(ctx)
}

// rarest is the least frequent non-empty value of get among list (ties: the
// first in sort order) and its count: a value whose filtered answer differs
// most from the unfiltered one, so that an ignored filter shows.
func rarest(list []aroInfo, get func(aroInfo) string) (string, int) {
	counts := map[string]int{}
	for _, a := range list {
		if v := get(a); v != "" {
			counts[v]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best, bn := "", 0
	for _, k := range keys {
		if best == "" || counts[k] < bn {
			best, bn = k, counts[k]
		}
	}
	return best, bn
}

// timeFilters probes since, until and both, with bounds taken from the
// creation times read: the newest AROs read are all the AROs created after
// any of their creation times (the list is newest first), which makes the
// expected counts exact.
func (c *check) timeFilters(ctx context.Context) {
	var times []time.Time
	seen := map[time.Time]bool{}
	for _, a := range c.prefix {
		if a.hasCreated && !seen[a.created] {
			seen[a.created] = true
			times = append(times, a.created)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].After(times[j]) })
	ids := []string{"aros.filter.since", "aros.filter.until", "aros.filter.since_until"}
	if len(times) < 2 {
		c.notTestable(fmt.Sprintf("no data: the AROs read have %d distinct creation times, 2 are needed", len(times)), ids...)
		return
	}
	until := times[len(times)/3]
	since := times[min(len(times)-1, 2*len(times)/3)]
	if !since.Before(until) {
		since = times[len(times)-1]
	}
	count := func(keep func(time.Time) bool) int {
		n := 0
		for _, a := range c.prefix {
			if a.hasCreated && keep(a.created) {
				n++
			}
		}
		return n
	}
	exact := func(n int) *int {
		if !c.orderHeld || !c.walkHeld {
			return nil
		}
		return &n
	}
	s, u := since.Format(portalTime), until.Format(portalTime)
	why := fmt.Sprintf("creation times of the AROs read (%d distinct)", len(times))
	nSince := count(func(t time.Time) bool { return !t.Before(since) })
	c.probe(ctx, filterProbe{id: ids[0], query: map[string]string{"since": s}, atLeast: nSince, exact: exact(nSince),
		match: func(a aroInfo) bool { return a.hasCreated && !a.created.Before(since) }, chosen: "since=" + s + ", from the " + why})
	nNewer := count(func(t time.Time) bool { return t.After(until) })
	nUntil := count(func(t time.Time) bool { return !t.After(until) })
	var exUntil *int
	if c.complete() {
		exUntil = &nUntil
	} else if e := exact(c.maxTotal - nNewer); e != nil && c.arrivals() == 0 {
		exUntil = e
	}
	c.probe(ctx, filterProbe{id: ids[1], query: map[string]string{"until": u}, atLeast: nUntil, exact: exUntil,
		match: func(a aroInfo) bool { return a.hasCreated && !a.created.After(until) }, chosen: "until=" + u + ", from the " + why})
	nWin := count(func(t time.Time) bool { return !t.Before(since) && !t.After(until) })
	c.probe(ctx, filterProbe{id: ids[2], query: map[string]string{"since": s, "until": u}, atLeast: nWin, exact: exact(nWin),
		match:  func(a aroInfo) bool { return a.hasCreated && !a.created.Before(since) && !a.created.After(until) },
		chosen: "since=" + s + "&until=" + u + ", from the " + why})

	// The terraform stage reads a small window of the newest AROs: bounded,
	// and in the past, so that a later arrival does not move it.
	k := min(len(c.prefix), 20) - 1
	if c.orderHeld && c.walkHeld && c.prefix[0].hasCreated && c.prefix[k].hasCreated {
		lo, hi := c.prefix[k].created, c.prefix[0].created
		var want []string
		for _, a := range c.prefix {
			if a.hasCreated && !a.created.Before(lo) && !a.created.After(hi) {
				want = append(want, a.id)
			}
		}
		c.tf.since, c.tf.until, c.tf.windowIDs = lo.Format(portalTime), hi.Format(portalTime), want
	}
}

// probe reads the first page of a filtered query and judges it.
func (c *check) probe(ctx context.Context, f filterProbe) {
	p := c.point(f.id)
	q := urlValues()
	for k, v := range f.query {
		q.Set(k, v)
	}
	pg, ok := c.getPage(ctx, &p, q, largePage, nil)
	if !ok {
		c.rep.add(p)
		return
	}
	p.Evidence = append(p.Evidence, Evidence{Request: pg.req, Answer: pg.desc})
	var wrong []string
	for _, a := range pg.items {
		if !f.match(a) {
			wrong = append(wrong, a.id)
		}
	}
	params := make([]string, 0, len(f.query))
	for k := range f.query {
		params = append(params, k)
	}
	sort.Strings(params)
	named := "`" + strings.Join(params, "` and `") + "`"
	slack := c.arrivals()
	switch {
	case len(wrong) > 0 && pg.total >= c.firstTotal:
		// The portal answered as if unfiltered: the provider checks every
		// ARO against the filter it sent, keeps those that match and warns.
		p.Verdict, p.Impact = Deviated, Handled
		p.Detail = fmt.Sprintf("the portal ignored %s: total %d as unfiltered (%d), and %d of the %d AROs returned do not match (e.g. %s). "+
			"The provider drops them and warns: its answer is right, its reads fetch every ARO",
			named, pg.total, c.firstTotal, len(wrong), len(pg.items), joinIDs(wrong))
	case len(wrong) > 0 && pg.total+slack >= f.atLeast && (f.exact == nil || pg.total+slack >= *f.exact):
		// Part of the filter applied (one of since and until, say): as
		// many AROs as match, and more. The provider drops the others.
		p.Verdict, p.Impact = Deviated, Handled
		p.Detail = fmt.Sprintf("the portal ignored part of %s: %d of the %d AROs returned do not match it (e.g. %s), total %d where at least %d match. "+
			"The provider drops them and warns: its answer is right, its reads fetch more than they need",
			named, len(wrong), len(pg.items), joinIDs(wrong), pg.total, f.atLeast)
	case len(wrong) > 0:
		// Another filter was applied: the AROs that match may be missing
		// from the answer, which the provider cannot tell.
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf("%d of the %d AROs returned for %s do not match it (e.g. %s)", len(wrong), len(pg.items), named, joinIDs(wrong))
	case pg.total > c.maxTotal+slack:
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf("total %d for %s is more than the unfiltered read's %d", pg.total, named, c.maxTotal)
	case pg.total+slack < f.atLeast:
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf("total %d for %s, but %d AROs of the unfiltered read match it", pg.total, named, f.atLeast)
	case f.exact != nil && (pg.total > *f.exact+slack || pg.total+slack < *f.exact):
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf("total %d for %s, but the unfiltered read says %d match", pg.total, named, *f.exact)
	default:
		p.Detail = fmt.Sprintf("%s: total %d (unfiltered %d), every one of the %d AROs returned matches", f.chosen, pg.total, c.maxTotal, len(pg.items))
		if f.exact != nil {
			p.Detail += fmt.Sprintf("; the unfiltered read says %d, as expected", *f.exact)
		}
	}
	c.rep.add(p)
}

// byID reads the oldest ARO read by id: the id filter, and the content.
func (c *check) byID(ctx context.Context) {
	want := c.prefix[len(c.prefix)-1]
	p := c.point("aros.filter.id")
	same := c.point("aros.by_id")
	pg, ok := c.getPage(ctx, &p, urlValues("id", want.id), largePage, nil)
	if !ok {
		c.rep.add(p)
		c.notTestable("the read by id failed (see aros.filter.id)", "aros.by_id")
		return
	}
	ev := Evidence{Request: pg.req, Answer: pg.desc}
	p.Evidence = []Evidence{ev}
	var got *aroInfo
	for i := range pg.items {
		if pg.items[i].id == want.id {
			got = &pg.items[i]
		}
	}
	switch {
	case pg.total >= c.firstTotal && c.firstTotal > 1:
		// covalence_aro reads pages of 500 and keeps only the ARO with the
		// ID it asked for.
		p.Verdict, p.Impact = Deviated, Handled
		p.Detail = fmt.Sprintf("the portal ignored `id`: id=%s answered total %d with %d AROs. "+
			"The provider keeps only the ARO with that ID and warns: its answer is right, its read fetches every ARO", want.id, pg.total, len(pg.items))
	case got != nil && len(pg.items) > 1:
		p.Verdict, p.Impact = Deviated, Handled
		p.Detail = fmt.Sprintf("id=%s answered %d AROs, that one among them: the provider keeps only that one and warns", want.id, len(pg.items))
	case got == nil:
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf("id=%s (an ARO of the list) answered %d AROs, not that one", want.id, len(pg.items))
	default:
		p.Detail = fmt.Sprintf("id=%s (the oldest ARO read) answered that one ARO, total %d", want.id, pg.total)
	}
	c.rep.add(p)
	if got == nil {
		c.notTestable("the ARO was not returned by id", "aros.by_id")
		return
	}
	same.Evidence = []Evidence{ev}
	var differ []string
	for _, k := range unionKeys(want.raw, got.raw) {
		if !reflect.DeepEqual(want.raw[k], got.raw[k]) {
			differ = append(differ, k)
		}
	}
	switch {
	case len(differ) == 0:
		same.Detail = "the ARO read by id has the same fields and values as in the list"
	case slices.Contains(differ, "last_updated_time"):
		same.Detail = "the ARO changed between the two reads (last_updated_time moved): " + strings.Join(differ, ", ")
	default:
		same.Verdict, same.Impact = Deviated, Informational
		same.Detail = "read by id, these fields differ from the list's copy: " + strings.Join(differ, ", ")
	}
	c.rep.add(same)
	c.tf.aro = got
}

func unionKeys(a, b map[string]any) []string {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// orgDetail reads one organization's detail: one that has AROs when there
// is one, else the first listed.
func (c *check) orgDetail(ctx context.Context) {
	p := c.point("organizations.detail")
	defer func() { c.rep.add(p) }()
	org := ""
	if v, _ := rarest(c.prefix, func(a aroInfo) string { return a.orgID }); v != "" {
		if _, listed := c.orgNames[v]; listed {
			org = v
		}
	}
	if org == "" && len(c.orgs) > 0 {
		org = c.orgs[0]
	}
	if org == "" {
		p.Verdict, p.Detail = NotTestable, "no data: the organization list is empty"
		return
	}
	r, err := c.g.get(ctx, nil, "organizations", org)
	p.Evidence = evidence(r, err, "organizations/"+org)
	if err == nil && r.status == http.StatusNotFound {
		r, err = c.g.get(ctx, nil, "my_organizations", org)
		p.Evidence = append(p.Evidence, evidence(r, err, "my_organizations/"+org)...)
		if err == nil && r.status == http.StatusOK {
			p.Verdict, p.Impact = Deviated, Handled
			p.Detail = "served as my_organizations/{id} only: the provider tries it after a 404"
		}
	}
	if c.failed(&p, r, err) {
		return
	}
	v, derr := decodeJSON(r.body)
	m, isObj := v.(map[string]any)
	if derr != nil || !isObj {
		p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "not a JSON object"
		return
	}
	c.odd.check("organization detail", org, "", m, orgDetailRules, nil, c.secret)
	var typed covalence.OrganizationDetail
	if err := json.Unmarshal(r.body, &typed); err != nil {
		p.Verdict, p.Impact, p.Detail = Deviated, Breaks, "the provider cannot decode it: "+err.Error()
		return
	}
	if typed.ID != org && typed.LowerID != org {
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf("asked for %s, the answer's ID is %q", org, typed.ID)
		return
	}
	contacts := 0
	if cs, ok := m["contacts"].([]any); ok {
		contacts = len(cs)
	}
	if p.Verdict == Held {
		p.Detail = fmt.Sprintf("organization %s: a JSON object of %d fields, %s (their personal data is not reported)", org, len(m), plural(contacts, "contact", "contacts"))
	}
	if typed.Name != nil && *typed.Name != c.orgNames[org] {
		p.Verdict, p.Impact = Deviated, Informational
		p.Detail += "; its name differs from the organization list's"
	}
	c.tf.org = org
}

// fieldsPoint sums up the oddities.
func (c *check) fieldsPoint() {
	p := c.point("fields")
	if len(c.rep.Oddities) == 0 {
		p.Detail = "every field seen has the contract's type, every enumerated value is documented"
		if len(c.checked) == 0 {
			p.Verdict, p.Detail = NotTestable, "no data: no ARO was read"
		}
	} else {
		p.Verdict, p.Impact = Deviated, Handled
		kinds := map[string]int{}
		for _, o := range c.rep.Oddities {
			kinds[o.Kind]++
		}
		var parts []string
		for _, k := range []string{"unexpected type", "undocumented value", "undocumented field", "documented field absent", "timestamp not YYYY-MM-DD HH:MM:SS"} {
			if kinds[k] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
			}
		}
		p.Detail = strings.Join(parts, ", ") + " (listed below). The provider ignores unknown fields and passes unknown values on; a type it cannot read fails the point of that answer instead"
	}
	c.rep.add(p)
}

func (c *check) rateLimitPoint() {
	p := c.point("rate_limits")
	rl := &c.rep.RateLimits
	switch {
	case rl.total() == 0:
		p.Detail = fmt.Sprintf("no 429 or 503 at %g requests per second", c.cfg.RequestsPerSecond)
	default:
		p.Detail = fmt.Sprintf("%d refusals (429 with Retry-After %d, without %d; 503 with %d, without %d): the check slowed down and went on, as the provider does",
			rl.total(), rl.TooMany, rl.TooManyBare, rl.Unavailable, rl.UnavailableBare)
	}
	if rl.UnparsableHeaders > 0 {
		p.Verdict, p.Impact = Deviated, Handled
		p.Detail += fmt.Sprintf("; %d Retry-After values were neither seconds nor an HTTP date (the provider backs off on its own then)", rl.UnparsableHeaders)
	}
	c.rep.add(p)
}
