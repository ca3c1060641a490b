package covalence

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/net/http/httpproxy"
)

// DefaultBaseURL is the production FES Portal API.
const DefaultBaseURL = "https://services.fieldeffect.net/v1"

// Defaults for Config fields left zero.
const (
	DefaultMaxRetries     = 5
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxParallel    = 8
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 8 * time.Second
	// MaxRetryAfter is the longest Retry-After the client waits for; a server
	// asking for more ends the request with its error instead of hanging.
	MaxRetryAfter = 60 * time.Second
	// RetryBudget bounds the time a request spends before a retry that a 5xx
	// answer's Retry-After asks for: a portal that keeps failing gives an
	// error, not a hang. (Refusals, HTTP 429, are bounded by the rate-limit
	// timeout instead.)
	RetryBudget = 60 * time.Second
	// maxBody bounds one response body.
	maxBody = 256 << 20
)

// Logger receives the client's own events (retries, rate limiting, paging
// decisions). The provider plugs tflog in here; nil discards them.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client. Zero values take the defaults above.
type Config struct {
	BaseURL   string
	APIKey    string
	UserAgent string

	// MaxRetries is the number of retries after the first attempt of a
	// request that failed with HTTP 500, 502, 503 (without Retry-After) or
	// 504, or got no answer; nil takes DefaultMaxRetries. Refusals (HTTP 429,
	// or 503 with Retry-After) do not use it up: see RateLimitTimeout.
	MaxRetries     *int
	RequestTimeout time.Duration
	// MaxParallel is the most requests in flight at once, across every call
	// of the client (the scheduler's largest window).
	MaxParallel int
	// RequestsPerSecond, when positive, spaces requests at that rate.
	RequestsPerSecond float64
	// RateLimitTimeout is how long the portal may refuse every request
	// before refused requests fail; 0 takes DefaultRateLimitTimeout.
	RateLimitTimeout time.Duration
	RetryWaitMin     time.Duration
	RetryWaitMax     time.Duration

	CACertPEM          string
	InsecureSkipVerify bool
	ProxyURL           string

	// WrapTransport, when set, wraps the transport of every attempt (the
	// provider's logging round tripper).
	WrapTransport func(http.RoundTripper) http.RoundTripper
	Logger        Logger
}

// ConfigError is a Config that New refuses; Field names the Config field.
type ConfigError struct {
	Field string // "BaseURL", "APIKey", "CACertPEM" or "ProxyURL"
	Err   error
}

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Client is a read-only FES Portal API client. It is safe for concurrent use.
type Client struct {
	base         *url.URL
	apiKey       string
	userAgent    string
	maxParallel  int
	maxRetries   int
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	timeout      time.Duration
	http         *http.Client
	log          Logger
	sched        *scheduler

	orgs      flight[[]Organization]
	providers flight[Provider]
}

// ParseBaseURL checks that raw is an absolute http(s) URL and drops a trailing slash.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q must be an absolute http:// or https:// URL", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("the base URL must not carry credentials; use the API key")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// New builds a Client. It makes no request. A refused Config gives a *ConfigError.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, &ConfigError{Field: "BaseURL", Err: err}
	}
	if cfg.APIKey == "" {
		return nil, &ConfigError{Field: "APIKey", Err: errors.New("an API key is required")}
	}
	retries := DefaultMaxRetries
	if cfg.MaxRetries != nil {
		retries = max(0, *cfg.MaxRetries)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxParallel <= 0 {
		cfg.MaxParallel = DefaultMaxParallel
	}
	if cfg.RateLimitTimeout <= 0 {
		cfg.RateLimitTimeout = DefaultRateLimitTimeout
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-covalence"
	}

	transport, err := newTransport(cfg)
	if err != nil {
		return nil, err
	}
	var rt http.RoundTripper = transport
	if cfg.WrapTransport != nil {
		rt = cfg.WrapTransport(rt)
	}
	return &Client{
		base:         base,
		apiKey:       cfg.APIKey,
		userAgent:    cfg.UserAgent,
		maxParallel:  cfg.MaxParallel,
		maxRetries:   retries,
		retryWaitMin: cfg.RetryWaitMin,
		retryWaitMax: cfg.RetryWaitMax,
		timeout:      cfg.RequestTimeout,
		http:         &http.Client{Transport: rt, Timeout: cfg.RequestTimeout, CheckRedirect: checkRedirect},
		log:          cfg.Logger,
		sched:        newScheduler(cfg.MaxParallel, cfg.RequestsPerSecond, cfg.RateLimitTimeout),
	}, nil
}

