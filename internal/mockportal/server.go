package mockportal

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
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

	mux     *http.ServeMux // routes.go
	unknown http.Handler   // the catch-all of unknown paths
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
	s.unknown = s.handler(EndpointUnknown, nil)
	s.mux = s.routes()
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

// newEntry places an ARO: it belongs to its organization's provider, or to
// the default provider when it has no organization or names an unknown one.
func (s *Server) newEntry(a ARO) *aroEntry {
	a = a.withNulls()
	e := &aroEntry{aro: a, provider: s.defaultProvider, created: creationKey(a.CreationTime)}
	if a.Organization != nil {
		e.orgID = a.Organization.ID
		if i, ok := s.orgIndex[e.orgID]; ok {
			e.provider = s.orgs[i].ProviderID
		}
	}
	return e
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

// serveMyProviders answers GET my_providers.
func (s *Server) serveMyProviders(*http.Request) answer { return s.serveProviders(true) }

// serveAllProviders answers GET providers.
func (s *Server) serveAllProviders(*http.Request) answer { return s.serveProviders(false) }

func (s *Server) serveProviders(mine bool) answer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := s.providers
	if mine {
		list = s.myProviders
	}
	if list == nil {
		list = []Provider{}
	}
	b, err := marshalNoEscape(list)
	if err != nil {
		return internalError(err)
	}
	return answer{status: http.StatusOK, body: b}
}

// serveOrganizations answers GET my_providers/{id}/organizations.
func (s *Server) serveOrganizations(r *http.Request) answer {
	providerID := r.PathValue("id")
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.knownProviders[providerID] {
		return notFound
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
			return internalError(err)
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.Write(b)
	}
	buf.WriteByte(']')
	return answer{status: http.StatusOK, body: buf.Bytes()}
}

// serveOrganization answers GET organizations/{id} and my_organizations/{id}.
func (s *Server) serveOrganization(r *http.Request) answer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.orgIndex[r.PathValue("id")]
	if !ok {
		return notFound
	}
	b, err := s.orgs[i].detailJSON()
	if err != nil {
		return internalError(err)
	}
	return answer{status: http.StatusOK, body: b}
}
