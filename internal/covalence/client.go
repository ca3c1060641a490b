package covalence

import (
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
	"github.com/hashicorp/go-retryablehttp"
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
	// RetryBudget bounds the time one request spends waiting between retries,
	// Retry-After included: a portal that keeps failing gives an error, not a hang.
	RetryBudget = 60 * time.Second
	// maxBody bounds one response body.
	maxBody = 256 << 20
)

// Logger receives the client's own events (retries, paging decisions).
// The provider plugs tflog in here; nil discards them.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client. Zero values take the defaults above.
type Config struct {
	BaseURL   string
	APIKey    string
	UserAgent string

	// MaxRetries is the number of retries after the first attempt; 0 takes
	// the default, a negative value disables retries.
	MaxRetries     int
	RequestTimeout time.Duration
	MaxParallel    int
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration

	CACertPEM          string
	InsecureSkipVerify bool
	ProxyURL           string

	// WrapTransport, when set, wraps the transport of every attempt (the
	// provider's logging round tripper).
	WrapTransport func(http.RoundTripper) http.RoundTripper
	Logger        Logger
}

// Client is a read-only FES Portal API client. It is safe for concurrent use.
type Client struct {
	base        *url.URL
	apiKey      string
	userAgent   string
	maxParallel int
	timeout     time.Duration
	http        *retryablehttp.Client
	log         Logger
	throttle    *throttle

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

// New builds a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.APIKey == "" {
		return nil, errors.New("an API key is required")
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxParallel <= 0 {
		cfg.MaxParallel = DefaultMaxParallel
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
	th := &throttle{}
	var rt http.RoundTripper = &throttledTransport{next: transport, throttle: th}
	if cfg.WrapTransport != nil {
		rt = cfg.WrapTransport(rt)
	}

	c := &Client{
		base:        base,
		apiKey:      cfg.APIKey,
		userAgent:   cfg.UserAgent,
		maxParallel: cfg.MaxParallel,
		timeout:     cfg.RequestTimeout,
		log:         cfg.Logger,
		throttle:    th,
	}
	c.http = &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: rt, Timeout: cfg.RequestTimeout},
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   retryPolicy,
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			// A pool-wide pause (Retry-After seen by any request) holds this
			// attempt back; a cancelled context makes the attempt fail at once.
			_ = th.wait(req.Context())
			if st, ok := req.Context().Value(attemptKey{}).(*attemptState); ok {
				st.attempts = attempt + 1
			}
			if attempt > 0 && c.log != nil {
				c.log.Debug(req.Context(), "retrying request", map[string]any{
					"method": req.Method, "path": c.rel(req.URL), "attempt": attempt + 1,
				})
			}
		},
	}
	return c, nil
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
			return nil, errors.New("ca_cert_pem holds no PEM-encoded certificate")
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
			return nil, fmt.Errorf("proxy URL %q must be an absolute http, https or socks5 URL", cfg.ProxyURL)
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

type attemptKey struct{}

// attemptState follows one request through its retries.
type attemptState struct {
	attempts int
	start    time.Time
}

// retryPolicy retries 429, 500, 502, 503, 504 and transport failures; never
// other 4xx, and never after the context ended.
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		// A certificate that does not verify will not verify on the next try.
		var cve *tls.CertificateVerificationError
		var hne x509.HostnameError
		if errors.As(err, &cve) || errors.As(err, &hne) {
			return false, nil
		}
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return true, nil
		}
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if d > MaxRetryAfter {
				return false, nil // the server wants a longer pause than we are willing to hang for
			}
			if st, ok := ctx.Value(attemptKey{}).(*attemptState); ok && time.Since(st.start)+d > RetryBudget {
				return false, nil // the retry budget would be spent waiting
			}
		}
		return true, nil
	}
	return false, nil
}

// backoff is exponential with jitter (between half and all of min*2^n, capped
// at max); a Retry-After on the answer being retried takes precedence.
func backoff(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
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
		case errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input"):
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

// get performs a GET with retries and returns the body of a 200 answer.
func (c *Client) get(ctx context.Context, u *url.URL) ([]byte, error) {
	st := &attemptState{start: time.Now()}
	ctx = context.WithValue(ctx, attemptKey{}, st)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building GET %s: %w", c.rel(u), err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("GET %s: %w", c.rel(u), context.Cause(ctx))
		}
		if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
			err = &timeoutError{limit: c.timeout, err: err}
		}
		return nil, &TransportError{Method: http.MethodGet, Path: c.rel(u), Attempts: max(st.attempts, 1), Err: c.scrub(err)}
	}
	defer func() { _ = resp.Body.Close() }()

	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if resp.StatusCode != http.StatusOK {
		return nil, &APIError{
			StatusCode: resp.StatusCode, Method: http.MethodGet, Path: c.rel(u),
			Excerpt: excerpt(body, c.apiKey), Attempts: max(st.attempts, 1),
			RetryAfter: resp.Header.Get("Retry-After"),
		}
	}
	if readErr != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("GET %s: %w", c.rel(u), context.Cause(ctx))
		}
		return nil, &TransportError{Method: http.MethodGet, Path: c.rel(u), Attempts: max(st.attempts, 1),
			Err: fmt.Errorf("reading the answer after %d bytes: %w", len(body), c.scrub(readErr))}
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("GET %s: answer larger than %d MiB", c.rel(u), maxBody>>20)
	}
	return body, nil
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
