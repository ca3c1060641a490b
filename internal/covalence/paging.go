package covalence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
)

// PageLimit is the page size the client asks for; the server may cap it lower.
const PageLimit = 500

// maxPages bounds one read, whatever the server says.
const maxPages = 100000

// repeatSlackPages is how many pages' worth of AROs already read a read
// tolerates beyond what the growth of total explains, before it is abandoned
// as a server repeating itself.
const repeatSlackPages = 3

// PageStats describes how a read went.
type PageStats struct {
	Total    int // the last total the server reported
	First    int // the total of the first answer
	Distinct int // items received, each ID once (what total counts)
	Dropped  int // of Distinct, AROs outside the query, not handed over
	// Unapplied are the query parameters (AROFilterParams names) that at
	// least one dropped ARO did not satisfy, in AROFilterParams order.
	Unapplied  []string
	Pages      int  // pages absorbed
	Requests   int  // HTTP requests sent, retries included
	Sequential bool // paging fell back to (or was) sequential
	Stopped    bool // the consumer stopped the read early
}

// PageFunc receives, in page order, the AROs of one page that were not seen
// on an earlier page and that match the query (see aroMatcher). It may keep
// the slice. Returning stop ends the read.
type PageFunc func(items []ARO) (stop bool, err error)

// itemPage is one page of a paged answer: {"items": [...], "total": N, "page": P}.
// T is the item as far as the caller decodes it (ARO, AROSummaryItem).
type itemPage[T any] struct {
	Items []T  `json:"items"`
	Total *int `json:"total"`
	Page  *int `json:"page"`
}

// DecodeAROPage decodes one page of GET providers/{id}/aros as the client
// does (the page decoder, else encoding/json) and reports whether the
// provider could read it. For checks of a portal's answers (livecheck).
func DecodeAROPage(body []byte) error {
	var p itemPage[ARO]
	if decodeAROPage(body, &p) {
		return nil
	}
	return json.Unmarshal(body, &p)
}

type pageAnswer[T any] struct {
	asked *int // nil: the first request, sent without page
	items []T
	total int
	page  int
}

// pager follows the contract's pagination: it trusts the server's page
// numbers, tolerates any page size, de-duplicates by ID, and refuses answers
// that would make it loop or silently truncate.
type pager[T any] struct {
	path     string
	fields   func(*T) filterFields
	match    aroMatcher
	dropped  int   // AROs outside the query
	missed   []int // dropped AROs by the parameter they fail, by index in AROFilters
	seen     map[string]struct{}
	walked   int // items received, duplicates included: the position reached
	total    int
	lastPage int
	pages    int
	first    int // total of the first answer
	repeats  int // AROs received again
}

func (p *pager[T]) done() bool { return p.pages > 0 && p.walked >= p.total }

// absorb checks one answer against what came before and returns its new AROs.
func (p *pager[T]) absorb(a *pageAnswer[T]) ([]T, error) {
	if a.asked != nil && a.page != *a.asked {
		return nil, &PagingError{Path: p.path, Msg: fmt.Sprintf("asked for page %d, the answer says page %d", *a.asked, a.page)}
	}
	if p.pages > 0 && a.page <= p.lastPage {
		return nil, &PagingError{Path: p.path, Msg: fmt.Sprintf("page number went from %d to %d", p.lastPage, a.page)}
	}
	if len(a.items) == 0 && p.walked < a.total {
		return nil, &PagingError{Path: p.path, Msg: fmt.Sprintf("total says %d, page %d was empty after %d AROs", a.total, a.page, p.walked)}
	}
	if p.pages == 0 {
		p.first = a.total
	}
	p.total, p.lastPage = a.total, a.page
	p.walked += len(a.items)
	p.pages++
	fresh, repeats := a.items[:0], 0
	for i := range a.items {
		f := p.fields(&a.items[i])
		if f.ID == "" {
			return nil, &PagingError{Path: p.path, Msg: fmt.Sprintf("an ARO on page %d has no ID", a.page)}
		}
		if _, dup := p.seen[f.ID]; dup {
			repeats++
			continue
		}
		p.seen[f.ID] = struct{}{}
		if missed := p.match.misses(&f); missed != 0 {
			p.drop(missed)
			continue
		}
		fresh = append(fresh, a.items[i])
	}
	// AROs already read come again while new ones arrive (total grows and
	// pushes older AROs onto later pages), at most as many as arrived; more
	// than that, plus some slack, means the server repeats itself.
	p.repeats += repeats
	if allowed := max(0, p.total-p.first) + repeatSlackPages*len(a.items); p.repeats > allowed {
		return nil, &PagingError{Path: p.path, Msg: fmt.Sprintf("%d AROs were sent again, more than the %d arrivals since the read began explain (total %d, page %d)",
			p.repeats, max(0, p.total-p.first), a.total, a.page)}
	}
	return fresh, nil
}

