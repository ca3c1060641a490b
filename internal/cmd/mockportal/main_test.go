package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// serve runs the command with args on a free port and returns its base URL
// (without /v1); the server stops at the end of the test.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, append([]string{"-addr-file", addrFile, "-api-key", "k", "-orgs", "2", "-aros", "5"}, args...))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(addrFile)
		if err == nil {
			return strings.TrimSuffix(string(b), "/v1")
		}
		select {
		case err := <-errc:
			t.Fatalf("run ended: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no address file")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func call(t *testing.T, method, u string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func stats(t *testing.T, base string) mockportal.Stats {
	t.Helper()
	resp, b := call(t, http.MethodGet, base+"/_mock/stats")
	var st mockportal.Stats
	if resp.StatusCode != 200 || json.Unmarshal(b, &st) != nil {
		t.Fatalf("stats: %d %s", resp.StatusCode, b)
	}
	return st
}

func TestRefuseAllAndStats(t *testing.T) {
	base := serve(t, "-refuse-all", "-limit-retry-after", "3")
	resp, _ := call(t, http.MethodGet, base+"/v1/my_providers")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Fatalf("my_providers: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, _ = call(t, http.MethodGet, base+"/v1/providers/x/aros")
	if resp.StatusCode != 429 {
		t.Fatalf("aros: %d", resp.StatusCode)
	}
	if st := stats(t, base); st.Requests != 2 || st.Refused != 2 || st.FirstARO.IsZero() || st.AROServed != 0 {
		t.Fatalf("stats %+v", st)
	}
	if resp, _ := call(t, http.MethodPost, base+"/_mock/stats/reset"); resp.StatusCode != 204 {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if st := stats(t, base); st != (mockportal.Stats{}) {
		t.Fatalf("after reset %+v", st)
	}
}

func TestTokenBucketFlags(t *testing.T) {
	base := serve(t, "-per-second", "0.001", "-burst", "2")
	for i, want := range []int{200, 200, 429} {
		resp, b := call(t, http.MethodGet, base+"/v1/my_providers")
		if resp.StatusCode != want || (want == 429 && resp.Header.Get("Retry-After") != "") {
			t.Fatalf("request %d: %d %s %v", i+1, resp.StatusCode, b, resp.Header)
		}
	}
}

func TestMaxInFlightFlag(t *testing.T) {
	// One request held by the latency; the second is refused.
	base := serve(t, "-max-in-flight", "1", "-latency", "1s")
	done := make(chan int, 1)
	go func() {
		resp, _ := call(t, http.MethodGet, base+"/v1/my_providers")
		done <- resp.StatusCode
	}()
	deadline := time.Now().Add(10 * time.Second)
	for stats(t, base).Requests == 0 {
		if time.Now().After(deadline) {
			t.Fatal("first request never arrived")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if resp, _ := call(t, http.MethodGet, base+"/v1/my_providers"); resp.StatusCode != 429 {
		t.Fatalf("second: %d", resp.StatusCode)
	}
	if code := <-done; code != 200 {
		t.Fatalf("first: %d", code)
	}
	if st := stats(t, base); st.MaxInFlight != 1 || st.Refused != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestIgnoreParamsFlag(t *testing.T) {
	total := func(base, q string) float64 {
		t.Helper()
		resp, b := call(t, http.MethodGet, base+"/v1/my_providers")
		var ps []struct{ ID string }
		if resp.StatusCode != 200 || json.Unmarshal(b, &ps) != nil || len(ps) == 0 {
			t.Fatalf("my_providers: %d %s", resp.StatusCode, b)
		}
		resp, b = call(t, http.MethodGet, base+"/v1/providers/"+ps[0].ID+"/aros"+q)
		var page struct{ Total float64 }
		if resp.StatusCode != 200 || json.Unmarshal(b, &page) != nil {
			t.Fatalf("aros%s: %d %s", q, resp.StatusCode, b)
		}
		return page.Total
	}
	normal := serve(t)
	ignoring := serve(t, "-ignore-params", "id, status")
	if n := total(normal, "?id=nope"); n != 0 {
		t.Fatalf("normal mock: id=nope matched %v", n)
	}
	if n, all := total(ignoring, "?id=nope&status=nope"), total(ignoring, ""); n != all || all == 0 {
		t.Fatalf("ignoring id and status: %v AROs, want all %v", n, all)
	}
	if n := total(ignoring, "?type=nope"); n != 0 {
		t.Fatalf("type is not ignored, yet type=nope matched %v", n)
	}
}

func TestShiftParamsFlag(t *testing.T) {
	// until moved back by the generator's whole window of 90 days: an
	// until at the newest ARO matches none; since is applied as sent.
	base := serve(t, "-shift-params", "until=-2160h")
	resp, b := call(t, http.MethodGet, base+"/v1/my_providers")
	var ps []struct{ ID string }
	if resp.StatusCode != 200 || json.Unmarshal(b, &ps) != nil || len(ps) == 0 {
		t.Fatalf("my_providers: %d %s", resp.StatusCode, b)
	}
	type aro struct {
		CreationTime string `json:"creation_time"`
	}
	page := func(q url.Values) (items []aro, total int) {
		t.Helper()
		resp, b := call(t, http.MethodGet, base+"/v1/providers/"+ps[0].ID+"/aros?"+q.Encode())
		var p struct {
			Items []aro
			Total int
		}
		if resp.StatusCode != 200 || json.Unmarshal(b, &p) != nil {
			t.Fatalf("aros?%s: %d %s", q.Encode(), resp.StatusCode, b)
		}
		return p.Items, p.Total
	}
	all, n := page(nil)
	if n != 5 || len(all) != 5 {
		t.Fatalf("unfiltered: %d AROs, total %d, want 5", len(all), n)
	}
	if _, n := page(url.Values{"until": {all[0].CreationTime}}); n != 0 {
		t.Fatalf("until=%s moved back 90 days matched %d AROs, want 0", all[0].CreationTime, n)
	}
	if _, n := page(url.Values{"since": {all[4].CreationTime}}); n != 5 {
		t.Fatalf("since=%s matched %d AROs, want 5: since is not moved", all[4].CreationTime, n)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-ignore-params", "severity"}, {"-shift-params", "status=1h"}, {"-shift-params", "until"}, {"-shift-params", "until=soon"}, {"-max-in-flight", "-1"}, {"-per-second", "-2"}, {"-burst", "-1"}, {"-per-second", "NaN"}, {"-page-base", "2"}, {"extra"}} {
		if err := run(context.Background(), args); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
