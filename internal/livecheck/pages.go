package livecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// page is one decoded ARO page.
type page struct {
	asked *int // nil: sent without page
	limit int
	items []aroInfo
	total int
	num   int
	req   string
	desc  string
}

// readPage decodes r as an ARO page, checking its shape: on a problem it
// marks p (Breaks: the provider could not read it) and returns nil.
func (c *check) readPage(p *Point, r *reply) *page {
	bad := func(format string, a ...any) *page {
		p.Verdict, p.Impact = Deviated, Breaks
		p.Detail = fmt.Sprintf(format, a...)
		p.Evidence = append(p.Evidence, Evidence{Request: r.req, Answer: describe(r)})
		return nil
	}
	v, err := decodeJSON(r.body)
	if err != nil {
		return bad("not JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return bad("a JSON %s, not an object", jsonType(v))
	}
	items, ok := m["items"].([]any)
	if !ok {
		return bad("\"items\" is %s, not an array", jsonType(m["items"]))
	}
	total, terr := intField(m, "total")
	num, perr := intField(m, "page")
	switch {
	case terr != nil:
		return bad("%v", terr)
	case perr != nil:
		return bad("%v", perr)
	case total < 0:
		return bad("negative total %d", total)
	}
	if err := covalence.DecodeAROPage(r.body); err != nil {
		return bad("the provider cannot decode it: %v", err)
	}
	pg := &page{total: total, num: num, req: r.req, desc: describe(r)}
	for _, e := range items {
		em, ok := e.(map[string]any)
		if !ok {
			return bad("an item is a JSON %s, not an object", jsonType(e))
		}
		a := newAROInfo(em)
		if a.id == "" {
			return bad("an ARO on page %d has no ID (the provider refuses the page)", num)
		}
		if !c.checked[a.id] {
			if c.checked == nil {
				c.checked = map[string]bool{}
			}
			c.checked[a.id] = true
			c.odd.check("ARO", a.id, "", em, aroRules, aroNewer, c.secret)
		}
		pg.items = append(pg.items, a)
	}
	for k := range m {
		if k != "items" && k != "total" && k != "page" {
			c.odd.add("ARO page", k, "undocumented field", jsonType(m[k]), "")
		}
	}
	return pg
}

func intField(m map[string]any, k string) (int, error) {
	v, ok := m[k]
	if !ok {
		return 0, fmt.Errorf("the page has no %q (the provider refuses it)", k)
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return 0, fmt.Errorf("%q is a JSON %s, not a number", k, jsonType(v))
	}
	i, err := strconv.Atoi(n.String())
	if err != nil {
		return 0, fmt.Errorf("%q is %s, not an integer", k, n)
	}
	return i, nil
}

// getPage asks for one ARO page with the query q (and page, when not nil).
func (c *check) getPage(ctx context.Context, p *Point, q url.Values, limit int, asked *int) (*page, bool) {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("limit", strconv.Itoa(limit))
	if asked != nil {
		q2.Set("page", strconv.Itoa(*asked))
	}
	r, err := c.g.get(ctx, q2, "providers", c.provider, "aros")
	if c.failed(p, r, err) {
		p.Evidence = append(p.Evidence, evidence(r, err, "providers/"+c.provider+"/aros?"+displayQuery(q2))...)
		return nil, false
	}
	pg := c.readPage(p, r)
	if pg == nil {
		return nil, false
	}
	pg.asked, pg.limit = asked, limit
	return pg, true
}

// walk reads up to n pages of the unfiltered list with page size limit,
// following the page each answer returns.
func (c *check) walk(ctx context.Context, shape *Point, limit, n int) []*page {
	var out []*page
	var asked *int
	held := 0
	for len(out) < n {
		pg, ok := c.getPage(ctx, shape, nil, limit, asked)
		if !ok {
			break
		}
		out = append(out, pg)
		c.maxTotal = max(c.maxTotal, pg.total)
		held += len(pg.items)
		if held >= pg.total || len(pg.items) == 0 {
			break
		}
		next := pg.num + 1
		asked = &next
	}
	return out
}

func (c *check) pages(ctx context.Context) {
	shape := c.point("aros.page.shape")
	large := c.walk(ctx, &shape, largePage, largeWalkPages)
	var small []*page
	if len(large) > 0 {
		small = c.walk(ctx, &shape, smallPage, smallWalkPages)
	}
	ids := []string{"aros.page.numbering", "aros.page.cap", "aros.page.follow", "aros.page.total", "aros.page.duplicates", "aros.page.size", "aros.order"}
	if len(large) == 0 {
		c.rep.add(shape)
		c.notTestable("no ARO page could be read (see aros.page.shape)", ids...)
		return
	}
	c.aroAnswered = true
	first := large[0]
	c.firstTotal = first.total
	if shape.Verdict == Held {
		shape.Detail = fmt.Sprintf("%d pages read, each {items, total, page}, every ARO with an ID", len(large)+len(small))
	}
	for _, pg := range append(append([]*page{}, large...), small...) {
		shape.Evidence = append(shape.Evidence, Evidence{Request: pg.req, Answer: pg.desc})
	}
	c.rep.add(shape)

	num := c.point("aros.page.numbering")
	num.Evidence = []Evidence{{Request: first.req, Answer: first.desc}}
	switch first.num {
	case 1:
		num.Detail = "the first page is page 1"
	case 0:
		num.Verdict, num.Impact, num.Detail = Deviated, Handled, "the first page is page 0: the provider follows the page number the server returns"
	default:
		num.Verdict, num.Impact, num.Detail = Deviated, Handled, fmt.Sprintf("the first page is page %d: the provider follows the page number the server returns", first.num)
	}
	c.rep.add(num)

	capPt := c.point("aros.page.cap")
	capPt.Evidence = []Evidence{{Request: first.req, Answer: first.desc}}
	n := len(first.items)
	switch {
	case n > largePage:
		capPt.Detail = fmt.Sprintf("no cap: %d items for limit=%d (see aros.page.size)", n, largePage)
	case n < min(largePage, first.total):
		capPt.Verdict, capPt.Impact = Deviated, Handled
		capPt.Detail = fmt.Sprintf("the server caps pages at %d items (limit=%d asked, total %d): the provider takes any page size", n, largePage, first.total)
	case first.total <= largePage:
		capPt.Detail = fmt.Sprintf("no cap seen: all %d AROs on one page of limit=%d", first.total, largePage)
	default:
		capPt.Detail = fmt.Sprintf("no cap below %d: %d items for limit=%d", largePage, n, largePage)
	}
	c.rep.add(capPt)

	c.walkPoints(large, small)

	seen := map[string]bool{}
	for _, pg := range large {
		for _, a := range pg.items {
			if !seen[a.id] {
				seen[a.id] = true
				c.prefix = append(c.prefix, a)
			}
		}
	}
	order := c.point("aros.order")
	c.orderHeld = true
	for i := 1; i < len(c.prefix); i++ {
		a, b := c.prefix[i-1], c.prefix[i]
		if a.hasCreated && b.hasCreated && a.created.Before(b.created) {
			c.orderHeld = false
			order.Verdict, order.Impact = Deviated, Handled
			order.Detail = fmt.Sprintf("ARO %s (created %s) comes after %s (created %s): the provider sorts AROs itself", b.id, b.created.Format(portalTime), a.id, a.created.Format(portalTime))
			break
		}
		if !b.hasCreated && a.hasCreated {
			continue
		}
		if a.hasCreated != b.hasCreated {
			c.orderHeld = false
		}
	}
	if order.Verdict == Held {
		order.Detail = fmt.Sprintf("the %d AROs read come newest first", len(c.prefix))
	}
	c.rep.add(order)
}

// walkPoints judges the pagination of the two walks.
func (c *check) walkPoints(walks ...[]*page) {
	follow, total, dups, size := c.point("aros.page.follow"), c.point("aros.page.total"), c.point("aros.page.duplicates"), c.point("aros.page.size")
	pagesRead, grown, repeats, maxSize := 0, 0, 0, 0
	for _, w := range walks {
		seen := map[string]bool{}
		held, walkRepeats := 0, 0
		for i, pg := range w {
			pagesRead++
			ev := Evidence{Request: pg.req, Answer: pg.desc}
			if pg.asked != nil && pg.num != *pg.asked && follow.Verdict == Held {
				follow.Verdict, follow.Impact = Deviated, Breaks
				follow.Detail = fmt.Sprintf("asked for page %d, the answer says page %d (the provider stops with an error)", *pg.asked, pg.num)
				follow.Evidence = append(follow.Evidence, ev)
			}
			if len(pg.items) == 0 && held < pg.total && follow.Verdict == Held {
				follow.Verdict, follow.Impact = Deviated, Breaks
				follow.Detail = fmt.Sprintf("page %d is empty after %d of %d AROs (the provider stops with an error rather than loop)", pg.num, held, pg.total)
				follow.Evidence = append(follow.Evidence, ev)
			}
			if i > 0 {
				prev := w[i-1]
				switch {
				case pg.total < prev.total && total.Verdict == Held:
					total.Verdict, total.Impact = Deviated, Informational
					total.Detail = fmt.Sprintf("total went from %d to %d while paging (AROs removed?): the provider stops at the total it last saw", prev.total, pg.total)
					total.Evidence = append(total.Evidence, Evidence{Request: prev.req, Answer: prev.desc}, ev)
				case pg.total > prev.total:
					grown += pg.total - prev.total
				}
			}
			held += len(pg.items)
			for _, a := range pg.items {
				if seen[a.id] {
					walkRepeats++
				}
				seen[a.id] = true
			}
			if len(pg.items) > pg.limit && size.Verdict == Held {
				size.Verdict, size.Impact = Deviated, Handled
				size.Detail = fmt.Sprintf("%d items on a page of limit=%d: the provider plans from the page size it gets", len(pg.items), pg.limit)
				size.Evidence = append(size.Evidence, ev)
			}
			maxSize = max(maxSize, len(pg.items))
		}
		if len(w) > 0 {
			growth := max(0, w[len(w)-1].total-w[0].total)
			if walkRepeats > growth && dups.Verdict == Held {
				dups.Verdict, dups.Impact = Deviated, Handled
				if walkRepeats > growth+3*max(1, len(w[0].items)) {
					dups.Impact = Breaks
				}
				dups.Detail = fmt.Sprintf("%s came again on later pages of limit=%d, and total grew by only %d", plural(walkRepeats, "ARO", "AROs"), w[0].limit, growth)
				for _, pg := range w {
					dups.Evidence = append(dups.Evidence, Evidence{Request: pg.req, Answer: pg.desc})
				}
			}
		}
		repeats += walkRepeats
	}
	if follow.Verdict == Held {
		follow.Detail = fmt.Sprintf("%d pages: each asked page answered with that number", pagesRead)
		if pagesRead <= 2 {
			follow.Detail += " (few AROs: few pages to follow)"
		}
	}
	if total.Verdict == Held {
		total.Detail = "total steady while paging"
		if grown > 0 {
			total.Detail = fmt.Sprintf("total grew by %d while paging (AROs arriving)", grown)
		}
	}
	if dups.Verdict == Held {
		dups.Detail = "no ARO twice within a read"
		if repeats > 0 {
			dups.Detail = fmt.Sprintf("%d repeats, no more than the AROs that arrived", repeats)
		}
	}
	if size.Verdict == Held {
		size.Detail = fmt.Sprintf("no page above its limit (limit=%d and limit=%d asked; largest page %d)", largePage, smallPage, maxSize)
	}
	for _, p := range []Point{follow, total, dups, size} {
		c.rep.add(p)
	}
	c.walkHeld = follow.Verdict == Held && dups.Verdict == Held
}

// complete reports whether the prefix holds every ARO of the provider.
func (c *check) complete() bool {
	return c.walkHeld && len(c.prefix) >= c.maxTotal
}

// arrivals is the growth of the unfiltered total seen so far: the slack of
// every count comparison.
func (c *check) arrivals() int { return max(0, c.maxTotal-c.firstTotal) }
