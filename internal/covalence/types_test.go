package covalence

import (
	stdjson "encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// TestAROFieldsAreTheContract: the client's ARO types have the JSON fields
// of the mock portal's, which is the contract. A field added to one and not
// the other is named here.
func TestAROFieldsAreTheContract(t *testing.T) {
	for _, tc := range []struct{ client, mock reflect.Type }{
		{reflect.TypeFor[ARO](), reflect.TypeFor[mockportal.ARO]()},
		{reflect.TypeFor[AROOrganization](), reflect.TypeFor[mockportal.OrgRef]()},
		{reflect.TypeFor[Step](), reflect.TypeFor[mockportal.Step]()},
	} {
		client, mock := jsonNames(tc.client), jsonNames(tc.mock)
		for _, n := range mock {
			if !slices.Contains(client, n) {
				t.Errorf("the mock's %v has the JSON field %q, which %v (types.go) lacks: add it there and to the mapping in provider/aro_mapping.go", tc.mock, n, tc.client)
			}
		}
		for _, n := range client {
			if !slices.Contains(mock, n) {
				t.Errorf("%v has the JSON field %q, which the mock's %v (mockportal/types.go) lacks: add it there, and to the mock's generator if it should vary", tc.client, n, tc.mock)
			}
		}
	}
}

// TestValueSetsAreTheContract: the client's value sets are the mock
// portal's, which cannot import them (this package's tests import the mock).
func TestValueSetsAreTheContract(t *testing.T) {
	for _, tc := range []struct {
		name         string
		client, mock []string
	}{
		{"Severities", Severities, mockportal.Severities},
		{"Statuses", Statuses, mockportal.Statuses},
		{"Resolutions", Resolutions, mockportal.Resolutions},
		{"Types", Types, mockportal.Types},
	} {
		if !slices.Equal(tc.client, tc.mock) {
			t.Errorf("covalence.%s = %q, the mock's %q", tc.name, tc.client, tc.mock)
		}
	}
}

// jsonNames are the names encoding/json gives the exported fields of the
// struct type t.
func jsonNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case !f.IsExported() || tag == "-":
			continue
		case name == "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// TestCountDecimal: a count written as a decimal is read exactly, digit by
// digit, and accepted when whole and at most 2^53; past 2^53 (where
// 9007199254740993.0 would round to 9007199254740992) it is an error that
// says so, as is a fraction however small; an integer is exact at any size.
func TestCountDecimal(t *testing.T) {
	for in, want := range map[string]Count{
		`9007199254740992.0`: 9007199254740992, `-9007199254740992.0`: -9007199254740992, `"9007199254740992.0"`: 9007199254740992,
		`9.007199254740992e15`: 9007199254740992, `9007199254740993`: 9007199254740993,
		`1.5e1`: 15, `150e-1`: 15, `0.1e1`: 1, `3.000`: 3, `1E3`: 1000, `1e+3`: 1000, `0.0`: 0, `-0e5`: 0, `0e999999999999`: 0,
	} {
		var c Count
		if err := c.UnmarshalJSON([]byte(in)); err != nil || c != want {
			t.Errorf("Count(%s) = %d, %v; want %d", in, c, err, want)
		}
	}
	for in, want := range map[string]string{
		`9007199254740993.0`:   `count 9007199254740993.0 is a decimal beyond 2^53 (9007199254740992)`,
		`9223372036854775808`:  `count 9223372036854775808 is beyond a 64-bit integer`,
		`-9223372036854775809`: `is beyond a 64-bit integer`,
		`"9007199254740993.0"`: `count "9007199254740993.0" is a decimal beyond 2^53`,
		`9007199254740994.0`:   `is a decimal beyond 2^53`,
		`-9007199254740993.0`:  `is a decimal beyond 2^53`,
		`9.007199254740993e15`: `is a decimal beyond 2^53`,
		`1e16`:                 `is a decimal beyond 2^53`,
		`1e999999999999`:       `is a decimal beyond 2^53`,
		`3.0000000000000001`:   `count 3.0000000000000001 is not a whole number`,
		`15e-1`:                `is not a whole number`,
		`1e-999999999999`:      `is not a whole number`,
		`"-+3.0"`:              `is not a whole number`,
		`"1e+-3"`:              `is not a whole number`,
		`"1e"`:                 `is not a whole number`,
		`"Inf"`:                `is not a whole number`,
		`"0x1p4"`:              `is not a whole number`,
	} {
		var c Count
		if err := c.UnmarshalJSON([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Count(%s) = %d, %v; want an error with %q", in, c, err, want)
		}
	}
	// An ARO page with such a count fails to decode; with 3.0 it decodes.
	var p itemPage[ARO]
	if !decodeAROPage([]byte(`{"items":[{"ID":"a","count":3.0}]}`), &p) || len(p.Items) != 1 || p.Items[0].Count == nil || *p.Items[0].Count != 3 {
		t.Fatalf("a page with count 3.0: %+v", p)
	}
	if decodeAROPage([]byte(`{"items":[{"ID":"a","count":9007199254740993.0}]}`), &p) {
		t.Errorf("a page with count 9007199254740993.0 decoded: %+v", p)
	}
}

// TestReferencesDecoded: references as CONTRACT.md lists them, written out:
// null stays nil, [] is empty and not nil, a null entry is "", a string
// entry is itself and any other entry its JSON text; the same through the
// page decoder and through encoding/json (the fallback that places errors).
func TestReferencesDecoded(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want References
	}{
		{`null`, nil},
		{`[]`, References{}},
		{`[null]`, References{""}},
		{`["a",null,"b"]`, References{"a", "", "b"}},
		{`[1, true, {"k": [1]}, [], "\u00e9", null]`, References{"1", "true", `{"k": [1]}`, "[]", "é", ""}},
	} {
		var direct References
		if err := direct.UnmarshalJSON([]byte(tc.in)); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		var p itemPage[ARO]
		if !decodeAROPage([]byte(`{"items":[{"ID":"a","references":`+tc.in+`}],"total":1,"page":1}`), &p) || len(p.Items) != 1 {
			t.Fatalf("%s: the page did not decode", tc.in)
		}
		var std ARO
		if err := stdjson.Unmarshal([]byte(`{"ID":"a","references":`+tc.in+`}`), &std); err != nil {
			t.Fatalf("%s: encoding/json: %v", tc.in, err)
		}
		for what, got := range map[string]References{"UnmarshalJSON": direct, "the page decoder": p.Items[0].References, "encoding/json": std.References} {
			if !reflect.DeepEqual(got, tc.want) || (got == nil) != (tc.want == nil) {
				t.Errorf("%s by %s: %#v, want %#v", tc.in, what, got, tc.want)
			}
		}
	}
}
