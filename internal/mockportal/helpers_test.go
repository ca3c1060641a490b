package mockportal

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

const testKey = "test-api-key"

func startServer(t *testing.T, d *Data, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(d, opts)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs
}

// get issues a GET with the given bearer key ("" sends no Authorization).
func get(t *testing.T, base, path, key string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, base+path, key)
}

func do(t *testing.T, method, u, key string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, u, err)
	}
	return resp, b
}

type pageAnswer struct {
	Items []json.RawMessage `json:"items"`
	Total int               `json:"total"`
	Page  int               `json:"page"`
}

type aroHead struct {
	ID           string `json:"ID"`
	CreationTime string `json:"creation_time"`
}

func (p pageAnswer) ids(t *testing.T) []string {
	t.Helper()
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		var h aroHead
		if err := json.Unmarshal(it, &h); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		out[i] = h.ID
	}
	return out
}

// getPage fetches providers/{provider}/aros with query q and expects 200.
func getPage(t *testing.T, base, provider string, q url.Values) pageAnswer {
	t.Helper()
	path := "/providers/" + provider + "/aros"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	resp, body := get(t, base, path, testKey)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, body)
	}
	var p pageAnswer
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
	return p
}

// decodeJSONAs decodes b and checks that it is a T (map[string]any, []any ...).
func decodeJSONAs[T any](t *testing.T, b []byte) T {
	t.Helper()
	v, ok := decodeJSON(t, b).(T)
	if !ok {
		t.Fatalf("decoding %q: got %T, want %T", truncateForLog(b), decodeJSON(t, b), v)
	}
	return v
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	v, err := decodeAny(b)
	if err != nil {
		t.Fatalf("decoding %q: %v", truncateForLog(b), err)
	}
	return v
}

func truncateForLog(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

func sp(s string) *string { return &s }

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// smallData is a hand-made estate with known values.
//
//	p1 (mine): o1, o2; p2: o3
//	AROs newest first: a5 (p2), a4 (no org), a2, a3 (tie), a1
func smallData() *Data {
	return &Data{
		MyProviders: []Provider{{ID: "p1", Name: "Mine"}},
		Providers:   []Provider{{ID: "p1", Name: "Mine"}, {ID: "p2", Name: "Other"}},
		Orgs: []Organization{
			{ID: "o1", Name: "Acme Inc.", Email: sp("a@acme.example"), ProviderID: "p1"},
			{ID: "o2", Name: "Acme Logistics", EmailARODetails: true, ProviderID: "p1", Extra: map[string]any{"client_id": "C-2", "name": "ignored"}},
			{ID: "o3", Name: "Globex", ProviderID: "p2", Detail: map[string]any{"status": "active", "name": "ignored", "id": "ignored"}},
		},
		AROs: []ARO{
			{ID: "a1", CreationTime: "2024-01-01 00:00:00", Organization: &OrgRef{ID: "o1", Name: "Acme Inc."}, Status: "Open", Resolution: "Unresolved", Type: "Action", Severity: "Low"},
			{ID: "a3", CreationTime: "2024-01-02 00:00:00", Organization: &OrgRef{ID: "o1", Name: "Acme Inc."}, Status: "In Triage", Resolution: "Help Requested", Type: "Observation", Severity: "High"},
			{ID: "a2", CreationTime: "2024-01-02 00:00:00", Organization: &OrgRef{ID: "o2", Name: "Acme Logistics"}, Status: "Closed", Resolution: "Resolved", Type: "Recommendation", Severity: "Medium"},
			{ID: "a4", CreationTime: "2024-01-03 12:00:00", Status: "Open", Resolution: "Dismissed", Type: "Action", Severity: "Critical"},
			{ID: "a5", CreationTime: "2024-01-04 00:00:00", Organization: &OrgRef{ID: "o3", Name: "Globex"}, Status: "Open", Resolution: "Unresolved", Type: "Action", Severity: "Warning"},
		},
	}
}
