package livecheck

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// jsonNames lists the JSON names of a struct's fields, in declaration order.
func jsonNames(typ reflect.Type) []string {
	var out []string
	for f := range typ.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// TestARORulesAreTheClientsFields: the check knows the rule of every ARO
// field the client reads, and of no field the client does not read, so an
// ARO attribute added to the client is checked on a real portal too.
func TestARORulesAreTheClientsFields(t *testing.T) {
	for _, tc := range []struct {
		object string
		typ    reflect.Type
		rules  map[string]rule
	}{
		{"ARO", reflect.TypeFor[covalence.ARO](), aroRules},
		{"ARO organization", reflect.TypeFor[covalence.AROOrganization](), aroRules["organization"].fields},
		{"ARO step", reflect.TypeFor[covalence.Step](), aroRules["steps"].fields},
	} {
		names := jsonNames(tc.typ)
		for _, n := range names {
			if _, ok := tc.rules[n]; !ok {
				t.Errorf("%s has the JSON field %q, which has no rule in livecheck/shapes.go (aroRules): add its types and values there", tc.typ, n)
			}
		}
		for n := range tc.rules {
			if !slices.Contains(names, n) {
				t.Errorf("livecheck/shapes.go has a rule for the %s field %q, which %s does not read", tc.object, n, tc.typ)
			}
		}
	}
}
