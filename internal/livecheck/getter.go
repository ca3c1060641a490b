package livecheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// errBudget ends the probes once the request budget is used up.
var errBudget = errors.New("request budget used up")

// maxBody bounds one answer read into memory.
const maxBody = 64 << 20

// maxRetryAfter is the longest Retry-After the check waits: the client's,
// beyond which the provider gives up too.
const maxRetryAfter = covalence.MaxRetryAfter

// refusalRetries is how many times one request is sent again after a 429 or
// 503.
const refusalRetries = 4

// getter sends the check's GET requests: paced by a token bucket of one
// request, counted against the budget, and sent again (after Retry-After or a
// doubling pause) when the portal answers 429 or 503, each refusal recorded
// in the report. It is not the provider's client on purpose: the probes need
// the raw answers, and every refusal must be seen, not absorbed.
type getter struct {
	base    *url.URL
	key     string
	hc      *http.Client
	pace    *rate.Limiter
	max     int
	backoff time.Duration
	rep     *Report
}

// reply is one answer: its status and body, and the request as reported
// (the path and query relative to the base URL).
type reply struct {
	req    string
	status int
	header http.Header
	body   []byte
}

// get sends GET base/path...?q and returns the final answer (after any
// refusals). A transport error is returned as an error; so is errBudget.
func (g *getter) get(ctx context.Context, q url.Values, path ...string) (*reply, error) {
	u := *g.base
	segs := make([]string, len(path))
	for i, p := range path {
		segs[i] = url.PathEscape(p)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + strings.Join(path, "/")
	u.RawPath = strings.TrimSuffix(g.base.EscapedPath(), "/") + "/" + strings.Join(segs, "/")
	u.RawQuery = q.Encode()
	rel := strings.Join(segs, "/")
	if u.RawQuery != "" {
		rel += "?" + displayQuery(q)
	}
	pause := g.backoff
	for attempt := 0; ; attempt++ {
		if g.rep.Requests >= g.max {
			g.rep.BudgetUsedUp = true
			return nil, errBudget
		}
		if err := g.pace.Wait(ctx); err != nil {
			return nil, err
		}
		g.rep.Requests++
		r, err := g.once(ctx, u.String())
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", rel, err)
		}
		r.req = rel
		if r.status != http.StatusTooManyRequests && r.status != http.StatusServiceUnavailable || attempt == refusalRetries {
			return r, nil
		}
		wait := pause
		pause *= 2
		ra := r.header.Get("Retry-After")
		g.recordRefusal(r.status, ra)
		if ra != "" {
			if d, ok := covalence.ParseRetryAfter(ra, time.Now()); ok {
				if d > maxRetryAfter {
					return r, nil
				}
				wait = d
			} else {
				g.rep.RateLimits.UnparsableHeaders++
			}
		}
		g.rep.RateLimits.WaitedSeconds += wait.Seconds()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func (g *getter) once(ctx context.Context, u string) (*reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+g.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "terraform-provider-covalence-livecheck")
	resp, err := g.hc.Do(req)
	if err != nil {
		return nil, scrubErr(err, g.key)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, scrubErr(err, g.key)
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

func scrubErr(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), key, Redacted))
}

func (g *getter) recordRefusal(status int, retryAfter string) {
	rl := &g.rep.RateLimits
	switch {
	case status == http.StatusTooManyRequests && retryAfter != "":
		rl.TooMany++
	case status == http.StatusTooManyRequests:
		rl.TooManyBare++
	case retryAfter != "":
		rl.Unavailable++
	default:
		rl.UnavailableBare++
	}
	if retryAfter != "" && len(rl.RetryAfterValues) < 10 {
		v := retryAfter
		if len(v) > 40 {
			v = v[:40]
		}
		rl.RetryAfterValues = append(rl.RetryAfterValues, strconv.Quote(v))
	}
}

// displayQuery renders a query for the report, unescaped where that stays readable.
func displayQuery(q url.Values) string {
	s, err := url.QueryUnescape(q.Encode())
	if err != nil {
		return q.Encode()
	}
	return s
}

// decodeJSON decodes a body keeping numbers as json.Number, so that the
// type checks can tell 3 from 3.5 and "3".
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// describe summarises an answer for the evidence: status, size and JSON
// shape, never the body itself.
func describe(r *reply) string {
	if r == nil {
		return "no answer"
	}
	s := fmt.Sprintf("%d, %d bytes", r.status, len(r.body))
	if r.status != http.StatusOK {
		return s
	}
	v, err := decodeJSON(r.body)
	if err != nil {
		return s + ", not JSON"
	}
	switch x := v.(type) {
	case []any:
		return fmt.Sprintf("%s, a JSON array of %d", s, len(x))
	case map[string]any:
		if items, ok := x["items"].([]any); ok {
			return fmt.Sprintf("%s, items %d, total %v, page %v", s, len(items), x["total"], x["page"])
		}
		return fmt.Sprintf("%s, a JSON object of %d fields", s, len(x))
	}
	return s + ", " + jsonType(v)
}
