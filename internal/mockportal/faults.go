package mockportal

import (
	"context"
	"net/http"
	"time"
)

// FaultFunc decides a fault for a request. It is called, after
// authentication, for every authorised GET to a known endpoint that the
// Limits let through. n is the 1-based count of requests to that endpoint so
// far, including this one (every request to the endpoint counts, rejected
// ones too). Return nil for normal behaviour. It may be called concurrently.
type FaultFunc func(endpoint Endpoint, n int, r *http.Request) *Fault

// Fault describes a misbehaviour for one request. To add one: a field here,
// applied in Fault.before (instead of the answer) or Fault.after (changing
// the answer) below, and a test in fault_test.go.
type Fault struct {
	Status     int           // if non-zero: answer this status with Body (default "mock fault")
	RetryAfter string        // Retry-After header value to send with Status
	Latency    time.Duration // extra delay before answering
	Body       string        // with Status: the body; without Status on a 200: replace the whole body
	Truncate   bool          // send the normal 200 body cut in half (Content-Length of the cut body)
	Drop       bool          // hijack and close the connection without any answer
	TotalDelta int           // aros: add this to the reported "total"
	EmptyItems bool          // aros: "items": [] with the real total
	WrongPage  *int          // aros: report this "page" instead of the real one
	InsertAROs []ARO         // aros: insert these AROs permanently before answering
	// IgnoreParams: aros: answer as if these query parameters (any of
	// AROFilterParams) had not been sent, like a portal that does not know
	// them or a proxy that drops them.
	IgnoreParams []string
	// ShiftParams: aros: compare the AROs with these time parameters (since,
	// until) moved by the duration, like a portal that reads them in another
	// time zone: AROs near the bound are lost or added. ShiftOrgs: with
	// ShiftParams, the AROs of these organizations (by ID) are compared with
	// them moved by the organization's duration instead, like a portal that
	// reads them in each organization's zone, so that one answer both loses
	// and adds AROs.
	ShiftParams map[string]time.Duration
	ShiftOrgs   map[string]time.Duration
}

// AROFilterParams are the filter parameters of GET providers/{id}/aros, the
// names IgnoreParams takes.
var AROFilterParams = []string{"organization_id", "status", "resolution", "type", "since", "until", "id"}

// TimeParams are the time parameters of AROFilterParams, the names
// ShiftParams takes.
var TimeParams = []string{"since", "until"}

type shiftKey struct{}

// shiftOf is the Fault whose ShiftParams apply to the request of ctx, or nil.
func shiftOf(ctx context.Context) *Fault {
	f, _ := ctx.Value(shiftKey{}).(*Fault)
	return f
}

// shift is how far the time parameter param moves for e (seconds); f may be nil.
func (f *Fault) shift(param string, e *aroEntry) int64 {
	if f == nil {
		return 0
	}
	d, ok := f.ShiftParams[param]
	if !ok {
		return 0
	}
	if od, ok := f.ShiftOrgs[e.orgID]; ok {
		d = od
	}
	return int64(d / time.Second)
}

// withoutParams returns r with the named query parameters removed.
func withoutParams(r *http.Request, names []string) *http.Request {
	q := r.URL.Query()
	for _, n := range names {
		q.Del(n)
	}
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	return r2
}

// SetFault installs a fault function; nil clears it.
func (s *Server) SetFault(f FaultFunc) {
	if f == nil {
		s.fault.Store(nil)
		return
	}
	s.fault.Store(&f)
}

// withFaults is the last middleware before an endpoint: it asks the
// FaultFunc, then answers the fault instead of the endpoint (before) or
// changes the endpoint's answer (after).
func (s *Server) withFaults(ep Endpoint, serve endpointFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f *Fault
		if fp := s.fault.Load(); fp != nil {
			f = (*fp)(ep, requestNumber(r), r)
		}
		if f.before(s, ep, w, r) {
			return
		}
		if f != nil && ep == EndpointAROs && len(f.IgnoreParams) > 0 {
			r = withoutParams(r, f.IgnoreParams)
		}
		if f != nil && ep == EndpointAROs && len(f.ShiftParams) > 0 {
			r = r.WithContext(context.WithValue(r.Context(), shiftKey{}, f))
		}
		a := serve(r)
		f.after(&a)
		a.write(w)
	})
}

// before applies the faults that come before (or instead of) the answer; it
// reports whether the request is done.
func (f *Fault) before(s *Server, ep Endpoint, w http.ResponseWriter, r *http.Request) bool {
	if f == nil {
		return false
	}
	if !sleep(r.Context(), f.Latency) {
		return true
	}
	if f.Drop {
		drop(w)
		return true
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
		return true
	}
	if ep == EndpointAROs && len(f.InsertAROs) > 0 {
		s.AddAROs(f.InsertAROs...)
	}
	return false
}

// after changes a successful answer.
func (f *Fault) after(a *answer) {
	if f == nil || a.status != http.StatusOK {
		return
	}
	if p := a.page; p != nil {
		p.total += f.TotalDelta
		if f.WrongPage != nil {
			p.page = *f.WrongPage
		}
		if f.EmptyItems {
			p.items, p.size = nil, 0
		}
	}
	if f.Body != "" {
		a.body, a.page = []byte(f.Body), nil
	}
	if f.Truncate {
		b := a.bytes()
		a.body, a.page = b[:len(b)/2], nil
	}
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
