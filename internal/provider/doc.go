// Package provider implements the covalence Terraform provider on
// terraform-plugin-framework.
//
// Each data source is one <name>_data_source.go, read like the scaffolding
// template: config into a typed model, the API client, resp.State.Set.
// provider.go holds the provider's schema and Configure, and lists the data
// sources. Every read of providerData (the MSSP provider and organizations
// resolved, the portal query, the AROs streamed and collected or counted,
// a read tracked for the request scheduler) is in read.go. The ARO data
// sources share one filter (aro_query.go: attributes, model, validation, the
// typed query) and one mapping of ARO fields to attributes (aro_mapping.go). covalence_aros's read is served by a
// streaming fast path (server.go), for the reason its doc comment gives.
package provider
