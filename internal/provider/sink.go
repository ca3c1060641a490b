package provider

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// typeNode is a schema's tftypes.Type compiled once: object attribute names
// sorted (the order msgpack objects are written in), children linked.
type typeNode struct {
	typ   tftypes.Type
	keys  []string
	attrs map[string]*typeNode
	elem  *typeNode
}

func compileType(t tftypes.Type) *typeNode {
	n := &typeNode{typ: t}
	switch tt := t.(type) {
	case tftypes.Object:
		n.attrs = make(map[string]*typeNode, len(tt.AttributeTypes))
		for k, at := range tt.AttributeTypes {
			n.keys = append(n.keys, k)
			n.attrs[k] = compileType(at)
		}
		sort.Strings(n.keys)
	case tftypes.List:
		n.elem = compileType(tt.ElementType)
	case tftypes.Map:
		n.elem = compileType(tt.ElementType)
	}
	return n
}

// sink receives one value shaped by a typeNode. Mappings write API objects
// into a sink; the two sinks below turn the same calls into a tftypes.Value
// (the framework path) or straight into msgpack (the fast path), so the
// mapping from API fields to attributes exists once.
type sink interface {
	null()
	str(string)
	int(int64)
	boolean(bool)
	// list writes n elements, each through its own sink.
	list(n int, elem func(i int, s sink))
	// object calls attr for every attribute of the object type, in name order.
	object(attr func(name string, s sink))
	// fail records a mapping error (the first one wins).
	fail(format string, args ...any)
}

// Helpers over nullable API values.

func strPtr(s sink, v *string) {
	if v == nil {
		s.null()
		return
	}
	s.str(*v)
}

func boolPtr(s sink, v *bool) {
	if v == nil {
		s.null()
		return
	}
	s.boolean(*v)
}

// ---- msgpack sink -----------------------------------------------------------

type mpSink struct {
	enc  *msgpack.Encoder
	node *typeNode
	err  *error
}

func (s mpSink) fail(format string, args ...any) {
	if *s.err == nil {
		*s.err = fmt.Errorf(format, args...)
	}
}

func (s mpSink) want(t tftypes.Type) bool {
	if !s.node.typ.Is(t) {
		s.fail("value of type %s written where the schema has %s", t, s.node.typ)
		return false
	}
	return true
}

func (s mpSink) check(err error) {
	if err != nil {
		s.fail("msgpack: %v", err)
	}
}

func (s mpSink) null() { s.check(s.enc.EncodeNil()) }

func (s mpSink) str(v string) {
	if s.want(tftypes.String) {
		s.check(s.enc.EncodeString(v))
	}
}

func (s mpSink) int(v int64) {
	if s.want(tftypes.Number) {
		s.check(s.enc.EncodeInt(v))
	}
}

func (s mpSink) boolean(v bool) {
	if s.want(tftypes.Bool) {
		s.check(s.enc.EncodeBool(v))
	}
}

func (s mpSink) list(n int, elem func(int, sink)) {
	if !s.want(tftypes.List{}) {
		return
	}
	s.check(s.enc.EncodeArrayLen(n))
	child := mpSink{enc: s.enc, node: s.node.elem, err: s.err}
	for i := 0; i < n; i++ {
		elem(i, child)
	}
}

func (s mpSink) object(attr func(string, sink)) {
	if !s.want(tftypes.Object{}) {
		return
	}
	s.check(s.enc.EncodeMapLen(len(s.node.keys)))
	for _, k := range s.node.keys {
		s.check(s.enc.EncodeString(k))
		attr(k, mpSink{enc: s.enc, node: s.node.attrs[k], err: s.err})
	}
}

// ---- tftypes sink -----------------------------------------------------------

type tfSink struct {
	node *typeNode
	out  *tftypes.Value
	err  *error
}

func (s tfSink) fail(format string, args ...any) {
	if *s.err == nil {
		*s.err = fmt.Errorf(format, args...)
	}
	*s.out = tftypes.NewValue(s.node.typ, nil)
}

func (s tfSink) set(t tftypes.Type, v any) {
	if !s.node.typ.Is(t) {
		s.fail("value of type %s written where the schema has %s", t, s.node.typ)
		return
	}
	*s.out = tftypes.NewValue(s.node.typ, v)
}

func (s tfSink) null()          { *s.out = tftypes.NewValue(s.node.typ, nil) }
func (s tfSink) str(v string)   { s.set(tftypes.String, v) }
func (s tfSink) int(v int64)    { s.set(tftypes.Number, new(big.Float).SetInt64(v)) }
func (s tfSink) boolean(v bool) { s.set(tftypes.Bool, v) }

func (s tfSink) list(n int, elem func(int, sink)) {
	vals := make([]tftypes.Value, n)
	for i := range vals {
		elem(i, tfSink{node: s.node.elem, out: &vals[i], err: s.err})
	}
	s.set(tftypes.List{}, vals)
}

func (s tfSink) object(attr func(string, sink)) {
	vals := make(map[string]tftypes.Value, len(s.node.keys))
	for _, k := range s.node.keys {
		var v tftypes.Value
		attr(k, tfSink{node: s.node.attrs[k], out: &v, err: s.err})
		vals[k] = v
	}
	s.set(tftypes.Object{}, vals)
}
