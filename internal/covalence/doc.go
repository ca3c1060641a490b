// Package covalence is a read-only client for Field Effect's FES Portal API
// (Covalence Managed Security). It knows HTTP and JSON and nothing of Terraform.
// What it assumes of the portal is CONTRACT.md.
//
// Where things are:
//   - client.go: Config, New and Client: requests, retries, decoding;
//     errors.go: the errors it returns; retryafter.go: Retry-After.
//   - scheduler.go, scheduler_policy.go: the request scheduler (requests in
//     flight, rate, pauses after 429); readstats.go: a read's requests and
//     waits, counted apart; flight.go: one request for concurrent callers.
//   - api.go: the providers and organizations endpoints; resolve.go: an
//     organization by name.
//   - arofilters.go: the table of ARO filters (AROFilters) and AROQuery;
//     aromatch.go: the check of every ARO returned against the query sent.
//   - paging.go: StreamAROs and StreamAROSummaries, the pager;
//     arodecode.go: the page decoder.
//   - types.go: the portal's objects and documented values; timebound.go:
//     the portal's times and the since/until bounds.
package covalence