// drop counts one ARO outside the query; missed has a bit per parameter it fails.
func (p *pager[T]) drop(missed filterParams) {
	p.dropped++
	for i := range p.missed {
		if missed&(1<<i) != 0 {
			p.missed[i]++
		}
	}
}

// unapplied are the parameters some dropped ARO failed, in AROFilterParams order.
func (p *pager[T]) unapplied() []string {
	var out []string
	for i, n := range p.missed {
		if n > 0 {
			out = append(out, AROFilterParams[i])
		}
	}
	return out
}

// StreamAROs reads every ARO of a provider that matches q and hands them to fn
// page by page. After the first page (which reveals the total, the server's
// real page size and its page numbering), it fetches the remaining pages with
// up to MaxParallel requests in flight and hands them over in page order; when
// an answer contradicts the plan (a short page, a moved total) it continues
// sequentially from there.
func (c *Client) StreamAROs(ctx context.Context, providerID string, q AROQuery, fn PageFunc) (PageStats, error) {
	return streamPages(ctx, c, providerID, q, decodeAROPage, aroFilterFields, fn)
}

// StreamAROSummaries reads the same AROs as StreamAROs with the same paging,
// de-duplication and checks, but decodes only the fields a summary counts
// (AROSummaryItem). Because a summary is a count, it also checks at the end
// that the number of distinct AROs received (kept or dropped: the portal's
// total counts what it sends) agrees with the portal's totals: between the
// first total and the last one (AROs that arrive during the read move the
// total, as for StreamAROs); anything else is a PagingError.
func (c *Client) StreamAROSummaries(ctx context.Context, providerID string, q AROQuery, fn func([]AROSummaryItem) (bool, error)) (PageStats, error) {
	st, err := streamPages(ctx, c, providerID, q, nil, summaryFilterFields, fn)
	if err != nil || st.Stopped {
		return st, err
	}
	if lo, hi := min(st.First, st.Total), max(st.First, st.Total); st.Distinct < lo || st.Distinct > hi {
		return st, &PagingError{Path: "providers/" + providerID + "/aros", Msg: fmt.Sprintf(
			"%d distinct AROs were received, but the portal's total said %d at first and %d at the end: its pagination is inconsistent (or AROs changed during the read); run again",
			st.Distinct, st.First, st.Total)}
	}
	return st, nil
}

