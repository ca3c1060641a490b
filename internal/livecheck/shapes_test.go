package livecheck

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

// TestRulesOf: each Go type gives its JSON types, null where a pointer or a
// slice allows it, timestamps by name, the rules of nested objects and of an
// array's objects, values and private fields by path, and a loose rule for a
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
	got := rulesOf(reflect.TypeFor[sample](), "",
		map[string][]string{"level": {"low", "high"}, "steps[].label": {"a"}},
		[]string{"owner.email"})
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
		"tags": {types: []string{"null", "array"}, elem: []string{"string"}},
		"steps": {types: []string{"null", "array"}, elem: []string{"object"}, fields: map[string]rule{
			"label": {types: []string{"null", "string"}, values: []string{"a"}},
			"done":  {types: []string{"bool"}},
		}},
		"ptr_list": {types: []string{"null", "array"}, elem: []string{"string"}},
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
	for path, values := range aroValues {
		if r, ok := paths[path]; !ok || !reflect.DeepEqual(r.values, values) || len(values) == 0 {
			t.Errorf("aroValues names %q, which is not a field of covalence.ARO with those values", path)
		}
	}
	for _, path := range aroPrivate {
		if r, ok := paths[path]; !ok || !r.private {
			t.Errorf("aroPrivate names %q, which is not a private field of covalence.ARO", path)
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
