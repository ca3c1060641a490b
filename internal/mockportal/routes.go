package mockportal

import (
	"context"
	"crypto/subtle"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
)

// routes builds the server's http.ServeMux: each endpoint under the base
// paths the contract allows ("/v1" and none), every one behind the same
// middleware (handler), and a catch-all for unknown paths.
//
// The patterns name paths only: a request with another method reaches the
// endpoint's middleware, which counts it under the endpoint and answers 405
// after authentication, as the portal does.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, base := range []string{"", "/v1"} {
		mux.Handle(base+"/my_providers", s.handler(EndpointMyProviders, s.serveMyProviders))
		mux.Handle(base+"/providers", s.handler(EndpointProviders, s.serveAllProviders))
		mux.Handle(base+"/my_providers/{id}/organizations", s.handler(EndpointOrganizations, s.serveOrganizations))
		mux.Handle(base+"/organizations/{id}", s.handler(EndpointOrganization, s.serveOrganization))
		mux.Handle(base+"/my_organizations/{id}", s.handler(EndpointOrganization, s.serveOrganization))
		mux.Handle(base+"/providers/{id}/aros", s.handler(EndpointAROs, s.serveAROs))
	}
	mux.Handle("/", s.unknown)
	return mux
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The mux would redirect a path that is not clean ("/v1//aros"): the
	// portal knows no such path.
	if p := r.URL.EscapedPath(); !strings.HasPrefix(p, "/") || cleanPath(p) != p {
		s.unknown.ServeHTTP(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Transport returns an http.RoundTripper that serves every request with s in
// memory, without a socket, so that a client inside a testing/synctest
// bubble (where sockets cannot be used) reaches the mock on the bubble's fake
// clock. It fails a request as a network would: with the context's error if
// the context ends while it is served, with io.ErrUnexpectedEOF if a fault
// drops the connection.
func (s *Server) Transport() http.RoundTripper { return memoryTransport{s} }

type memoryTransport struct{ s *Server }

func (t memoryTransport) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	if r.Body != nil {
		defer r.Body.Close()
	}
	defer func() {
		// A dropped connection aborts the handler (drop), which the
		// net/http server would recover.
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			resp, err = nil, io.ErrUnexpectedEOF
		}
	}()
	rec := httptest.NewRecorder()
	t.s.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	resp = rec.Result()
	resp.Request = r
	return resp, nil
}

// cleanPath is path.Clean keeping a trailing slash, as http.ServeMux does.
func cleanPath(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// endpointFunc answers an authorised GET to an endpoint.
type endpointFunc func(r *http.Request) answer

// handler is the middleware chain of an endpoint, in order: record the
// request, apply the Limits, wait the latency, authenticate, allow GET only,
// then the faults and the endpoint (faults.go). serve nil is the catch-all:
// 404 after authentication, no faults.
func (s *Server) handler(ep Endpoint, serve endpointFunc) http.Handler {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { notFound.write(w) })
	if serve != nil {
		h = s.withFaults(ep, serve)
	}
	h = onlyGET(h)
	h = s.authenticate(h)
	h = s.withLatency(h)
	h = s.withLimits(ep, h)
	return s.withRecording(ep, h)
}

type requestNumberKey struct{}

// requestNumber is the n of the FaultFunc, set by withRecording.
func requestNumber(r *http.Request) int {
	n, _ := r.Context().Value(requestNumberKey{}).(int)
	return n
}

// withRecording records the request (Requests, Count) and numbers it.
func (s *Server) withRecording(ep Endpoint, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.record(ep, r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestNumberKey{}, n)))
	})
}

// withLimits refuses what the Limits refuse (after the latency, like any
// answer) and keeps the Stats; an admitted request is in flight until next
// returns.
func (s *Server) withLimits(ep Endpoint, next http.Handler) http.Handler {
	aro := ep == EndpointAROs
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		admitted, retryAfter := s.lim.admit(aro)
		sw := &statusWriter{ResponseWriter: w}
		defer func() { s.lim.done(admitted, aro, sw.status == http.StatusOK) }()
		if !admitted {
			if sleep(r.Context(), s.latency) {
				throttled(sw, retryAfter)
			}
			return
		}
		next.ServeHTTP(sw, r)
	})
}

// withLatency waits Options.Latency (or until the request is cancelled).
func (s *Server) withLatency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sleep(r.Context(), s.latency) {
			next.ServeHTTP(w, r)
		}
	})
}

// authenticate answers 401 or 403 unless the Bearer token is the API key.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch s.authorize(r) {
		case http.StatusUnauthorized:
			writeBody(w, http.StatusUnauthorized, jsonType, detail("Invalid token"))
		case http.StatusForbidden:
			writeBody(w, http.StatusForbidden, jsonType, detail("You do not have permission to perform this action."))
		default:
			next.ServeHTTP(w, r)
		}
	})
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

// onlyGET answers 405 to any other method.
func onlyGET(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeBody(w, http.StatusMethodNotAllowed, jsonType, detail("Method not allowed"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// answer is an endpoint's answer, before faults change it: a JSON body, or
// an ARO page encoded when written.
type answer struct {
	status int
	body   []byte
	page   *aroPage
}

var notFound = answer{status: http.StatusNotFound, body: detail("Not found")}

func internalError(err error) answer {
	return answer{status: http.StatusInternalServerError, body: detail(err.Error())}
}

func (a *answer) bytes() []byte {
	if a.page != nil {
		return a.page.encode()
	}
	return a.body
}

func (a *answer) write(w http.ResponseWriter) { writeBody(w, a.status, jsonType, a.bytes()) }

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
