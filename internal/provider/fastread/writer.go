package fastread

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Writer receives one value shaped by a Type. A mapping of API fields to
// attributes writes into it; Value and Items turn the same calls into a
// tftypes.Value or straight into msgpack, so the mapping exists once.
//
// A value of the wrong kind for the Type (a string where the schema has a
// number) is an error recorded through Fail, as is Fail itself.
type Writer interface {
	Null()
	String(v string)
	Int64(v int64)
	Bool(v bool)
	// List writes n elements, each through elem.
	List(n int, elem func(i int, w Writer))
	// Object calls attr for every attribute of the object type, in name
	// order: i indexes Type.Keys.
	Object(attr func(i int, w Writer))
	// Fail records a mapping error; the first one wins.
	Fail(format string, args ...any)
}

// Value writes one value of type t through write, as a tftypes.Value: the
// framework's form, and the reference the msgpack encoder is tested against.
func Value(t *Type, write func(w Writer)) (tftypes.Value, error) {
	var out tftypes.Value
	var err error
	write(&valueWriter{node: t, out: &out, err: &err})
	if err != nil {
		return tftypes.NewValue(t.typ, nil), err
	}
	return out, nil
}

func wrongKind(what string, t *Type) string {
	return fmt.Sprintf("%s written where the schema has %s", what, t.typ)
}

// ---- tftypes ----------------------------------------------------------------

type valueWriter struct {
	node *Type
	out  *tftypes.Value
	err  *error
}

func (w *valueWriter) Fail(format string, args ...any) {
	if *w.err == nil {
		*w.err = fmt.Errorf(format, args...)
	}
	*w.out = tftypes.NewValue(w.node.typ, nil)
}

func (w *valueWriter) set(k kind, what string, v any) {
	if w.node.kind != k {
		w.Fail("%s", wrongKind(what, w.node))
		return
	}
	*w.out = tftypes.NewValue(w.node.typ, v)
}

func (w *valueWriter) Null()           { *w.out = tftypes.NewValue(w.node.typ, nil) }
func (w *valueWriter) String(v string) { w.set(kindString, "a string", v) }
func (w *valueWriter) Int64(v int64)   { w.set(kindNumber, "a number", new(big.Float).SetInt64(v)) }
func (w *valueWriter) Bool(v bool)     { w.set(kindBool, "a bool", v) }

func (w *valueWriter) List(n int, elem func(int, Writer)) {
	if w.node.kind != kindList {
		w.Fail("%s", wrongKind("a list", w.node))
		return
	}
	vals := make([]tftypes.Value, n)
	for i := range vals {
		elem(i, &valueWriter{node: w.node.elem, out: &vals[i], err: w.err})
	}
	w.set(kindList, "a list", vals)
}

func (w *valueWriter) Object(attr func(int, Writer)) {
	if w.node.kind != kindObject {
		w.Fail("%s", wrongKind("an object", w.node))
		return
	}
	vals := make(map[string]tftypes.Value, len(w.node.keys))
	for i, k := range w.node.keys {
		var v tftypes.Value
		attr(i, &valueWriter{node: w.node.attrs[i], out: &v, err: w.err})
		if v.Type() == nil { // nothing written
			w.Fail("attribute %q was not written", k)
			v = tftypes.NewValue(w.node.attrs[i].typ, nil)
		}
		vals[k] = v
	}
	w.set(kindObject, "an object", vals)
}

// ---- msgpack ----------------------------------------------------------------

// mpWriter appends msgpack to buf, byte for byte as tftypes writes it. One
// mpWriter serves a whole value: it moves node down and back up as the
// mapping walks into lists and objects, so writing allocates nothing.
type mpWriter struct {
	buf  []byte
	node *Type
	err  error
}

func (w *mpWriter) Fail(format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf(format, args...)
	}
}

func (w *mpWriter) want(k kind, what string) bool {
	if w.node.kind != k {
		w.Fail("%s", wrongKind(what, w.node))
		return false
	}
	return true
}

func (w *mpWriter) Null() { w.buf = append(w.buf, mpNil) }

func (w *mpWriter) String(v string) {
	if w.want(kindString, "a string") {
		w.buf = appendString(w.buf, v)
	}
}

func (w *mpWriter) Int64(v int64) {
	if w.want(kindNumber, "a number") {
		w.buf = appendInt(w.buf, v)
	}
}

func (w *mpWriter) Bool(v bool) {
	if w.want(kindBool, "a bool") {
		w.buf = appendBool(w.buf, v)
	}
}

func (w *mpWriter) List(n int, elem func(int, Writer)) {
	if !w.want(kindList, "a list") {
		return
	}
	w.buf = appendArrayLen(w.buf, n)
	parent := w.node
	w.node = parent.elem
	for i := 0; i < n; i++ {
		elem(i, w)
	}
	w.node = parent
}

func (w *mpWriter) Object(attr func(int, Writer)) {
	if !w.want(kindObject, "an object") {
		return
	}
	parent := w.node
	w.buf = appendMapLen(w.buf, len(parent.keys))
	for i, child := range parent.attrs {
		w.buf = append(w.buf, parent.encKeys[i]...)
		w.node = child
		before := len(w.buf)
		attr(i, w)
		if len(w.buf) == before { // nothing written: keep the encoding whole
			w.Fail("attribute %q was not written", parent.keys[i])
			w.buf = append(w.buf, mpNil)
		}
	}
	w.node = parent
}
