package covalence

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

const (
	benchAROs    = 20000
	benchCap     = 100
	benchLatency = 20 * time.Millisecond
)

func benchServer(b *testing.B) string {
	b.Helper()
	d := mockportal.Generate(1, 20, benchAROs, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(mockportal.New(d, mockportal.Options{APIKey: "k", PageCap: benchCap, PageBase: 1, Latency: benchLatency}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkStreamAROs reads 20,000 AROs (200 pages of 100, 20 ms each) at
// several max_parallel_requests.
func BenchmarkStreamAROs(b *testing.B) {
	base := benchServer(b)
	for _, p := range []int{1, 4, 8, 16} {
		b.Run(fmt.Sprintf("parallel=%d", p), func(b *testing.B) {
			c, err := New(Config{BaseURL: base, APIKey: "k", MaxParallel: p})
			if err != nil {
				b.Fatal(err)
			}
			benchReads(b, func() (int, error) {
				n := 0
				_, err := c.StreamAROs(context.Background(), "prov-0001", AROQuery{}, func(items []ARO) (bool, error) {
					n += len(items)
					return false, nil
				})
				return n, err
			})
		})
	}
}

// BenchmarkPlainFetch is the yardstick: a bare 8-in-flight fetch of the same
// 200 pages with net/http and encoding/json, knowing the page count in
// advance, with no retries, checks or de-duplication.
func BenchmarkPlainFetch(b *testing.B) {
	base := benchServer(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	get := func(page int) (int, error) {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/providers/prov-0001/aros?limit=500&page=%d", base, page), nil)
		req.Header.Set("Authorization", "Bearer k")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var p itemPage[ARO]
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			return 0, err
		}
		return len(p.Items), nil
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pages := benchAROs / benchCap
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		sem := make(chan struct{}, 8)
		for p := 1; p <= pages; p++ {
			wg.Add(1)
			sem <- struct{}{}
			go func(p int) {
				defer wg.Done()
				defer func() { <-sem }()
				n, err := get(p)
				if err != nil {
					b.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}(p)
		}
		wg.Wait()
		if total != benchAROs {
			b.Fatalf("plain fetch read %d AROs", total)
		}
	}
	b.ReportMetric(float64(benchAROs*b.N)/b.Elapsed().Seconds(), "AROs/s")
}

// benchReads times b.N reads of the bench estate; read returns how many
// AROs it saw.
func benchReads(b *testing.B, read func() (int, error)) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n, err := read(); err != nil || n != benchAROs {
			b.Fatalf("read %d AROs: %v", n, err)
		}
	}
	b.ReportMetric(float64(benchAROs*b.N)/b.Elapsed().Seconds(), "AROs/s")
}
