package mockportal

import (
	"bytes"
	"context"
	"crypto/subtle"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	defaultAPIKey   = "test-api-key"
	defaultPageCap  = 100
	defaultPageSize = 100
)

// Server is an http.Handler serving a Data estate. It is safe for concurrent use.
type Server struct {
	apiKey       string
	forbiddenKey string
	pageCap      int
	pageBase     int
	latency      time.Duration

	mu              sync.RWMutex // guards the data below
	myProviders     []Provider
	providers       []Provider
	knownProviders  map[string]bool
	defaultProvider string
	orgs            []Organization
	orgIndex        map[string]int // org ID -> index in orgs (first wins)
	aros            []*aroEntry    // sorted newest first, then ID ascending
	aroIndex        map[string]*aroEntry
	byProvider      map[string][]*aroEntry // aros split by provider, same order

	reqMu    sync.Mutex // guards requests, counts
	requests []Request
	counts   map[Endpoint]int

	fault atomic.Pointer[FaultFunc]
	lim   limiter
}

type aroEntry struct {
	aro      ARO
	provider string
	orgID    string
	created  int64 // unix seconds; math.MinInt64 if unparsable
	enc      atomic.Pointer[[]byte]
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

// New builds a Server from data (copied: later changes to data are not seen)
// and opts.
func New(data *Data, opts Options) *Server {
	if data == nil {
		data = &Data{}
	}
	s := &Server{
		apiKey:       opts.APIKey,
		forbiddenKey: opts.ForbiddenKey,
		pageCap:      opts.PageCap,
		pageBase:     opts.PageBase,
		latency:      opts.Latency,
		counts:       map[Endpoint]int{},
	}
	s.lim.now = time.Now
	s.lim.set(opts.Limits)
	if s.apiKey == "" {
		s.apiKey = defaultAPIKey
	}
	if s.pageCap <= 0 {
		s.pageCap = defaultPageCap
	}
	s.myProviders = slices.Clone(data.MyProviders)
	s.providers = slices.Clone(data.Providers)
	s.knownProviders = map[string]bool{}
	for _, p := range s.myProviders {
		s.knownProviders[p.ID] = true
	}
	for _, p := range s.providers {
		s.knownProviders[p.ID] = true
	}
	if len(s.myProviders) > 0 {
		s.defaultProvider = s.myProviders[0].ID
	}
	s.orgs = slices.Clone(data.Orgs)
	s.orgIndex = make(map[string]int, len(s.orgs))
	for i := range s.orgs {
		if s.orgs[i].ProviderID == "" {
			s.orgs[i].ProviderID = s.defaultProvider
		}
		if _, dup := s.orgIndex[s.orgs[i].ID]; !dup {
			s.orgIndex[s.orgs[i].ID] = i
		}
	}
	s.aroIndex = make(map[string]*aroEntry, len(data.AROs))
	s.aros = make([]*aroEntry, 0, len(data.AROs))
	s.addLocked(data.AROs)
	return s
}

func (s *Server) newEntry(a ARO) *aroEntry {
	e := &aroEntry{aro: a, provider: s.defaultProvider, created: math.MinInt64}
	if a.Organization != nil {
		e.orgID = a.Organization.ID
		if i, ok := s.orgIndex[e.orgID]; ok {
			e.provider = s.orgs[i].ProviderID
		}
	}
	if t, err := time.Parse(TimeLayout, a.CreationTime); err == nil {
		e.created = t.Unix()
	}
	return e
}

func compareEntries(a, b *aroEntry) int {
	if a.created != b.created {
		if a.created > b.created {
			return -1
		}
		return 1
	}
	return strings.Compare(a.aro.ID, b.aro.ID)
}

// addLocked inserts or replaces (by ID) AROs. s.mu must be held for writing
// (or the server not yet shared).
func (s *Server) addLocked(list []ARO) {
	if len(list) == 0 {
		return
	}
	replaced := false
	for _, a := range list {
		e := s.newEntry(a)
		if _, ok := s.aroIndex[a.ID]; ok {
			replaced = true
		}
		s.aroIndex[a.ID] = e
		s.aros = append(s.aros, e)
	}
	if replaced {
		s.aros = slices.DeleteFunc(s.aros, func(e *aroEntry) bool { return s.aroIndex[e.aro.ID] != e })
	}
	slices.SortFunc(s.aros, compareEntries)
	s.byProvider = map[string][]*aroEntry{}
	for _, e := range s.aros {
		s.byProvider[e.provider] = append(s.byProvider[e.provider], e)
	}
}

// AddAROs inserts AROs (an ARO with the ID of an existing one replaces it).
func (s *Server) AddAROs(a ...ARO) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addLocked(a)
}

