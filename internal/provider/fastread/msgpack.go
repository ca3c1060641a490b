package fastread

import "encoding/binary"

// The msgpack encodings tftypes' encoder (github.com/vmihailenco/msgpack/v5,
// through terraform-plugin-go's tftypes) chooses: always the shortest form.
const (
	mpNil     = 0xc0
	mpFalse   = 0xc2
	mpTrue    = 0xc3
	mpUint8   = 0xcc
	mpUint16  = 0xcd
	mpUint32  = 0xce
	mpUint64  = 0xcf
	mpInt8    = 0xd0
	mpInt16   = 0xd1
	mpInt32   = 0xd2
	mpInt64   = 0xd3
	mpBin8    = 0xc4
	mpBin16   = 0xc5
	mpBin32   = 0xc6
	mpFixStr  = 0xa0
	mpStr8    = 0xd9
	mpStr16   = 0xda
	mpStr32   = 0xdb
	mpFixArr  = 0x90
	mpArray16 = 0xdc
	mpArray32 = 0xdd
	mpFixMap  = 0x80
	mpMap16   = 0xde
	mpMap32   = 0xdf
)

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, mpTrue)
	}
	return append(b, mpFalse)
}

func appendString(b []byte, s string) []byte {
	if l := len(s); l < 32 {
		b = append(b, mpFixStr|byte(l))
	} else {
		b = appendSized(b, l, mpStr8, mpStr16, mpStr32)
	}
	return append(b, s...)
}

// appendBin writes bytes as msgpack bin, the form tftypes gives the type
// (as JSON) of a dynamic value.
func appendBin(b []byte, v []byte) []byte {
	return append(appendSized(b, len(v), mpBin8, mpBin16, mpBin32), v...)
}

// appendSized writes the header of a string or bin of l bytes in the
// shortest of its 8-, 16- and 32-bit length forms.
func appendSized(b []byte, l int, op8, op16, op32 byte) []byte {
	switch {
	case l < 256:
		return append(b, op8, byte(l))
	case l < 65536:
		return binary.BigEndian.AppendUint16(append(b, op16), uint16(l))
	}
	return binary.BigEndian.AppendUint32(append(b, op32), uint32(l))
}

func appendInt(b []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= 127:
			return append(b, byte(n))
		case n <= 0xff:
			return append(b, mpUint8, byte(n))
		case n <= 0xffff:
			return binary.BigEndian.AppendUint16(append(b, mpUint16), uint16(n))
		case n <= 0xffffffff:
			return binary.BigEndian.AppendUint32(append(b, mpUint32), uint32(n))
		}
		return binary.BigEndian.AppendUint64(append(b, mpUint64), uint64(n))
	}
	switch {
	case n >= -32:
		return append(b, byte(n))
	case n >= -128:
		return append(b, mpInt8, byte(n))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(b, mpInt16), uint16(n))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(b, mpInt32), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, mpInt64), uint64(n))
}

func appendArrayLen(b []byte, l int) []byte {
	switch {
	case l < 16:
		return append(b, mpFixArr|byte(l))
	case l < 65536:
		return binary.BigEndian.AppendUint16(append(b, mpArray16), uint16(l))
	}
	return binary.BigEndian.AppendUint32(append(b, mpArray32), uint32(l))
}

func appendMapLen(b []byte, l int) []byte {
	switch {
	case l < 16:
		return append(b, mpFixMap|byte(l))
	case l < 65536:
		return binary.BigEndian.AppendUint16(append(b, mpMap16), uint16(l))
	}
	return binary.BigEndian.AppendUint32(append(b, mpMap32), uint32(l))
}
