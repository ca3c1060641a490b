package mockportal

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every field of ARO but Extra has its field in aroWire: a pointer to it,
// under the same name, so that wire() cannot miss one.
func TestAROWireListsEveryField(t *testing.T) {
	at, wt := reflect.TypeFor[ARO](), reflect.TypeFor[aroWire]()
	if at.NumField()-2 != wt.NumField() || len(aroKnownKeys) != wt.NumField() || wt.NumField() != 22 {
		t.Fatalf("ARO has %d fields, aroWire %d, aroKnownKeys %d", at.NumField(), wt.NumField(), len(aroKnownKeys))
	}
	var a ARO
	w := reflect.ValueOf(a.wire())
	for i := range at.NumField() {
		f := at.Field(i)
		if f.Name == "Extra" || f.Name == "Null" {
			continue
		}
		wf, ok := wt.FieldByName(f.Name)
		if !ok || wf.Type != reflect.PointerTo(f.Type) {
			t.Errorf("ARO.%s (%v): aroWire has %v", f.Name, f.Type, wf.Type)
			continue
		}
		if p := w.FieldByName(f.Name); p.IsNil() || p.Pointer() != reflect.ValueOf(&a).Elem().Field(i).Addr().Pointer() {
			t.Errorf("wire().%s does not point at ARO.%s", f.Name, f.Name)
		}
	}
}

func TestAROJSONNullsAndValues(t *testing.T) {
	nulls := `{"ID":"x","alert_key":null,"analyst_notes":null,"count":null,"creation_time":"2024-01-01 00:00:00",` +
		`"details":null,"details_markdown":null,"display_url":null,"external_bug_id":null,"last_updated_time":"",` +
		`"notes":null,"organization":null,"references":null,"resolution":"","serial_id":"","severity":"",` +
		`"status":"","steps":null,"template_id":null,"title":"","triage_id":null,"type":""}`
	var a ARO
	if err := json.Unmarshal([]byte(nulls), &a); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, ARO{ID: "x", CreationTime: "2024-01-01 00:00:00"}) {
		t.Fatalf("decoded %+v", a)
	}
	if b, _ := json.Marshal(a); string(b) != nulls {
		t.Fatalf("encoded\n %s\nwant\n %s", b, nulls)
	}
	// Decoding replaces everything, Extra included.
	n := int64(3)
	s := "s"
	full := ARO{
		ID: "y", AlertKey: &s, AnalystNotes: &s, Count: &n, CreationTime: "c", Details: &s, DetailsMarkdown: &s,
		DisplayURL: &s, ExternalBugID: &s, LastUpdatedTime: "l", Notes: &s, Organization: &OrgRef{ID: "o", Name: "O", Email: &s},
		References: []string{"r"}, Resolution: "res", SerialID: "1", Severity: "High", Status: "Open", Title: "t",
		Steps: []Step{{ID: "st", Label: "L"}}, TemplateID: &s, TriageID: &s, Type: "Action", Extra: map[string]any{"x": "y"},
	}
	b, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Fatalf("full ARO has a null: %s", b)
	}
	var back ARO
	back.Extra = map[string]any{"stale": 1}
	back.Title = "stale"
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, full) {
		t.Fatalf("round trip %+v (%v)", back, err)
	}
	if err := json.Unmarshal(b, &back); err != nil || back.Extra["x"] != "y" || len(back.Extra) != 1 {
		t.Fatalf("second decode: %+v", back.Extra)
	}
	if err := json.Unmarshal([]byte(`{"ID": 5}`), &back); err == nil {
		t.Fatal("wrong type accepted")
	}
}