// SetFault installs a fault function; nil clears it.
func (s *Server) SetFault(f FaultFunc) {
	if f == nil {
		s.fault.Store(nil)
		return
	}
	s.fault.Store(&f)
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Query = cloneValues(r.Query)
		out[i] = r
	}
	return out
}

// ResetRequests forgets the recorded requests and the per-endpoint counts.
func (s *Server) ResetRequests() {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.requests = nil
	s.counts = map[Endpoint]int{}
}

// Count returns the number of requests received for an endpoint.
func (s *Server) Count(e Endpoint) int {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	return s.counts[e]
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func (s *Server) record(ep Endpoint, r *http.Request) int {
	q := r.URL.Query()
	page := ""
	if vs, ok := q["page"]; ok && len(vs) > 0 {
		page = vs[0]
	}
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	s.counts[ep]++
	s.requests = append(s.requests, Request{
		Endpoint:      ep,
		Method:        r.Method,
		Path:          r.URL.Path,
		Query:         q,
		Authorization: r.Header.Get("Authorization"),
		Page:          page,
	})
	return s.counts[ep]
}

// sleep waits d or until ctx is done; it reports whether the full delay elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// route maps a URL to an endpoint and its path argument.
func route(u *url.URL) (Endpoint, string, bool) {
	p := u.EscapedPath()
	if p == "/v1" {
		p = "/"
	} else if strings.HasPrefix(p, "/v1/") {
		p = p[len("/v1"):]
	}
	if !strings.HasPrefix(p, "/") {
		return EndpointUnknown, "", false
	}
	raw := strings.Split(p[1:], "/")
	seg := make([]string, len(raw))
	for i, r := range raw {
		v, err := url.PathUnescape(r)
		if err != nil || v == "" {
			return EndpointUnknown, "", false
		}
		seg[i] = v
	}
	switch {
	case len(seg) == 1 && seg[0] == "my_providers":
		return EndpointMyProviders, "", true
	case len(seg) == 1 && seg[0] == "providers":
		return EndpointProviders, "", true
	case len(seg) == 3 && seg[0] == "my_providers" && seg[2] == "organizations":
		return EndpointOrganizations, seg[1], true
	case len(seg) == 2 && (seg[0] == "organizations" || seg[0] == "my_organizations"):
		return EndpointOrganization, seg[1], true
	case len(seg) == 3 && seg[0] == "providers" && seg[2] == "aros":
		return EndpointAROs, seg[1], true
	}
	return EndpointUnknown, "", false
}

// authorize returns 0, 401 or 403.
func (s *Server) authorize(r *http.Request) int {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return http.StatusUnauthorized
	}
	token = strings.TrimSpace(token)
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.apiKey)) == 1 {
		return 0
	}
	if s.forbiddenKey != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.forbiddenKey)) == 1 {
		return http.StatusForbidden
	}
	return http.StatusUnauthorized
}

func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func detail(msg string) []byte {
	b, _ := marshalNoEscape(map[string]string{"detail": msg})
	return b
}

const jsonType = "application/json"

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ep, arg, ok := route(r.URL)
	n := s.record(ep, r)
	aro := ep == EndpointAROs
	admitted, retryAfter := s.lim.admit(aro)
	sw := &statusWriter{ResponseWriter: w}
	defer func() { s.lim.done(admitted, aro, sw.status == http.StatusOK) }()
	w = sw
	if !sleep(ctx, s.latency) {
		return
	}
	if !admitted {
		throttled(w, retryAfter)
		return
	}
	switch s.authorize(r) {
	case http.StatusUnauthorized:
		writeBody(w, http.StatusUnauthorized, jsonType, detail("Invalid token"))
		return
	case http.StatusForbidden:
		writeBody(w, http.StatusForbidden, jsonType, detail("You do not have permission to perform this action."))
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeBody(w, http.StatusMethodNotAllowed, jsonType, detail("Method not allowed"))
		return
	}
	if !ok {
		writeBody(w, http.StatusNotFound, jsonType, detail("Not found"))
		return
	}

	var f *Fault
	if fp := s.fault.Load(); fp != nil {
		f = (*fp)(ep, n, r)
	}
	if f != nil {
		if !sleep(ctx, f.Latency) {
			return
		}
		if f.Drop {
			drop(w)
			return
		}
		if f.Status != 0 {
			body := f.Body
			if body == "" {
				body = "mock fault"
			}
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			ct := "text/plain; charset=utf-8"
			if body[0] == '{' || body[0] == '[' {
				ct = jsonType
			}
			writeBody(w, f.Status, ct, []byte(body))
			return
		}
	}

	var status int
	var body []byte
	switch ep {
	case EndpointMyProviders:
		status, body = s.serveProviders(true)
	case EndpointProviders:
		status, body = s.serveProviders(false)
	case EndpointOrganizations:
		status, body = s.serveOrganizations(arg)
	case EndpointOrganization:
		status, body = s.serveOrganization(arg)
	case EndpointAROs:
		status, body = s.serveAROs(arg, r.URL.Query(), f)
	}
	if status == http.StatusOK && f != nil {
		if f.Body != "" {
			body = []byte(f.Body)
		}
		if f.Truncate {
			body = body[:len(body)/2]
		}
	}
	writeBody(w, status, jsonType, body)
}

func drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) serveProviders(mine bool) (int, []byte) {
	s.mu.RLock()
	list := s.providers
	if mine {
		list = s.myProviders
	}
	if list == nil {
		list = []Provider{}
	}
	b, err := marshalNoEscape(list)
	s.mu.RUnlock()
	if err != nil {
		return http.StatusInternalServerError, detail(err.Error())
	}
	return http.StatusOK, b
}

func (s *Server) serveOrganizations(providerID string) (int, []byte) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.knownProviders[providerID] {
		return http.StatusNotFound, detail("Not found")
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	first := true
	for i := range s.orgs {
		o := &s.orgs[i]
		if o.ProviderID != providerID {
			continue
		}
		b, err := o.listJSON()
		if err != nil {
			return http.StatusInternalServerError, detail(err.Error())
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.Write(b)
	}
	buf.WriteByte(']')
	return http.StatusOK, buf.Bytes()
}

func (s *Server) serveOrganization(orgID string) (int, []byte) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.orgIndex[orgID]
	if !ok {
		return http.StatusNotFound, detail("Not found")
	}
	b, err := s.orgs[i].detailJSON()
	if err != nil {
		return http.StatusInternalServerError, detail(err.Error())
	}
	return http.StatusOK, b
}

// aroQuery is a parsed ARO listing request.
type aroQuery struct {
	id, status, resolution, typ, orgID string
	since, until                       int64
	hasSince, hasUntil                 bool
	page, size                         int
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
		(!aq.hasSince || e.created != math.MinInt64 && e.created >= aq.since) &&
		(!aq.hasUntil || e.created != math.MinInt64 && e.created <= aq.until)
}

func (s *Server) serveAROs(providerID string, q url.Values, f *Fault) (int, []byte) {
	aq, msg := s.parseAROQuery(q)
	if msg != "" {
		return http.StatusBadRequest, detail(msg)
	}
	if f != nil && len(f.InsertAROs) > 0 {
		s.AddAROs(f.InsertAROs...)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.knownProviders[providerID] {
		return http.StatusNotFound, detail("Not found")
	}
	// Page window in match order; offsets in int64 to survive huge page numbers.
	start, end := int64(math.MaxInt64), int64(math.MaxInt64)
	if skip := int64(aq.page - s.pageBase); skip <= math.MaxInt64/int64(aq.size)-1 {
		start = skip * int64(aq.size)
		end = start + int64(aq.size)
	}
	emptyItems := f != nil && f.EmptyItems

	var items [][]byte
	size := 0
	total := 0
	add := func(k int64, e *aroEntry) error {
		if emptyItems || k < start || k >= end {
			return nil
		}
		b, err := e.json()
		if err != nil {
			return err
		}
		items = append(items, b)
		size += len(b) + 1
		return nil
	}
	list := s.byProvider[providerID]
	if !aq.filtered() {
		// Fast path: no filter, the page is a window of the provider's list.
		total = len(list)
		if start < int64(total) {
			for k := start; k < end && k < int64(total); k++ {
				if err := add(k, list[k]); err != nil {
					return http.StatusInternalServerError, detail(err.Error())
				}
			}
		}
	} else {
		for _, e := range list {
			if !aq.match(e) {
				continue
			}
			k := int64(total)
			total++
			if err := add(k, e); err != nil {
				return http.StatusInternalServerError, detail(err.Error())
			}
		}
	}
	page := aq.page
	if f != nil {
		total += f.TotalDelta
		if f.WrongPage != nil {
			page = *f.WrongPage
		}
	}
	out := make([]byte, 0, size+64)
	out = append(out, `{"items":[`...)
	for i, b := range items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, b...)
	}
	out = append(out, `],"total":`...)
	out = strconv.AppendInt(out, int64(total), 10)
	out = append(out, `,"page":`...)
	out = strconv.AppendInt(out, int64(page), 10)
	out = append(out, '}')
	return http.StatusOK, out
}
