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
// field the client reads, nested objects' fields included, and of no field
// the client does not read, so an ARO attribute added to the client is
// checked on a real portal too.
func TestARORulesAreTheClientsFields(t *testing.T) {
	compareRules(t, "covalence.ARO", reflect.TypeFor[covalence.ARO](), aroRules)
}

// compareRules compares the JSON fields of the struct typ with rules, and
// goes into every field that is a struct (or a pointer to or list of one).
func compareRules(t *testing.T, object string, typ reflect.Type, rules map[string]rule) {
	t.Helper()
	names := jsonNames(typ)
	for _, n := range names {
		r, ok := rules[n]
		if !ok {
			t.Errorf("%s has the JSON field %q, which has no rule in livecheck/shapes.go (aroRules): add its types and values there", object, n)
			continue
		}
		f, _ := typ.FieldByName(fieldOf(typ, n))
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			compareRules(t, object+"."+n, ft, r.fields)
		}
	}
	for n := range rules {
		if !slices.Contains(names, n) {
			t.Errorf("livecheck/shapes.go has a rule for the field %q of %s, which the client does not read", n, object)
		}
	}
}

// fieldOf is the Go name of the field of typ whose JSON name is name.
func fieldOf(typ reflect.Type, name string) string {
	for f := range typ.Fields() {
		if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name {
			return f.Name
		}
	}
	return ""
}
