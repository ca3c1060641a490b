// Package provider implements the covalence Terraform provider on
// terraform-plugin-framework.
//
// Each data source is one <name>_data_source.go, each function one
// <name>_function.go and the ephemeral resource aro_summary_ephemeral_resource.go:
// Metadata, Schema and a short Read (Open, Run) that reads like the
// scaffolding template: config into a typed model, the API client,
// resp.State.Set. covalence_aro and covalence_aros write raw state instead,
// through the ARO mapping (CONTRIBUTING.md says why).
//
// Where things are:
//   - provider.go: the provider's schema, Configure (the client, built once per
//     configuration), the lists of data sources, functions and ephemeral
//     resources; validators.go: the custom validators of its settings;
//     configure.go: what each data source and ephemeral resource gets from
//     Configure.
//   - read.go: every read method of providerData (the MSSP provider and
//     organizations resolved, the portal query, one ARO, the AROs streamed
//     and collected or counted, a read tracked for the request scheduler).
//   - aro_query.go: the filter the ARO data sources share (attributes, model,
//     validation, the typed query and its wording), derived from the client's
//     filter table (covalence.AROFilters).
//   - aro_mapping.go: the one mapping of ARO fields to attributes.
//   - server.go: the protocol server that serves covalence_aros's read by a
//     streaming fast path (package fastread), for the reason its doc comment
//     gives; read_gc.go: the garbage collector's setting during that read.
//   - severity.go: the one severity rule (min_severity and both functions);
//     stable_id.go: the computed id of the data sources; diagnostics.go: the
//     diagnostics of an unconfigured provider and of API errors; logging.go:
//     the HTTP layer's log lines (the covalence_http subsystem, the API key
//     masked).
package provider
