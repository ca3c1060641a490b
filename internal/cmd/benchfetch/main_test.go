package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// TestPlainAROHasEveryField: the bare fetch decodes every JSON field the
// portal serves (the mock's ARO), so that it does the work the provider
// does; a field it lacks is named.
func TestPlainAROHasEveryField(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for f := range typ.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				out = append(out, name)
			}
		}
		return out
	}
	plain := names(reflect.TypeFor[plainARO]())
	for _, n := range names(reflect.TypeFor[mockportal.ARO]()) {
		if !slices.Contains(plain, n) {
			t.Errorf("the portal's ARO has the JSON field %q, which plainARO (benchfetch/main.go) lacks: add it in plain types", n)
		}
	}
}
