package fastread

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// prefixRoom is reserved in front of the encoded items for the state's map
// header, the list attribute's key and the array header, so that in the
// common case the state is the items' buffer itself, with no copy.
const prefixRoom = 16

// Items encodes the elements of a list attribute one by one as they arrive:
// the API objects can be dropped at once, and only the encoded bytes are kept.
type Items[T any] struct {
	elem  *Type
	write func(v *T, w Writer)
	w     mpWriter
	spans []int // spans[i] = end offset of item i in w.buf
}

// NewItems returns an empty list of elements of type elem, each written by write.
func NewItems[T any](elem *Type, write func(v *T, w Writer)) *Items[T] {
	return &Items[T]{elem: elem, write: write, w: mpWriter{buf: make([]byte, prefixRoom, 1<<20)}}
}

// Add encodes v as the next item. A mapping error is returned, and the list
// must not be used any further.
func (it *Items[T]) Add(v *T) error {
	it.w.node = it.elem
	it.write(v, &it.w)
	if it.w.err != nil {
		return it.w.err
	}
	it.spans = append(it.spans, len(it.w.buf))
	// Grow the buffer by doubling, ahead of the next item: the bytes are
	// copied about once in all, rather than some four times with append's
	// gentler growth of large slices, and the peak stays at 1.5 times the
	// state (the state is this buffer itself, see EncodeState).
	if cap(it.w.buf)-len(it.w.buf) < growAhead {
		grown := make([]byte, len(it.w.buf), 2*cap(it.w.buf)+growAhead)
		copy(grown, it.w.buf)
		it.w.buf = grown
	}
	return nil
}

// growAhead is the room kept free for the next item (most are a few KB).
const growAhead = 256 << 10

// Len is the number of items added.
func (it *Items[T]) Len() int { return len(it.spans) }

func (it *Items[T]) item(i int) []byte {
	start := prefixRoom
	if i > 0 {
		start = it.spans[i-1]
	}
	return it.w.buf[start:it.spans[i]]
}

// EncodeState writes the state object of type root as msgpack, in the byte
// order tftypes would write it: the list attribute named list from items,
// the items in the given order (indexes into the items added, each at most
// once), and every other attribute from vals through tftypes. It may reuse
// the items' buffer: items must not be used afterwards.
func EncodeState[T any](root *Type, list string, items *Items[T], order []int, vals map[string]tftypes.Value) ([]byte, error) {
	if root.kind != kindObject || root.Attr(list) == nil || root.Attr(list).kind != kindList {
		return nil, fmt.Errorf("%s is not a list attribute of %s", list, root.typ)
	}
	for _, idx := range order {
		if idx < 0 || idx >= items.Len() {
			return nil, fmt.Errorf("item %d of %d in the order", idx, items.Len())
		}
	}
	identity := len(order) == items.Len()
	for i, idx := range order {
		if i != idx {
			identity = false
			break
		}
	}

	var out []byte
	listDone := false
	if root.keys[0] == list && identity {
		// The common case: the list is the first attribute and the items are
		// in order. The prefix goes into the room reserved in front of them.
		pre := appendArrayLen(appendString(appendMapLen(make([]byte, 0, prefixRoom), len(root.keys)), list), len(order))
		if len(pre) <= prefixRoom {
			buf := items.w.buf
			start := prefixRoom - len(pre)
			copy(buf[start:], pre)
			out = buf[start:]
			listDone = true
		}
	}
	if out == nil {
		out = appendMapLen(nil, len(root.keys))
	}
	for i, k := range root.keys {
		if k == list {
			if listDone {
				continue
			}
			out = append(out, root.encKeys[i]...)
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
