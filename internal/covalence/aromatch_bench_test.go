package covalence

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// BenchmarkStreamFiltered reads the 20,000 AROs of the bench estate with a
// since/until window that every ARO is inside, from a mock without latency
// that ignores the window (so that its own filtering does not dominate): the
// CPU of a read whose every ARO the pager checks (a creation time parsed per
// ARO), through both streams.
func BenchmarkStreamFiltered(b *testing.B) {
	d := mockportal.Generate(1, 20, benchAROs, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	mock := mockportal.New(d, mockportal.Options{APIKey: "k", PageCap: benchCap, PageBase: 1})
	mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
		return &mockportal.Fault{IgnoreParams: []string{"since", "until"}}
	})
	srv := httptest.NewServer(mock)
	b.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k", MaxParallel: DefaultMaxParallel})
	if err != nil {
		b.Fatal(err)
	}
	since, until := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	q := AROQuery{Since: &since, Until: &until}
	b.Run("aros", func(b *testing.B) {
		benchReads(b, func() (int, error) {
			n := 0
			_, err := c.StreamAROs(context.Background(), "prov-0001", q, func(items []ARO) (bool, error) {
				n += len(items)
				return false, nil
			})
			return n, err
		})
	})
	b.Run("summary", func(b *testing.B) {
		benchReads(b, func() (int, error) {
			n := 0
			_, err := c.StreamAROSummaries(context.Background(), "prov-0001", q, func(items []AROSummaryItem) (bool, error) {
				n += len(items)
				return false, nil
			})
			return n, err
		})
	})
}

// BenchmarkAROMatcher is the check of one ARO against a query sending all
// seven parameters, every one satisfied (the costliest case: every field
// compared and the creation time parsed), to set beside the decoding of one
// ARO (BenchmarkDecodeAROPage, per 100).
func BenchmarkAROMatcher(b *testing.B) {
	since, until := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	q := AROQuery{ID: "a1", OrganizationID: "org-1", Status: "Open", Resolution: "Unresolved", Type: "Action", Since: &since, Until: &until}
	m := q.matcher()
	f := filterFields{ID: "a1", OrganizationID: new("org-1"), Status: new("Open"), Resolution: new("Unresolved"), Type: new("Action"), CreationTime: new("2025-03-10 12:00:00")}
	b.ReportAllocs()
	for b.Loop() {
		if m.misses(&f) != 0 {
			b.Fatal("no match")
		}
	}
}
