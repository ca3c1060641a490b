// Package mockportal is an in-memory implementation of the read side of the
// FES Portal API (Field Effect's portal API for MSSP providers: providers,
// organizations, AROs with filters and pages), meant for httptest.NewServer in
// tests and for the standalone server in internal/cmd/mockportal. The
// contract it serves is written down in internal/covalence/CONTRACT.md; the
// portal's published example answers are embedded from testdata/
// (fixtures.go). It knows the contract only: it imports nothing but the
// standard library and golang.org/x/time/rate, never the client (whose tests
// import the mock).
//
// Where things are:
//   - types.go: the estate (Data, ARO, Organization, ...), Options, and the
//     JSON of each object (the ARO's JSON fields are its tagged fields;
//     aroWire, its wire form, is derived from them).
//   - server.go: Server, New, the estate's state and the request recording;
//     the provider and organization endpoints.
//   - aros.go: the ARO order (CompareAROs), the filters and the pages of
//     GET providers/{id}/aros.
//   - routes.go: the http.ServeMux patterns and the middleware every
//     endpoint runs through: record, Limits, latency, authentication, GET
//     only, faults.
//   - faults.go: Fault and FaultFunc. A new fault is a field of Fault,
//     applied in Fault.before or Fault.after there, with a test in
//     fault_test.go.
//   - limits.go: rate limits (Limits, SetLimits) and Stats.
//   - generate.go: Generate, a realistic estate of any size.
package mockportal
