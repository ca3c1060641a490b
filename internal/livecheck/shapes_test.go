package livecheck

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// TestRulesOf: each Go type gives its JSON types, null where a pointer or a
// slice allows it, timestamps by name, the rules of nested objects and of an
// array's objects, values and private fields by path, strings in no class
// private, and a loose rule for a
// type with no JSON type or fields the decoders name otherwise (untagged,
// embedded); unexported fields and fields tagged "-" have no rule.
func TestRulesOf(t *testing.T) {
	type owner struct {
		Email *string `json:"email"`
		Name  string  `json:"name,omitempty"`
	}
	type step struct {
		Label *string `json:"label"`
		Done  bool    `json:"done"`
	}
	type Embedded struct {
		X *string `json:"x"`
	}
	type sample struct {
		Embedded
		ID       string               `json:"ID"`
		Count    *covalence.Count     `json:"count"`
		Score    float64              `json:"score"`
		Created  *string              `json:"created_time"`
		Level    *string              `json:"level"`
		Owner    *owner               `json:"owner"`
		Tags     covalence.References `json:"tags"`
		Steps    []*step              `json:"steps"`
		Extra    map[string]any       `json:"extra"`
		When     *time.Time           `json:"when"`
		Raw      json.RawMessage      `json:"raw"`
		Any      []any                `json:"any"`
		PtrList  *[]string            `json:"ptr_list"`
		Skipped  string               `json:"-"`
		Untagged string
		hidden   string
	}
	_ = sample{hidden: ""}.hidden
	got := rulesOf(reflect.TypeFor[sample](), "", classes{
		values:  map[string][]string{"level": {"low", "high"}, "steps[].label": {"a"}},
		private: []string{"owner.email"},
		public:  []string{"ID", "created_time", "owner.name"},
	})
	want := map[string]rule{
		"ID":           {types: []string{"string"}},
		"count":        {types: []string{"null", "integer"}},
		"score":        {types: []string{"number"}},
		"created_time": {types: []string{"null", "string"}, time: true},
		"level":        {types: []string{"null", "string"}, values: []string{"low", "high"}},
		"owner": {types: []string{"null", "object"}, fields: map[string]rule{
			"email": {types: []string{"null", "string"}, private: true},
			"name":  {types: []string{"string"}},
		}},
		// Strings in no class: private.
		"tags":     {types: []string{"null", "array"}, elem: []string{"string"}, private: true},
		"ptr_list": {types: []string{"null", "array"}, elem: []string{"string"}, private: true},
		"steps": {types: []string{"null", "array"}, elem: []string{"object"}, fields: map[string]rule{
			"label": {types: []string{"null", "string"}, values: []string{"a"}},
			"done":  {types: []string{"bool"}},
		}},
		"extra":    {loose: true},
		"when":     {loose: true},
		"raw":      {loose: true},
		"any":      {loose: true},
		"Untagged": {loose: true},
		"Embedded": {loose: true},
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("rule of %q: got %+v, want %+v", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected rule for %q: %+v", k, got[k])
			}
		}
	}
}

// TestARORulesCoverTheClient: every field of covalence.ARO has a JSON type the
// check knows (no loose rule), and every path given values or marked private
// names a field, so a renamed field cannot silently lose them.
func TestARORulesCoverTheClient(t *testing.T) {
	paths := map[string]rule{}
	var walk func(prefix string, rules map[string]rule)
	walk = func(prefix string, rules map[string]rule) {
		for name, r := range rules {
			paths[prefix+name] = r
			if r.fields != nil {
				sep := "."
				if len(r.elem) > 0 {
					sep = "[]."
				}
				walk(prefix+name+sep, r.fields)
			}
		}
	}
	walk("", aroRules)
	for path, r := range paths {
		if r.loose {
			t.Errorf("covalence.ARO's field %q has a Go type with no JSON type in rulesOf (livecheck/shapes.go)", path)
		}
	}
	for path, values := range aroClasses.values {
		if r, ok := paths[path]; !ok || !reflect.DeepEqual(r.values, values) || len(values) == 0 {
			t.Errorf("aroClasses.values names %q, which is not a field of covalence.ARO with those values", path)
		}
	}
	for _, path := range aroClasses.private {
		if r, ok := paths[path]; !ok || !r.private {
			t.Errorf("aroClasses.private names %q, which is not a private field of covalence.ARO", path)
		}
	}
	for _, path := range aroClasses.public {
		if r, ok := paths[path]; !ok || r.private {
			t.Errorf("aroClasses.public names %q, which is not a public field of covalence.ARO", path)
		}
	}
	if r := paths["ID"]; strings.Join(r.types, ",") != "string" {
		t.Errorf("ID may be %v, want string only", r.types)
	}
	for _, path := range []string{"creation_time", "last_updated_time", "steps[].last_updated_time"} {
		if !paths[path].time {
			t.Errorf("%q is not checked as a portal timestamp", path)
		}
	}
}

