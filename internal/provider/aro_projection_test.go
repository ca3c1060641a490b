package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

// partOf is the value at name (attribute.part) of a full ARO object,
// projected as fields = [name] projects it: an attribute as it is, a part of
// a nested object as an object of that part alone (null when the object is),
// a part of the steps as a list of objects of that part alone.
func partOf(t *testing.T, full tftypes.Value, name string) tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := full.As(&attrs); err != nil {
		t.Fatal(err)
	}
	top, part, nested := strings.Cut(name, ".")
	v, ok := attrs[top]
	if !ok {
		t.Fatalf("%s: no attribute %q in the full object", name, top)
	}
	if !nested {
		return v
	}
	only := func(obj tftypes.Value) tftypes.Value {
		var m map[string]tftypes.Value
		if err := obj.As(&m); err != nil {
			t.Fatal(err)
		}
		typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{part: m[part].Type()}}
		if obj.IsNull() {
			return tftypes.NewValue(typ, nil)
		}
		return tftypes.NewValue(typ, map[string]tftypes.Value{part: m[part]})
	}
	switch typ := v.Type().(type) {
	case tftypes.Object:
		if v.IsNull() {
			return tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{part: typ.AttributeTypes[part]}}, nil)
		}
		return only(v)
	case tftypes.List:
		obj, ok := typ.ElementType.(tftypes.Object)
		if !ok {
			t.Fatalf("%s: %s is a list of %s, not of objects", name, top, typ.ElementType)
		}
		elemT := tftypes.Object{AttributeTypes: map[string]tftypes.Type{part: obj.AttributeTypes[part]}}
		if v.IsNull() {
			return tftypes.NewValue(tftypes.List{ElementType: elemT}, nil)
		}
		var l []tftypes.Value
		_ = v.As(&l)
		out := make([]tftypes.Value, len(l))
		for i := range l {
			out[i] = only(l[i])
		}
		return tftypes.NewValue(tftypes.List{ElementType: elemT}, out)
	}
	t.Fatalf("%s: %s is neither an object nor a list", name, top)
	return tftypes.Value{}
}

func writeAs(t *testing.T, m mapping[covalence.ARO], a *covalence.ARO) tftypes.Value {
	t.Helper()
	v, err := fastread.Value(fastread.Compile(m.objectType()), func(w fastread.Writer) { m.write(a, w) })
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestProjectionKeepsEveryValue: for every name fields accepts (taken from
// the mapping, not listed here), an ARO projected to that name alone is
// exactly that attribute or part of the full object; projected to every
// top-level name, it is the full object. Generated AROs set every field,
// and the null-heavy and empty ones cover null objects and lists.
func TestProjectionKeepsEveryValue(t *testing.T) {
	aros := append(generatedAROs(t, 40),
		covalence.ARO{ID: "only-an-id"},
		covalence.ARO{ID: "empty", References: covalence.References{}, Steps: []covalence.Step{}, Organization: &covalence.AROOrganization{}})
	names := aroMapping.fieldNames()
	if len(names) <= len(aroMapping.fields) {
		t.Fatalf("fieldNames %v has no nested part", names)
	}
	for _, name := range names {
		p, err := aroMapping.project([]string{name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range aros {
			full := writeAs(t, aroMapping, &aros[i])
			got := writeAs(t, p, &aros[i])
			var attrs map[string]tftypes.Value
			_ = got.As(&attrs)
			top, _, _ := strings.Cut(name, ".")
			if len(attrs) != 1 {
				t.Fatalf("%s: the projected object has %d attributes", name, len(attrs))
			}
			if want := partOf(t, full, name); !attrs[top].Equal(want) {
				t.Fatalf("%s, ARO %s: projected %v, full read %v", name, aros[i].ID, attrs[top], want)
			}
		}
	}
	var tops []string
	for _, f := range aroMapping.fields {
		tops = append(tops, f.name)
	}
	all, err := aroMapping.project(tops)
	if err != nil {
		t.Fatal(err)
	}
	for i := range aros {
		if got, want := writeAs(t, all, &aros[i]), writeAs(t, aroMapping, &aros[i]); !got.Equal(want) {
			t.Fatalf("every field, ARO %s: %v, full read %v", aros[i].ID, got, want)
		}
	}
}

// TestProjectionOfSeveralParts: parts of one nested attribute named together
// make one object of those parts; the fast path writes it byte for byte as
// the framework path does.
func TestProjectionOfSeveralParts(t *testing.T) {
	p, err := aroMapping.project([]string{"steps.label", "title", "organization.name", "steps.completed", "organization.id"})
	if err != nil {
		t.Fatal(err)
	}
	want := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"title":        tftypes.String,
		"organization": tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String, "name": tftypes.String}},
		"steps":        tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"completed": tftypes.Bool, "label": tftypes.String}}},
	}}
	if got := p.objectType(); !got.Equal(want) {
		t.Fatalf("type %s, want %s", got, want)
	}
	aros := generatedAROs(t, 30)
	elem := fastread.Compile(p.objectType())
	root := fastread.Compile(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"items": tftypes.DynamicPseudoType}})
	shape := aroShape{attr: "items", elem: elem, write: p.write}
	mp, tf := newAROItems(shape), &tfCollector{shape: shape}
	order := make([]int, len(aros))
	for i := range aros {
		if err := mp.Add(&aros[i]); err != nil {
			t.Fatal(err)
		}
		if err := tf.Add(&aros[i]); err != nil {
			t.Fatal(err)
		}
		order[i] = len(aros) - 1 - i
	}
	got, err := fastread.EncodeState(root, "items", mp, order, nil)
	if err != nil {
		t.Fatal(err)
	}
	list := make([]tftypes.Value, len(order))
	for i, idx := range order {
		list[i] = tf.vals[idx]
	}
	ref := tftypes.NewValue(root.TerraformType(), map[string]tftypes.Value{"items": tftypes.NewValue(tftypes.List{ElementType: want}, list)})
	wantBytes, err := ref.MarshalMsgPack(root.TerraformType()) //nolint:staticcheck // the reference
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(wantBytes) {
		t.Fatal("the fast path's items differ from the framework path's")
	}
}

func TestProjectionRefuses(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  string
	}{
		{nil, "no field is named"},
		{[]string{"title", "severty"}, `"severty" is not a field of an ARO; the valid names are alert_key, analyst_notes,`},
		{[]string{"organization.nmae"}, `"organization.nmae" is not a field`},
		{[]string{"title.length"}, `"title.length" is not a field`},
		{[]string{"steps."}, `"steps." is not a field`},
		{[]string{""}, "a field name is empty"},
		{[]string{"title", "id", "title"}, `the field "title" is named twice`},
		{[]string{"organization.name", "organization"}, `"organization" and "organization.name" are both named`},
	} {
		_, err := aroMapping.project(c.names)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("project(%q): %v, want %q", c.names, err, c.want)
		}
	}
	if _, err := aroMapping.project([]string{"title"}); err != nil {
		t.Fatal(err)
	}
}
