package covalence

import (
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
