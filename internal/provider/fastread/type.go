package fastread

import (
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type kind uint8

const (
	kindOther kind = iota
	kindString
	kindNumber
	kindBool
	kindList
	kindObject
	kindDynamic
)

// Type is a tftypes.Type compiled once: object attribute names sorted (the
// order msgpack objects are written in), children linked.
type Type struct {
	typ   tftypes.Type
	kind  kind
	keys  []string
	attrs []*Type // in keys order
	// encKeys[i] is keys[i] encoded as a msgpack string.
	encKeys [][]byte
	elem    *Type
}

// Compile compiles t.
func Compile(t tftypes.Type) *Type {
	n := &Type{typ: t}
	switch tt := t.(type) {
	case tftypes.List:
		n.kind = kindList
		n.elem = Compile(tt.ElementType)
	case tftypes.Map:
		n.elem = Compile(tt.ElementType)
	case tftypes.Object:
		n.kind = kindObject
		for k := range tt.AttributeTypes {
			n.keys = append(n.keys, k)
		}
		sort.Strings(n.keys)
		for _, k := range n.keys {
			n.attrs = append(n.attrs, Compile(tt.AttributeTypes[k]))
			n.encKeys = append(n.encKeys, appendString(nil, k))
		}
	default:
		switch {
		case t.Is(tftypes.DynamicPseudoType):
			n.kind = kindDynamic
		case t.Is(tftypes.String):
			n.kind = kindString
		case t.Is(tftypes.Number):
			n.kind = kindNumber
		case t.Is(tftypes.Bool):
			n.kind = kindBool
		}
	}
	return n
}

// TerraformType is the type compiled.
func (t *Type) TerraformType() tftypes.Type { return t.typ }

// Keys are an object's attribute names in name order (the order of Object's
// callbacks); nil for other types.
func (t *Type) Keys() []string { return t.keys }

// Attr is the type of an object's attribute, nil when it has none of that name.
func (t *Type) Attr(name string) *Type {
	i := sort.SearchStrings(t.keys, name)
	if i < len(t.keys) && t.keys[i] == name {
		return t.attrs[i]
	}
	return nil
}

// Elem is a list's or map's element type, nil for other types.
func (t *Type) Elem() *Type { return t.elem }
