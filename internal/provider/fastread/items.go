package fastread

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// chunkSize is the size of the buffers items are encoded into. Items are
// kept in a list of chunks rather than one growing buffer, so they are never
// copied while the read goes on, only once into the state at the end.
const chunkSize = 1 << 20

// Items encodes the elements of a list attribute one by one as they arrive:
// the API objects can be dropped at once, and only the encoded bytes are kept.
type Items[T any] struct {
	elem   *Type
	write  func(v *T, w Writer)
	w      mpWriter // w.buf is the open chunk
	chunks [][]byte // sealed chunks
	spans  []span
	size   int // bytes of all items
}

type span struct{ chunk, start, end int }

// NewItems returns an empty list of elements of type elem, each written by write.
func NewItems[T any](elem *Type, write func(v *T, w Writer)) *Items[T] {
	return &Items[T]{elem: elem, write: write, w: mpWriter{buf: make([]byte, 0, chunkSize)}}
}

// Add encodes v as the next item. A mapping error is returned, and the list
// must not be used any further.
func (it *Items[T]) Add(v *T) error {
	start := len(it.w.buf)
	it.w.node = it.elem
	it.write(v, &it.w)
	if it.w.err != nil {
		return it.w.err
	}
	it.spans = append(it.spans, span{len(it.chunks), start, len(it.w.buf)})
	it.size += len(it.w.buf) - start
	if len(it.w.buf) >= chunkSize-chunkSize/8 {
		it.chunks = append(it.chunks, it.w.buf)
		it.w.buf = make([]byte, 0, chunkSize)
	}
	return nil
}

// Len is the number of items added.
func (it *Items[T]) Len() int { return len(it.spans) }

func (it *Items[T]) item(i int) []byte {
	sp := it.spans[i]
	if sp.chunk == len(it.chunks) {
		return it.w.buf[sp.start:sp.end]
	}
	return it.chunks[sp.chunk][sp.start:sp.end]
}

// EncodeState writes the state object of type root as msgpack, in the byte
// order tftypes would write it: the attribute named list from items, the
// items in the given order (indexes into the items added, each at most
// once), and every other attribute from vals through tftypes.
//
// The attribute is a list of the items' type, or a dynamic attribute: then
// it holds a list of the items' type, written as tftypes writes a dynamic
// value (the list's type as JSON, then the list).
func EncodeState[T any](root *Type, list string, items *Items[T], order []int, vals map[string]tftypes.Value) ([]byte, error) {
	attr := root.Attr(list)
	if root.kind != kindObject || attr == nil || (attr.kind != kindList && attr.kind != kindDynamic) {
		return nil, fmt.Errorf("%s is neither a list nor a dynamic attribute of %s", list, root.typ)
	}
	if attr.kind == kindList && !attr.elem.typ.Equal(items.elem.typ) {
		return nil, fmt.Errorf("the items are %s, the list %s holds %s", items.elem.typ, list, attr.elem.typ)
	}
	for _, idx := range order {
		if idx < 0 || idx >= items.Len() {
			return nil, fmt.Errorf("item %d of %d in the order", idx, items.Len())
		}
	}
	var dynType []byte
	if attr.kind == kindDynamic {
		var err error
		// The type's JSON as tftypes writes it into a dynamic value.
		if dynType, err = (tftypes.List{ElementType: items.elem.typ}).MarshalJSON(); err != nil { //nolint:staticcheck // tftypes' own form, for byte-identical state
			return nil, fmt.Errorf("%s: the type of its list: %w", list, err)
		}
	}
	// One allocation: the items' size is known, the other attributes are small.
	size := items.size
	if len(order) != items.Len() {
		size = 0
		for _, idx := range order {
			size += len(items.item(idx))
		}
	}
	out := appendMapLen(make([]byte, 0, size+len(dynType)+4096), len(root.keys))
	for i, k := range root.keys {
		if k == list {
			out = append(out, root.encKeys[i]...)
			if dynType != nil {
				out = appendBin(appendArrayLen(out, 2), dynType)
			}
			out = appendArrayLen(out, len(order))
			for _, idx := range order {
				out = append(out, items.item(idx)...)
			}
			continue
		}
		v, ok := vals[k]
		if !ok {
			return nil, fmt.Errorf("attribute %q has no value", k)
		}
		b, err := v.MarshalMsgPack(root.attrs[i].typ) //nolint:staticcheck // the reference encoder, for the few small attributes
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out = append(out, root.encKeys[i]...)
		out = append(out, b...)
	}
	return out, nil
}
