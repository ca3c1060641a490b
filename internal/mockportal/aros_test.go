package mockportal

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every exported field of ARO is tagged: with its JSON name, or "-" (Extra,
// Null). An untagged field would be left off the wire without a word.
func TestAROFieldsAreTagged(t *testing.T) {
	for f := range reflect.TypeFor[ARO]().Fields() {
		if f.IsExported() && f.Tag.Get("json") == "" {
			t.Errorf("ARO.%s has no json tag: give it its JSON name (or \"-\" if it is not sent)", f.Name)
		}
	}
	// The wire points at the field of the same name, in JSON name order.
	var a ARO
	av, w := reflect.ValueOf(&a).Elem(), a.wire().Elem()
	for i, j := range aroWire.index {
		if w.Type().Field(i).Name != av.Type().Field(j).Name || w.Field(i).Pointer() != av.Field(j).Addr().Pointer() {
			t.Errorf("wire field %d (%s) does not point at ARO.%s", i, aroWire.names[i], av.Type().Field(j).Name)
		}
	}
	if !slices.IsSorted(aroWire.names) || len(aroKnownKeys) != len(aroWire.names) {
		t.Errorf("wire names %v are not sorted, or not the %d known keys", aroWire.names, len(aroKnownKeys))
	}
}

// fillARO sets every JSON field of an ARO to a value no other field has.
func fillARO(t *testing.T) ARO {
	t.Helper()
	var a ARO
	n := 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
					fill(v.Field(i))
				}
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			fill(v.Index(0))
			fill(v.Index(1))
		case reflect.String:
			n++
			v.SetString(fmt.Sprintf("v%d", n))
		case reflect.Int64:
			n++
			v.SetInt(int64(n))
		case reflect.Bool:
			v.SetBool(true)
		default:
			t.Fatalf("fillARO: no distinct value for a %v: teach it this kind", v.Type())
		}
	}
	fill(reflect.ValueOf(&a).Elem())
	return a
}

func TestAROJSONNullsAndValues(t *testing.T) {
	// An ARO with only its ID and creation time: each other field is sent,
	// null when it is a pointer or a slice, "" when it is a string.
	sparse := ARO{ID: "x", CreationTime: "2024-01-01 00:00:00"}
	b, err := json.Marshal(sparse)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeJSONAs[map[string]any](t, b)
	at := reflect.TypeFor[ARO]()
	for i, name := range aroWire.names {
		v, ok := m[name]
		switch f := at.Field(aroWire.index[i]); {
		case !ok:
			t.Errorf("%s is not sent: %s", name, b)
		case name == "ID" || name == "creation_time":
		case f.Type.Kind() == reflect.String && v != "", f.Type.Kind() != reflect.String && v != nil:
			t.Errorf("%s (%v) is sent as %v", name, f.Type, v)
		}
	}
	if len(m) != len(aroWire.names) || m["ID"] != "x" || m["creation_time"] != "2024-01-01 00:00:00" {
		t.Errorf("sent %s", b)
	}
	var back ARO
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, sparse) {
		t.Fatalf("decoded %+v (%v)", back, err)
	}
	if b2, _ := json.Marshal(back); string(b2) != string(b) {
		t.Fatalf("re-encoded\n %s\nwant\n %s", b2, b)
	}
	// Decoding replaces everything, Extra included.
	full := fillARO(t)
	full.Extra = map[string]any{"x": "y"}
	b, err = json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Fatalf("full ARO has a null: %s", b)
	}
	back = ARO{Extra: map[string]any{"stale": 1}, Title: "stale"}
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
	if m["type"] != "Action" || m["ID"] != "n" || len(m) != len(aroKnownKeys) {
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