func newTransport(cfg Config) (*http.Transport, error) {
	t := cleanhttp.DefaultPooledTransport()
	t.MaxIdleConnsPerHost = 64
	t.MaxConnsPerHost = 0
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CACertPEM != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(cfg.CACertPEM)) {
			return nil, &ConfigError{Field: "CACertPEM", Err: errors.New("ca_cert_pem holds no PEM-encoded certificate")}
		}
		tlsCfg.RootCAs = pool
	}
	if cfg.InsecureSkipVerify {
		tlsCfg.InsecureSkipVerify = true //nolint:gosec // opt-in, warned about by the provider
	}
	t.TLSClientConfig = tlsCfg
	if cfg.ProxyURL != "" {
		pu, err := url.Parse(cfg.ProxyURL)
		if err != nil || pu.Host == "" || (pu.Scheme != "http" && pu.Scheme != "https" && pu.Scheme != "socks5") {
			return nil, &ConfigError{Field: "ProxyURL", Err: fmt.Errorf("proxy URL %q must be an absolute http, https or socks5 URL", cfg.ProxyURL)}
		}
		t.Proxy = http.ProxyURL(pu)
	} else {
		// Read HTTPS_PROXY/HTTP_PROXY/NO_PROXY per request (http.ProxyFromEnvironment
		// caches them for the life of the process).
		t.Proxy = func(req *http.Request) (*url.URL, error) {
			return httpproxy.FromEnvironment().ProxyFunc()(req.URL)
		}
	}
	return t, nil
}

// verdict is what to do after one attempt.
type verdict int

const (
	final   verdict = iota // hand the answer over: a success, or an error a retry would not fix
	refusal                // the portal refused (429, or 503 with Retry-After): slow down and retry
	failure                // 5xx or no answer: retry while max_retries allow
)

// classify decides what to do after an attempt that got the status (0 when
// err is set) and the Retry-After header value. It is the one place where
// Retry-After is read: it returns the wait it asks for, if any. Retried:
// 429, 500, 502, 503, 504 and transport failures; never other 4xx,
// certificate errors, or a Retry-After beyond MaxRetryAfter.
func classify(status int, retryAfterHeader string, err error, now time.Time) (v verdict, retryAfter time.Duration, hasRetryAfter bool) {
	if err != nil {
		// A certificate that does not verify will not verify on the next try.
		var cve *tls.CertificateVerificationError
		var hne x509.HostnameError
		var uae x509.UnknownAuthorityError
		var cie x509.CertificateInvalidError
		if errors.As(err, &cve) || errors.As(err, &hne) || errors.As(err, &uae) || errors.As(err, &cie) ||
			errors.Is(err, errTooManyRedirects) {
			return final, 0, false
		}
		return failure, 0, false
	}
	retryAfter, hasRetryAfter = ParseRetryAfter(retryAfterHeader, now)
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable,
		http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
	default:
		return final, 0, false
	}
	if hasRetryAfter && retryAfter > MaxRetryAfter {
		// The portal wants a longer pause than we are willing to hang for.
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			return refusal, retryAfter, true
		}
		return final, retryAfter, true
	}
	if status == http.StatusTooManyRequests || (status == http.StatusServiceUnavailable && hasRetryAfter) {
		return refusal, retryAfter, hasRetryAfter
	}
	return failure, retryAfter, hasRetryAfter
}

// budgetClock starts a request's retry budget (a test shifts it).
var budgetClock = time.Now

// errTooManyRedirects ends a request that redirects in circles.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

func checkRedirect(_ *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errTooManyRedirects
	}
	return nil
}

// backoff is the wait before retry n (from 0): exponential with jitter,
// between half and all of min*2^n, capped at max.
func backoff(minWait, maxWait time.Duration, n int) time.Duration {
	d := minWait
	for i := 0; i < n && d < maxWait; i++ {
		d *= 2
	}
	if d > maxWait {
		d = maxWait
	}
	half := int64(d / 2)
	if half <= 0 {
		return d
	}
	return time.Duration(half + jitter(half))
}

