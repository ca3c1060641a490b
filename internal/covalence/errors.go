package covalence

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxExcerpt bounds the response-body excerpt an error carries.
const maxExcerpt = 300

// APIError is an HTTP answer the client does not accept. Its text never
// contains the API key.
type APIError struct {
	StatusCode int
	Method     string
	Path       string // request path and query, relative to the base URL
	Excerpt    string // a short, key-free excerpt of the response body
	Attempts   int    // requests made, retries included
	RetryAfter string // the last Retry-After header, if any
}

func (e *APIError) Error() string {
	where := e.Method + " " + e.Path
	var b strings.Builder
	switch e.StatusCode {
	case http.StatusUnauthorized:
		fmt.Fprintf(&b, "the API key was refused (HTTP 401 on %s)", where)
	case http.StatusForbidden:
		fmt.Fprintf(&b, "the API key lacks access to %s (HTTP 403)", where)
	case http.StatusNotFound:
		fmt.Fprintf(&b, "not found (HTTP 404 on %s)", where)
	case http.StatusTooManyRequests:
		fmt.Fprintf(&b, "rate limited by the portal (HTTP 429 on %s, %s)", where, attempts(e.Attempts))
		if e.RetryAfter != "" {
			fmt.Fprintf(&b, "; last Retry-After: %s", e.RetryAfter)
		}
	default:
		fmt.Fprintf(&b, "the portal answered HTTP %d %s on %s", e.StatusCode, http.StatusText(e.StatusCode), where)
		if e.Attempts > 1 {
			fmt.Fprintf(&b, " (%s)", attempts(e.Attempts))
		}
	}
	if e.Excerpt != "" {
		fmt.Fprintf(&b, ": %s", e.Excerpt)
	}
	return b.String()
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// IsStatus reports whether err is an APIError with that HTTP status.
func IsStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}

// RateLimitError is a request given up because the portal has answered
// nothing but refusals (HTTP 429, or 503 with Retry-After) to every request
// of the client for the rate-limit timeout. Its text never contains the API key.
type RateLimitError struct {
	Last    *APIError     // the last refusal
	Refused int           // requests refused since the portal last answered
	For     time.Duration // how long the portal has refused everything
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("the portal refused every request for %s (%d refused with HTTP 429 or 503, no other answer); the last: %v",
		e.For.Round(time.Second), e.Refused, e.Last)
}

func (e *RateLimitError) Unwrap() error { return e.Last }

// TransportError is a request that got no HTTP answer (connection refused or
// reset, timeout, TLS failure), after retries.
type TransportError struct {
	Method, Path string
	Attempts     int
	Err          error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s failed (%s): %v", e.Method, e.Path, attempts(e.Attempts), e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError is a response body that is not the JSON the contract describes.
type DecodeError struct {
	Method, Path string
	Offset       int64 // byte offset of the problem, -1 when unknown
	Size         int   // body size in bytes
	Err          error
}

func (e *DecodeError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("undecodable JSON from %s %s at byte offset %d of %d: %v", e.Method, e.Path, e.Offset, e.Size, e.Err)
	}
	return fmt.Sprintf("undecodable JSON from %s %s (%d bytes): %v", e.Method, e.Path, e.Size, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// PagingError is a paginated answer that contradicts itself.
type PagingError struct {
	Path string
	Msg  string
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("inconsistent pagination from GET %s: %s", e.Path, e.Msg)
}

// excerpt returns at most maxExcerpt bytes of a body on one line, with the
// secret removed.
func excerpt(body []byte, secret string) string {
	s := string(body)
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "[REDACTED]")
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxExcerpt {
		cut := maxExcerpt
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return s
}
