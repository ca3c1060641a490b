package covalence

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// TestDecodeErrorOffsets: a body cut short is reported as truncated at its
// end; any other bad JSON at the offset encoding/json gives.
func TestDecodeErrorOffsets(t *testing.T) {
	c, err := New(Config{BaseURL: "http://127.0.0.1:1/v1", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("http://127.0.0.1:1/v1/providers/p/aros")
	for body, want := range map[string]struct {
		offset    int64
		truncated bool
	}{
		``:                          {0, true},
		`{"items":[{"ID":"a"}`:      {20, true},
		`{"items":[{"ID":"a"}],"to`: {25, true},
		`{"items":x`:                {10, false},
		`{"items":[]} trailing`:     {14, false},
		`{"items":"x"}`:             {12, false},
	} {
		var p itemPage[ARO]
		err := c.decode(u, []byte(body), &p)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("%q: %v is not a DecodeError", body, err)
		}
		if de.Offset != want.offset || strings.Contains(de.Error(), "truncated") != want.truncated {
			t.Errorf("%q: offset %d, %q; want offset %d, truncated %v", body, de.Offset, de.Error(), want.offset, want.truncated)
		}
	}
}