// rel renders a request URL relative to the base URL, for messages.
func (c *Client) rel(u *url.URL) string {
	p := strings.TrimPrefix(u.Path, c.base.Path)
	p = strings.TrimPrefix(p, "/")
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// endpoint builds the URL of a path made of escaped segments.
func (c *Client) endpoint(q url.Values, segments ...string) *url.URL {
	u := *c.base
	esc := make([]string, len(segments))
	for i, s := range segments {
		esc[i] = url.PathEscape(s)
	}
	u.Path = c.base.Path + "/" + strings.Join(segments, "/")
	u.RawPath = c.base.EscapedPath() + "/" + strings.Join(esc, "/")
	if q != nil {
		u.RawQuery = q.Encode()
	}
	return &u
}

// getJSON performs a GET with retries and decodes a 200 answer into out.
func (c *Client) getJSON(ctx context.Context, u *url.URL, out any) error {
	body, err := c.get(ctx, u)
	if err != nil {
		return err
	}
	return c.decode(u, body, out)
}

func (c *Client) decode(u *url.URL, body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		de := &DecodeError{Method: http.MethodGet, Path: c.rel(u), Offset: -1, Size: len(body), Err: c.scrub(err)}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) && truncated(body):
			de.Offset = int64(len(body))
			de.Err = errors.New("the body ends early (truncated answer)")
		case errors.As(err, &se):
			de.Offset = se.Offset
		case errors.As(err, &te):
			de.Offset = te.Offset
		}
		return de
	}
	return nil
}

// truncated reports whether body is the start of a JSON value cut short:
// json.Decoder says so with a typed error (io.ErrUnexpectedEOF, or io.EOF
// for an empty body) where json.Unmarshal only has a message text.
func truncated(body []byte) bool {
	var v any
	err := json.NewDecoder(bytes.NewReader(body)).Decode(&v)
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// get performs a GET with retries and returns the body of a 200 answer.
// Every attempt goes through the scheduler, which decides when it is sent,
// and is counted in ctx's read.
func (c *Client) get(ctx context.Context, u *url.URL) ([]byte, error) {
	rd := readOf(ctx)
	path := c.rel(u)
	start := budgetClock()
	var attempts, retries, refusals int
	var opt acquireOptions
	for {
		sl, err := c.sched.acquire(ctx, rd, opt)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", path, context.Cause(ctx))
		}
		sent := ReadStats{Requests: 1}
		if attempts > 0 {
			sent.Retries = 1
		}
		attempts++
		rd.add(sent)
		a := c.attempt(ctx, u)
		v, retryAfter, hasRetryAfter := classify(a.status, a.retryAfter, a.err, time.Now())
		opt = acquireOptions{retry: true, afterRefusal: v == refusal}

		var wait time.Duration
		switch v {
		case refusal:
			refusals++
			d := sl.refused(retryAfter, hasRetryAfter)
			rd.add(ReadStats{RateLimited: 1})
			if d.shrunk || d.pauseSet {
				c.debug(ctx, "rate limited by the portal: slowing down", map[string]any{
					"method": http.MethodGet, "path": path, "status": a.status, "retry_after": a.retryAfter,
					"window": d.window, "pause_ms": d.paused.Milliseconds(), "refused_in_a_row": d.refusals,
				})
			}
			if !d.waitable || ctx.Err() != nil {
				return nil, c.answerError(ctx, u, a, attempts)
			}
			if d.giveUp {
				ae, _ := c.answerError(ctx, u, a, attempts).(*APIError)
				return nil, &RateLimitError{Last: ae, Refused: d.refusals, For: d.streak}
			}
			if !hasRetryAfter || retryAfter <= 0 {
				// No pause was asked for (or "Retry-After: 0", or a date in the
				// past, e.g. from clock skew): this request backs off on its own
				// rather than asking again at once.
				wait = backoff(c.retryWaitMin, c.retryWaitMax, refusals-1)
			}
		case failure:
			releaseSlot(sl, a)
			wait = backoff(c.retryWaitMin, c.retryWaitMax, retries)
			if hasRetryAfter && retryAfter > 0 {
				wait = retryAfter
			}
			// The retry budget bounds the time one request spends waiting on
			// Retry-After between retries: a failing portal gives an error, not a hang.
			if retries >= c.maxRetries || ctx.Err() != nil || (hasRetryAfter && time.Since(start)+wait > RetryBudget) {
				return nil, c.answerError(ctx, u, a, attempts)
			}
			retries++
		default:
			releaseSlot(sl, a)
			if a.err != nil || a.status != http.StatusOK {
				return nil, c.answerError(ctx, u, a, attempts)
			}
			if a.readErr != nil {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("GET %s: %w", path, context.Cause(ctx))
				}
				return nil, &TransportError{Method: http.MethodGet, Path: path, Attempts: attempts,
					Err: fmt.Errorf("reading the answer after %d bytes: %w", len(a.body), c.scrub(a.readErr))}
			}
			if len(a.body) > maxBody {
				return nil, fmt.Errorf("GET %s: answer larger than %d MiB", path, maxBody>>20)
			}
			return a.body, nil
		}

		c.debug(ctx, "retrying request", map[string]any{
			"method": http.MethodGet, "path": path, "attempt": attempts + 1, "status": a.status,
			"wait_ms": wait.Milliseconds(),
		})
		if wait > 0 {
			end := rd.startWait(v == refusal)
			err := sleep(ctx, wait)
			end()
			if err != nil {
				return nil, fmt.Errorf("GET %s: %w", path, context.Cause(ctx))
			}
		}
	}
}