// streamPages is the pager of StreamAROs for any decoded form T of an ARO;
// fast decodes a page with go-json-experiment/json (decodeAROPage), or
// declines (leaving the page as it was) for encoding/json to decode it and
// place its error (nil: always encoding/json); fields returns what the pager checks of an item: its ID
// and the fields the query filters on. Every item is checked against q (aroMatcher) after
// de-duplication: fn gets only those that match, the others are counted in
// st.Dropped and st.Unapplied.
func streamPages[T any](ctx context.Context, c *Client, providerID string, q AROQuery, fast func([]byte, *itemPage[T]) bool, fields func(*T) filterFields, fn func([]T) (bool, error)) (st PageStats, err error) {
	ctx, rd := StartRead(ctx) // the stream's requests, counted apart and queued with the caller's read
	defer func() { st.Requests = rd.Stats().Requests }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	values := q.Values()
	path := "providers/" + providerID + "/aros"
	pg := &pager[T]{path: path, fields: fields, match: q.matcher(), missed: make([]int, len(AROFilters)), seen: map[string]struct{}{}}
	defer func() {
		st.Dropped, st.Unapplied = pg.dropped, pg.unapplied()
		if pg.dropped > 0 {
			c.debug(ctx, "the portal sent AROs outside the query; they were dropped", map[string]any{
				"path": path, "dropped": pg.dropped, "received": len(pg.seen), "parameters": st.Unapplied,
			})
		}
	}()

	fetch := func(ctx context.Context, page *int) (*pageAnswer[T], error) {
		v := url.Values{}
		for k, vs := range values {
			v[k] = vs
		}
		if page != nil {
			v.Set("page", strconv.Itoa(*page))
		}
		u := c.endpoint(v, "providers", providerID, "aros")
		body, err := c.get(ctx, u)
		if err != nil {
			return nil, err
		}
		var raw itemPage[T]
		if fast == nil || !fast(body, &raw) {
			if err := c.decode(u, body, &raw); err != nil {
				return nil, err
			}
		}
		if raw.Total == nil || raw.Page == nil {
			missing := "total"
			if raw.Total != nil {
				missing = "page"
			}
			return nil, &DecodeError{Method: "GET", Path: c.rel(u), Offset: -1, Size: len(body), Err: fmt.Errorf("the page answer has no %q", missing)}
		}
		if *raw.Total < 0 {
			return nil, &PagingError{Path: path, Msg: fmt.Sprintf("negative total %d", *raw.Total)}
		}
		return &pageAnswer[T]{asked: page, items: raw.Items, total: *raw.Total, page: *raw.Page}, nil
	}
	// take absorbs an answer and hands its new AROs over; it reports whether to stop.
	take := func(a *pageAnswer[T]) (bool, error) {
		fresh, err := pg.absorb(a)
		if err != nil {
			return true, err
		}
		st.Pages, st.Total, st.First, st.Distinct = pg.pages, pg.total, pg.first, len(pg.seen)
		if len(fresh) == 0 {
			return false, nil
		}
		stop, err := fn(fresh)
		if stop {
			st.Stopped = true
		}
		return stop || err != nil, err
	}

	first, err := fetch(ctx, nil)
	if err != nil {
		return st, err
	}
	if stop, err := take(first); stop || err != nil || pg.done() {
		return st, err
	}

	// Plan the remaining pages from the first answer.
	pageSize := len(first.items)
	remaining := min((first.total-pg.walked+pageSize-1)/pageSize, maxPages)
	if q.Want > 0 {
		remaining = min(remaining, max(0, (q.Want-pg.walked+pageSize-1)/pageSize)+1)
	}
	if c.maxParallel > 1 && remaining > 1 {
		stop, err := parallelPages(ctx, c, first, pageSize, remaining, fetch, take)
		if stop || err != nil || pg.done() {
			return st, err
		}
		st.Sequential = true
		c.debug(ctx, "ARO paging continues sequentially (an answer contradicted the plan, or the planned pages are read)", map[string]any{
			"path": path, "page": pg.lastPage, "total": pg.total, "received": pg.walked,
		})
	} else {
		st.Sequential = true
	}

	for !pg.done() {
		if pg.pages >= maxPages {
			return st, &PagingError{Path: path, Msg: fmt.Sprintf("more than %d pages", maxPages)}
		}
		next := pg.lastPage + 1
		a, err := fetch(ctx, &next)
		if err != nil {
			return st, err
		}
		if stop, err := take(a); stop || err != nil {
			return st, err
		}
	}
	return st, nil
}

// parallelPages fetches pages first.page+1 .. first.page+n with at most
// c.maxParallel requests in flight and at most 2*maxParallel answers held
// ahead of the consumer, and absorbs them in page order. It returns
// (false, nil) with pages left when an answer contradicts the plan; the
// caller then goes on sequentially.
func parallelPages[T any](ctx context.Context, c *Client, first *pageAnswer[T], pageSize, n int,
	fetch func(context.Context, *int) (*pageAnswer[T], error), take func(*pageAnswer[T]) (bool, error),
) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()

	type result struct {
		a   *pageAnswer[T]
		err error
	}
	// Futures in page order; the channel's capacity is the look-ahead window.
	ordered := make(chan chan result, 2*c.maxParallel)
	inflight := make(chan struct{}, c.maxParallel)

	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ordered)
		for i := 0; i < n; i++ {
			future := make(chan result, 1)
			select {
			case ordered <- future:
			case <-ctx.Done():
				return
			}
			select {
			case inflight <- struct{}{}:
			case <-ctx.Done():
				future <- result{err: ctx.Err()}
				return
			}
			page := first.page + 1 + i
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := fetch(ctx, &page)
				<-inflight
				future <- result{a, err}
			}()
		}
	}()

	for i := 0; i < n; i++ {
		var r result
		select {
		case future, ok := <-ordered:
			if !ok {
				return true, ctx.Err()
			}
			select {
			case r = <-future:
			case <-ctx.Done():
				return true, ctx.Err()
			}
		case <-ctx.Done():
			return true, ctx.Err()
		}
		if r.err != nil {
			if errors.Is(r.err, context.Canceled) && ctx.Err() != nil {
				return true, ctx.Err()
			}
			return true, r.err
		}
		a := r.a
		last := i == n-1
		consistent := a.total == first.total && (last || len(a.items) == pageSize)
		stop, err := take(a)
		if stop || err != nil {
			return true, err
		}
		if !consistent {
			return false, nil
		}
	}
	return false, nil
}

func (c *Client) debug(ctx context.Context, msg string, fields map[string]any) {
	if c.log != nil {
		c.log.Debug(ctx, msg, fields)
	}
}