// stringPaths are the paths (as classes key them) of the string fields of
// the struct typ, nested objects and arrays included, found by reflection
// apart from rulesOf.
func stringPaths(typ reflect.Type, prefix string) []string {
	var out []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		ft, sep := f.Type, "."
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			if ft.Kind() == reflect.Slice {
				sep = "[]."
			}
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.String:
			out = append(out, prefix+name)
		case reflect.Struct:
			out = append(out, stringPaths(ft, prefix+name+sep)...)
		}
	}
	return out
}

// unclassified names the string fields of typ that c does not classify
// exactly once (private, public, or with values), and the paths c names
// that are no string field of typ.
func unclassified(typ reflect.Type, c classes) []string {
	var bad []string
	paths := stringPaths(typ, "")
	listed := map[string]int{}
	for _, p := range append(append(slices.Clone(c.private), c.public...), slices.Collect(maps.Keys(c.values))...) {
		listed[p]++
	}
	for _, p := range paths {
		switch listed[p] {
		case 0:
			bad = append(bad, p+" is in no class: personal (private), public, or enumerated (values)")
		case 1:
		default:
			bad = append(bad, p+" is in more than one class")
		}
	}
	for p := range listed {
		if !slices.Contains(paths, p) {
			bad = append(bad, p+" is classified, and not a string field")
		}
	}
	slices.Sort(bad)
	return bad
}

// TestARORulesClassifyEveryString: every string field of covalence.ARO,
// nested ones included, is personal, public or enumerated with its values,
// once, so that a new field is scrubbed or checked by decision; the rules
// scrub all but the public and enumerated ones. A copy of ARO with one more string field
// shows the test would name it.
func TestARORulesClassifyEveryString(t *testing.T) {
	aro := reflect.TypeFor[covalence.ARO]()
	if len(stringPaths(aro, "")) < 20 {
		t.Fatalf("covalence.ARO has %d string fields: the walk is broken", len(stringPaths(aro, "")))
	}
	for _, msg := range unclassified(aro, aroClasses) {
		t.Errorf("covalence.ARO: %s (aroClasses, livecheck/shapes.go)", msg)
	}
	for _, p := range stringPaths(aro, "") {
		r := aroRules
		var rl rule
		for part := range strings.SplitSeq(strings.ReplaceAll(p, "[].", "."), ".") {
			rl = r[part]
			r = rl.fields
		}
		if want := !slices.Contains(aroClasses.public, p) && aroClasses.values[p] == nil; rl.private != want {
			t.Errorf("%s: scrubbed %v, want %v", p, rl.private, want)
		}
	}

	fields := slices.Collect(aro.Fields())
	fields = append(fields, reflect.StructField{Name: "ThrowawayNickname", Type: reflect.TypeFor[*string](), Tag: `json:"throwaway_nickname"`})
	got := unclassified(reflect.StructOf(fields), aroClasses)
	if want := []string{"throwaway_nickname is in no class: personal (private), public, or enumerated (values)"}; !slices.Equal(got, want) {
		t.Errorf("ARO with a new field: %q, want %q", got, want)
	}
	if r := rulesOf(reflect.StructOf(fields), "", aroClasses)["throwaway_nickname"]; !r.private {
		t.Errorf("a new string field is not scrubbed: %+v", r)
	}
}
