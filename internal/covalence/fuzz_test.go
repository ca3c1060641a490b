package covalence

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func FuzzResolveOrg(f *testing.F) {
	f.Add("Acme Inc.\nCapsule Corp\nAcme Inc.\nTest Organization Name", "acme")
	f.Add("Acme\nAcme Inc.\nAcme Logistics", "ACME")
	f.Add("Initech\nINITECH\nGlobex", "initech")
	f.Add("Ça Va Sécurité\nUmbrella", "SÉCU")
	f.Add("a\nb\nc", "  ")
	f.Add("İstanbul Ops\nKelvin K", "i̇stanbul")
	f.Add("\xff\xfe\nx", "\xef\xbf\xbd")
	f.Fuzz(func(t *testing.T, names, query string) {
		var orgs []Organization
		for i, n := range strings.Split(names, "\n") {
			if i >= 64 {
				break
			}
			orgs = append(orgs, Organization{ID: "id-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Name: n})
		}
		got, err := ResolveOrg(orgs, query)
		want := strings.ToLower(strings.TrimSpace(query))
		if err != nil {
			var me *OrgMatchError
			if !errors.As(err, &me) {
				t.Fatalf("ResolveOrg error %v is not an *OrgMatchError", err)
			}
			for _, m := range me.Matches {
				if !strings.Contains(strings.ToLower(m.Name), want) {
					t.Errorf("listed match %q does not contain %q", m.Name, want)
				}
			}
			for i := 1; i < len(me.Matches); i++ {
				a, b := me.Matches[i-1], me.Matches[i]
				if a.Name > b.Name || a.Name == b.Name && a.ID > b.ID {
					t.Errorf("matches not sorted: %v", me.Matches)
				}
			}
			if len(me.Matches) == 1 {
				t.Errorf("a single match is reported as an error: %v", err)
			}
			return
		}
		if want == "" {
			t.Fatalf("ResolveOrg(%q) succeeded on an empty name", query)
		}
		if !strings.Contains(strings.ToLower(got.Name), want) {
			t.Fatalf("ResolveOrg(%q) = %q, which does not contain the query", query, got.Name)
		}
		exact, partial := 0, 0
		for _, o := range orgs {
			switch n := strings.ToLower(o.Name); {
			case n == want:
				exact++
			case strings.Contains(n, want):
				partial++
			}
		}
		isExact := strings.ToLower(got.Name) == want
		if isExact && exact != 1 || !isExact && (exact != 0 || partial != 1) {
			t.Fatalf("ResolveOrg(%q) = %q although %d exact and %d substring matches exist", query, got.Name, exact, partial)
		}
	})
}

func FuzzPageDecoder(f *testing.F) {
	f.Add([]byte(`{"items":[{"ID":"a"},{"ID":"b"}],"total":2,"page":1}`))
	f.Add([]byte(`{"items":[{"ID":"a"}],"total":3,"page":0}`))
	f.Add([]byte(`{"items":[{"ID":"a"}],"total":9000000000000000000,"page":0}`))
	f.Add([]byte(`{"items":[{"ID":"a"},{"ID":"a"}],"total":2,"page":-5}`))
	f.Add([]byte(`{"items":[],"total":0,"page":0}`))
	f.Add([]byte(`{"items":null,"total":1,"page":0}`))
	f.Add([]byte(`{"items":[{"ID":"a","count":1.5}],"total":1,"page":0}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"items":[{"ID":"a","serial_id":11,"references":null}],"total":1,"page":1}`))

	var body atomic.Pointer[[]byte]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/providers/p/aros" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(*body.Load())
	}))
	f.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, APIKey: "fuzz-key", MaxRetries: new(0), RequestTimeout: 2 * time.Second, MaxParallel: 8})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		body.Store(&b)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var got []ARO
		_, err := c.StreamAROs(ctx, "p", AROQuery{}, func(items []ARO) (bool, error) {
			got = append(got, items...)
			return false, nil
		})
		if ctx.Err() != nil {
			t.Fatalf("the read hung until the 2 s guard: %v", err)
		}
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, a := range got {
			if a.ID == "" || seen[a.ID] {
				t.Fatalf("result holds an empty or duplicate ID %q", a.ID)
			}
			seen[a.ID] = true
		}
		// The summary stream decodes fewer fields: whatever the full decoder
		// accepts, it accepts too, with the same AROs, and its count agrees
		// with the total it was told.
		var sum []AROSummaryItem
		st, err := c.StreamAROSummaries(ctx, "p", AROQuery{}, func(items []AROSummaryItem) (bool, error) {
			sum = append(sum, items...)
			return false, nil
		})
		if ctx.Err() != nil {
			t.Fatalf("the summary read hung until the 2 s guard: %v", err)
		}
		if err != nil {
			var pe *PagingError
			if !errors.As(err, &pe) {
				t.Fatalf("the summary refused what StreamAROs accepted: %v", err)
			}
			return
		}
		if len(sum) != len(got) || st.Distinct != len(sum) || st.Distinct < min(st.First, st.Total) || st.Distinct > max(st.First, st.Total) {
			t.Fatalf("summary: %d items, stats %+v; StreamAROs: %d", len(sum), st, len(got))
		}
		for i := range sum {
			if sum[i].ID != got[i].ID {
				t.Fatalf("summary item %d is %s, StreamAROs gave %s", i, sum[i].ID, got[i].ID)
			}
		}
	})
}
