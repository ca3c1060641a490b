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
	if at.NumField()-1 != wt.NumField() || len(aroKnownKeys) != wt.NumField() || wt.NumField() != 22 {
		t.Fatalf("ARO has %d fields, aroWire %d, aroKnownKeys %d", at.NumField(), wt.NumField(), len(aroKnownKeys))
	}
	var a ARO
	w := reflect.ValueOf(a.wire())
	for i := range at.NumField() {
		f := at.Field(i)
		if f.Name == "Extra" {
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