// release gives the slot of an attempt that was not refused back to the
// scheduler: an answer, or none.
func releaseSlot(sl *slot, a answer) {
	if a.err != nil {
		sl.lost()
	} else {
		sl.answered()
	}
}

// answer is the outcome of one attempt.
type answer struct {
	status     int    // 0 when err is set
	retryAfter string // the Retry-After header
	body       []byte // at most maxBody+1 bytes
	err        error  // no answer
	readErr    error  // the body broke off
}

// attempt sends one GET and reads its answer.
func (c *Client) attempt(ctx context.Context, u *url.URL) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return answer{err: fmt.Errorf("building the request: %w", err)}
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	body, readErr := readBody(resp)
	return answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: body, readErr: readErr}
}

// readBody reads at most maxBody+1 bytes of resp's body. A declared
// Content-Length sizes the buffer up front (up to 16 MiB), sparing
// io.ReadAll's doublings and their copies on every page; the bytes read are
// the same either way.
func readBody(resp *http.Response) ([]byte, error) {
	r := io.LimitReader(resp.Body, maxBody+1)
	if n := resp.ContentLength; n > 0 && n <= 16<<20 {
		buf := bytes.NewBuffer(make([]byte, 0, n+bytes.MinRead))
		_, err := buf.ReadFrom(r)
		return buf.Bytes(), err
	}
	return io.ReadAll(r)
}

// answerError is the error of a request given up after its last attempt a.
func (c *Client) answerError(ctx context.Context, u *url.URL, a answer, attempts int) error {
	if a.err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("GET %s: %w", c.rel(u), context.Cause(ctx))
		}
		err := a.err
		if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
			err = &timeoutError{limit: c.timeout, err: err}
		}
		return &TransportError{Method: http.MethodGet, Path: c.rel(u), Attempts: attempts, Err: c.scrub(err)}
	}
	return &APIError{
		StatusCode: a.status, Method: http.MethodGet, Path: c.rel(u),
		Excerpt: excerpt(a.body, c.apiKey), Attempts: attempts, RetryAfter: a.retryAfter,
	}
}

// scrub removes the API key from an error's text, should any layer echo it.
func (c *Client) scrub(err error) error {
	if err == nil || !strings.Contains(err.Error(), c.apiKey) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), c.apiKey, "[REDACTED]"))
}

// timeoutError is a request that got no answer within the request timeout.
type timeoutError struct {
	limit time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no answer within the request timeout of %s", e.limit)
}
func (e *timeoutError) Unwrap() error { return e.err }
func (e *timeoutError) Timeout() bool { return true }

// isTimeout reports whether err is a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
