package provider

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the tflog subsystem of the HTTP layer: TF_LOG_PROVIDER_COVALENCE_HTTP.
const logSubsystem = "covalence_http"

// maxLoggedBody bounds the response body bytes written to TRACE logs.
const maxLoggedBody = 4 << 10

// httpLogContext returns ctx with the covalence_http subsystem, which masks
// the API key wherever it appears. Every log line of the HTTP layer and of the
// client's own events goes through it.
func httpLogContext(ctx context.Context, secret string) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
	if secret != "" {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, secret)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, secret)
	}
	return ctx
}

// tflogLogger routes the client's own events (retries, rate limiting,
// paging) to the covalence_http subsystem.
type tflogLogger struct {
	secret string
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(httpLogContext(ctx, l.secret), logSubsystem, msg, fields)
}

// loggingTransport logs every HTTP exchange through tflog, with the
// Authorization header masked and the API key masked anywhere else.
type loggingTransport struct {
	next   http.RoundTripper
	secret string
	// debug and trace are httpLogLevel, read once when the transport is
	// built (the environment of a plugin process does not change).
	debug, trace bool
}

// newLoggingTransport is a loggingTransport for the log levels the
// environment sets now.
func newLoggingTransport(next http.RoundTripper, secret string) *loggingTransport {
	t := &loggingTransport{next: next, secret: secret}
	t.debug, t.trace = httpLogLevel()
	return t
}

// httpLogLevel is how much of the HTTP exchanges can be shown: the most
// verbose of the log levels set in the environment for the provider or this
// subsystem (terraform starts the plugin with its own environment). With none
// at DEBUG or TRACE, the transport does no logging work at all: otherwise
// every request would build its log lines for Terraform to throw away.
func httpLogLevel() (debug, trace bool) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_COVALENCE", "TF_LOG_PROVIDER_COVALENCE_HTTP"} {
		switch strings.ToUpper(strings.TrimSpace(os.Getenv(v))) {
		case "TRACE", "JSON":
			return true, true
		case "DEBUG":
			debug = true
		}
	}
	// The test framework logs at TRACE into these files.
	if os.Getenv("TF_ACC_LOG_PATH") != "" || os.Getenv("TF_LOG_PATH_MASK") != "" {
		return true, true
	}
	return debug, false
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.debug {
		return t.next.RoundTrip(req)
	}
	ctx := httpLogContext(req.Context(), t.secret)
	tflog.SubsystemDebug(ctx, logSubsystem, "FES Portal request", map[string]any{
		"method":  req.Method,
		"url":     req.URL.String(),
		"headers": headerFields(req.Header),
	})
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		tflog.SubsystemDebug(ctx, logSubsystem, "FES Portal request failed", map[string]any{
			"method": req.Method, "url": req.URL.String(), "error": err.Error(),
			"duration_ms": time.Since(start).Milliseconds(),
		})
		return nil, err
	}
	fields := map[string]any{
		"method": req.Method, "url": req.URL.String(), "status": resp.StatusCode,
		"duration_ms": time.Since(start).Milliseconds(), "headers": headerFields(resp.Header),
	}
	tflog.SubsystemDebug(ctx, logSubsystem, "FES Portal response", fields)
	if !t.trace {
		return resp, nil
	}
	resp.Body = &bodyLogger{ReadCloser: resp.Body, log: func(b []byte, total int64) {
		tflog.SubsystemTrace(ctx, logSubsystem, "FES Portal response body", map[string]any{
			"url": req.URL.String(), "body_bytes": total, "body_excerpt": string(b),
		})
	}}
	return resp, nil
}

// headerFields renders headers for a log line, masking credentials.
func headerFields(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		switch strings.ToLower(k) {
		case "authorization", "proxy-authorization", "cookie", "set-cookie":
			out[k] = "***"
		default:
			out[k] = strings.Join(v, ", ")
		}
	}
	return out
}

// bodyLogger keeps the first maxLoggedBody bytes of a body and logs them once
// when the body is closed.
type bodyLogger struct {
	io.ReadCloser
	buf    bytes.Buffer
	total  int64
	logged bool
	log    func([]byte, int64)
}

func (b *bodyLogger) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.total += int64(n)
	if room := maxLoggedBody - b.buf.Len(); room > 0 && n > 0 {
		b.buf.Write(p[:min(n, room)])
	}
	return n, err
}

func (b *bodyLogger) Close() error {
	if !b.logged {
		b.logged = true
		b.log(b.buf.Bytes(), b.total)
	}
	return b.ReadCloser.Close()
}
