package mockportal

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// The portal's ARO order, the one rule of this file: newest creation_time
// first, then ID ascending; an unparsable creation_time sorts last.

// aroEntry is an ARO as the server keeps it: its owner, its parsed
// creation_time and its JSON encoded once.
type aroEntry struct {
	aro      ARO
	provider string
	orgID    string
	created  int64 // creationKey(aro.CreationTime)
	enc      atomic.Pointer[[]byte]
}

// creationKey is the creation_time's Unix seconds, or math.MinInt64 when it
// is not in TimeLayout.
func creationKey(creationTime string) int64 {
	if t, err := time.Parse(TimeLayout, creationTime); err == nil {
		return t.Unix()
	}
	return math.MinInt64
}

// compareOrder is the portal's order on (creation key, ID).
func compareOrder(aCreated int64, aID string, bCreated int64, bID string) int {
	switch {
	case aCreated > bCreated:
		return -1
	case aCreated < bCreated:
		return 1
	}
	return strings.Compare(aID, bID)
}

func compareEntries(a, b *aroEntry) int {
	return compareOrder(a.created, a.aro.ID, b.created, b.aro.ID)
}

// CompareAROs orders AROs as the portal lists them: newest creation_time
// first, then ID ascending; an unparsable creation_time sorts last. For
// slices.SortFunc.
func CompareAROs(a, b ARO) int {
	return compareOrder(creationKey(a.CreationTime), a.ID, creationKey(b.CreationTime), b.ID)
}

// AROsOf returns the AROs of d that the server lists for the MSSP provider
// providerID (GET providers/{providerID}/aros without filters), in the
// portal's order: an ARO belongs to its organization's provider, or to the
// first of MyProviders when it has no organization or names an unknown one.
// An ARO whose ID repeats an earlier one replaces it, as in New.
func (d *Data) AROsOf(providerID string) []ARO {
	s := New(d, Options{})
	list := s.byProvider[providerID]
	out := make([]ARO, len(list))
	for i, e := range list {
		out[i] = e.aro
	}
	return out
}

func (e *aroEntry) json() ([]byte, error) {
	if p := e.enc.Load(); p != nil {
		return *p, nil
	}
	b, err := e.aro.MarshalJSON()
	if err != nil {
		return nil, err
	}
	e.enc.Store(&b)
	return b, nil
}

// aroQuery is a parsed ARO listing request.
type aroQuery struct {
	id, status, resolution, typ, orgID string
	since, until                       int64
	hasSince, hasUntil                 bool
	page, size                         int
	shifted                            *Fault // a ShiftParams fault, or nil
}

func firstValue(q url.Values, k string) string {
	if vs := q[k]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (s *Server) parseAROQuery(q url.Values) (aroQuery, string) {
	aq := aroQuery{
		id:         firstValue(q, "id"),
		status:     firstValue(q, "status"),
		resolution: firstValue(q, "resolution"),
		typ:        firstValue(q, "type"),
		orgID:      firstValue(q, "organization_id"),
		page:       s.pageBase,
		size:       defaultPageSize,
	}
	for _, p := range []struct {
		name string
		dst  *int64
		has  *bool
	}{{"since", &aq.since, &aq.hasSince}, {"until", &aq.until, &aq.hasUntil}} {
		v := firstValue(q, p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(TimeLayout, v)
		if err != nil {
			return aq, "invalid " + p.name + ": expected YYYY-MM-DD HH:MM:SS"
		}
		*p.dst, *p.has = t.Unix(), true
	}
	if _, present := q["page"]; present {
		v := firstValue(q, "page")
		n, err := strconv.Atoi(v)
		if err != nil {
			return aq, "invalid page: not an integer"
		}
		if n < s.pageBase {
			return aq, "invalid page: must be >= " + strconv.Itoa(s.pageBase)
		}
		aq.page = n
	}
	if _, present := q["limit"]; present {
		v := firstValue(q, "limit")
		n, err := strconv.Atoi(v)
		if err != nil {
			return aq, "invalid limit: not an integer"
		}
		if n > 0 {
			aq.size = n
		}
	}
	if aq.size > s.pageCap {
		aq.size = s.pageCap
	}
	return aq, ""
}

func (aq *aroQuery) filtered() bool {
	return aq.id != "" || aq.status != "" || aq.resolution != "" || aq.typ != "" || aq.orgID != "" || aq.hasSince || aq.hasUntil
}

func (aq *aroQuery) match(e *aroEntry) bool {
	a := &e.aro
	return (aq.id == "" || a.ID == aq.id) &&
		(aq.status == "" || a.Status == aq.status) &&
		(aq.resolution == "" || a.Resolution == aq.resolution) &&
		(aq.typ == "" || a.Type == aq.typ) &&
		(aq.orgID == "" || e.orgID == aq.orgID) &&
		(!aq.hasSince || e.created != math.MinInt64 && e.created >= aq.since+aq.shifted.shift("since", e)) &&
		(!aq.hasUntil || e.created != math.MinInt64 && e.created <= aq.until+aq.shifted.shift("until", e))
}

// aroPage is one page of GET providers/{id}/aros before it is encoded, so
// that faults can change it (faults.go).
type aroPage struct {
	items [][]byte // encoded AROs
	size  int      // bytes of items, with separators
	total int
	page  int
}

func (p *aroPage) encode() []byte {
	out := make([]byte, 0, p.size+64)
	out = append(out, `{"items":[`...)
	for i, b := range p.items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, b...)
	}
	out = append(out, `],"total":`...)
	out = strconv.AppendInt(out, int64(p.total), 10)
	out = append(out, `,"page":`...)
	out = strconv.AppendInt(out, int64(p.page), 10)
	out = append(out, '}')
	return out
}

// serveAROs answers GET providers/{id}/aros.
func (s *Server) serveAROs(r *http.Request) answer {
	providerID := r.PathValue("id")
	aq, msg := s.parseAROQuery(r.URL.Query())
	if msg != "" {
		return answer{status: http.StatusBadRequest, body: detail(msg)}
	}
	aq.shifted = shiftOf(r.Context())
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.knownProviders[providerID] {
		return notFound
	}
	// Page window in match order; offsets in int64 to survive huge page numbers.
	start, end := int64(math.MaxInt64), int64(math.MaxInt64)
	if skip := int64(aq.page - s.pageBase); skip <= math.MaxInt64/int64(aq.size)-1 {
		start = skip * int64(aq.size)
		end = start + int64(aq.size)
	}
	p := &aroPage{page: aq.page}
	add := func(k int64, e *aroEntry) error {
		if k < start || k >= end {
			return nil
		}
		b, err := e.json()
		if err != nil {
			return err
		}
		p.items = append(p.items, b)
		p.size += len(b) + 1
		return nil
	}
	list := s.byProvider[providerID]
	if !aq.filtered() {
		// Fast path: no filter, the page is a window of the provider's list.
		p.total = len(list)
		for k := start; k < end && k < int64(p.total); k++ {
			if err := add(k, list[k]); err != nil {
				return internalError(err)
			}
		}
	} else {
		for _, e := range list {
			if !aq.match(e) {
				continue
			}
			k := int64(p.total)
			p.total++
			if err := add(k, e); err != nil {
				return internalError(err)
			}
		}
	}
	return answer{status: http.StatusOK, page: p}
}
