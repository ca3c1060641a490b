package provider

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type fixedTransport struct{ resp *http.Response }

func (f fixedTransport) RoundTrip(*http.Request) (*http.Response, error) { return f.resp, nil }

// TestLoggingTransportIdleWhenOff: with no log level asking for HTTP
// exchanges, the transport hands the answer through untouched (no log
// lines built, no body wrapper); DEBUG logs the exchange, TRACE the body too.
func TestLoggingTransportIdleWhenOff(t *testing.T) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_COVALENCE", "TF_LOG_PROVIDER_COVALENCE_HTTP", "TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK"} {
		t.Setenv(v, "")
	}
	for _, c := range []struct {
		env, level string
		wrapped    bool
	}{
		{"", "", false},
		{"TF_LOG", "INFO", false},
		{"TF_LOG", "DEBUG", false},
		{"TF_LOG_PROVIDER_COVALENCE_HTTP", "debug", false},
		{"TF_LOG", "TRACE", true},
		{"TF_LOG_PROVIDER", "JSON", true},
	} {
		if c.env != "" {
			t.Setenv(c.env, c.level)
		}
		body := io.NopCloser(strings.NewReader("{}"))
		tr := newLoggingTransport(fixedTransport{&http.Response{StatusCode: 200, Body: body, Header: http.Header{}}}, "k")
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/x", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, wrapped := resp.Body.(*bodyLogger); wrapped != c.wrapped {
			t.Errorf("%s=%s: body wrapped for logging %v, want %v", c.env, c.level, wrapped, c.wrapped)
		}
		if c.env != "" {
			t.Setenv(c.env, "")
		}
	}
}

// TestLoggingTransportReadsLevelOnce: the levels are read when the transport
// is built; setting one afterwards does not reach it.
func TestLoggingTransportReadsLevelOnce(t *testing.T) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_COVALENCE", "TF_LOG_PROVIDER_COVALENCE_HTTP", "TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK"} {
		t.Setenv(v, "")
	}
	body := io.NopCloser(strings.NewReader("{}"))
	tr := newLoggingTransport(fixedTransport{&http.Response{StatusCode: 200, Body: body, Header: http.Header{}}}, "k")
	t.Setenv("TF_LOG", "TRACE")
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/x", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, wrapped := resp.Body.(*bodyLogger); wrapped {
		t.Error("TF_LOG=TRACE set after the transport was built reached it")
	}
}
