// Package fastread is the provider's fast read path: a large data source read
// (covalence_aros) encoded straight to the state's msgpack as its items
// arrive, instead of through a tftypes.Value per attribute, which costs many
// times the CPU and memory for a large read (`make bench` measures both).
//
// The API, in the order a read uses it:
//
//   - Compile: a schema's tftypes.Type compiled once (attribute names sorted,
//     the order msgpack objects are written in).
//   - Writer: what a mapping of API fields to attributes writes one value into.
//     Two encoders implement it: Value (a tftypes.Value, the framework's form
//     and the reference) and Items (msgpack, the fast path). The differential
//     and fuzz tests of this package prove them byte-identical.
//   - Items: the list attribute's elements, encoded one by one as they arrive.
//   - EncodeState: the whole state object, the other attributes through
//     tftypes. The items go into a list attribute, or into a dynamic one as a
//     list whose element type is chosen at read time.
//
// The msgpack is the encoding of terraform-plugin-go's tftypes (which uses
// github.com/vmihailenco/msgpack/v5), byte for byte. The package knows
// nothing of the portal, of the provider's schemas or of how a read is
// served (the server that serves it sets the garbage collector).
package fastread