func TestCompareAROs(t *testing.T) {
	list := []ARO{
		{ID: "b", CreationTime: "2024-01-01 00:00:00"},
		{ID: "z", CreationTime: "garbage"},
		{ID: "a", CreationTime: "2024-01-01 00:00:00"},
		{ID: "c", CreationTime: "2025-01-01 00:00:00"},
		{ID: "y", CreationTime: ""},
	}
	slices.SortFunc(list, CompareAROs)
	var got []string
	for _, a := range list {
		got = append(got, a.ID)
	}
	if want := []string{"c", "a", "b", "y", "z"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestAROsOfIsTheServedOrder(t *testing.T) {
	d := Generate(5, 6, 700, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	d.Providers = append(d.Providers, Provider{ID: "p2", Name: "Other"})
	d.Orgs = append(d.Orgs, Organization{ID: "o-p2", Name: "Theirs", ProviderID: "p2"})
	d.AROs = append(d.AROs,
		ARO{ID: "theirs", CreationTime: "2025-05-01 00:00:00", Organization: &OrgRef{ID: "o-p2"}},
		ARO{ID: "unknown-org", CreationTime: "2025-05-01 00:00:00", Organization: &OrgRef{ID: "nope"}},
		ARO{ID: "bad-time", CreationTime: "yesterday"},
	)
	_, hs := startServer(t, d, Options{PageCap: 1000, PageBase: 1})
	for _, prov := range []string{"prov-0001", "p2"} {
		var want []string
		for _, a := range d.AROsOf(prov) {
			want = append(want, a.ID)
		}
		got := getPage(t, hs.URL, prov, q("limit", "1000")).ids(t)
		if !slices.Equal(got, want) || len(got) == 0 {
			t.Fatalf("%s: served %d ids, AROsOf %d, or in another order", prov, len(got), len(want))
		}
	}
	if got := d.AROsOf("p2"); len(got) != 1 || got[0].ID != "theirs" {
		t.Fatalf("p2: %v", got)
	}
	mine := d.AROsOf("prov-0001")
	if mine[len(mine)-1].ID != "bad-time" || !slices.ContainsFunc(mine, func(a ARO) bool { return a.ID == "unknown-org" }) {
		t.Fatal("prov-0001 lacks the ARO of an unknown organization or does not end with the unparsable time")
	}
	if !slices.IsSortedFunc(mine, CompareAROs) {
		t.Fatal("AROsOf is not in CompareAROs order")
	}
}

func TestARONullFields(t *testing.T) {
	a := ARO{ID: "n", CreationTime: "2024-01-01 00:00:00", Severity: "High", Status: "Open", Type: "Action",
		Null: []string{"severity", "creation_time", "status", "no_such_field", "alert_key"}}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeJSONAs[map[string]any](t, b)
	for _, k := range []string{"severity", "creation_time", "status", "alert_key"} {
		if v, ok := m[k]; !ok || v != nil {
			t.Errorf("%s: %v (present %v), want null", k, v, ok)
		}
	}
	if m["type"] != "Action" || m["ID"] != "n" || len(m) != 22 {
		t.Errorf("other fields: %s", b)
	}
	// Decoding records the string fields that were null, in field order.
	var back ARO
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if want := []string{"creation_time", "severity", "status"}; !slices.Equal(back.Null, want) || back.Severity != "" {
		t.Fatalf("decoded Null %v, severity %q", back.Null, back.Severity)
	}
	if b2, _ := json.Marshal(back); string(b2) != string(b) {
		t.Fatalf("re-encoded\n %s\nwant\n %s", b2, b)
	}
	var none ARO
	if err := json.Unmarshal([]byte(`{"ID":"x"}`), &none); err != nil || none.Null != nil {
		t.Fatalf("absent fields recorded as null: %v %v", none.Null, err)
	}

	// The server serves them as null, filters them as "" and orders a null
	// creation_time last.
	d := smallData()
	d.AROs = append(d.AROs, a, ARO{ID: "s", CreationTime: "2030-01-01 00:00:00", Status: "Open", Null: []string{"status"}})
	_, hs := startServer(t, d, Options{PageBase: 1})
	p := getPage(t, hs.URL, "p1", nil)
	if ids := p.ids(t); !slices.Equal(ids, []string{"s", "a4", "a2", "a3", "a1", "n"}) {
		t.Fatalf("order %v", ids)
	}
	if got := decodeJSONAs[map[string]any](t, p.Items[5]); got["severity"] != nil || got["creation_time"] != nil {
		t.Fatalf("served %v", got)
	}
	if ids := getPage(t, hs.URL, "p1", q("status", "Open")).ids(t); !slices.Equal(ids, []string{"a4", "a1"}) {
		t.Fatalf("status=Open: %v", ids)
	}
	if ids := getPage(t, hs.URL, "p1", q("since", "2000-01-01 00:00:00")).ids(t); slices.Contains(ids, "n") {
		t.Fatalf("since keeps a null creation_time: %v", ids)
	}
	if got := d.AROsOf("p1"); got[0].Status != "" || got[len(got)-1].Severity != "" {
		t.Fatalf("AROsOf: %+v", got)
	}
}
