package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dataSourceBase holds what every data source gets from Configure.
type dataSourceBase struct {
	data *providerData
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // ValidateConfig and early calls happen before the provider is configured
	}
	pd, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	b.data = pd
}

// notConfigured is the diagnostic for a read before the provider was configured.
func notConfigured() diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The covalence provider has no client: it was not configured before this data source was read. "+
			"Check the provider block (api_key / "+EnvAPIKey+") and any earlier errors.")
}

// apiErrorDiag turns a client error into a diagnostic a user can act on.
// what names the operation ("reading AROs").
func apiErrorDiag(what string, err error) diag.Diagnostic {
	summary := "FES Portal error while " + what
	detail := err.Error()
	var ae *covalence.APIError
	var te *covalence.TransportError
	var de *covalence.DecodeError
	var pe *covalence.PagingError
	switch {
	case errors.As(err, &ae):
		switch {
		case ae.StatusCode == http.StatusUnauthorized:
			summary = "The API key was refused"
			detail += ". Check api_key or the " + EnvAPIKey + " environment variable."
		case ae.StatusCode == http.StatusForbidden:
			summary = "The API key lacks access"
			detail += ". The key is valid but not allowed this request; check provider_id and the key's permissions."
		case ae.StatusCode == http.StatusTooManyRequests:
			summary = "Rate limited by the FES Portal"
			detail += ". Raise max_retries or lower max_parallel_requests (or Terraform's -parallelism)."
		case ae.StatusCode >= 500:
			summary = fmt.Sprintf("FES Portal server error (HTTP %d) while %s", ae.StatusCode, what)
		}
	case errors.As(err, &te):
		summary = "Could not reach the FES Portal while " + what
		detail += ". Check base_url, proxies and request_timeout."
	case errors.As(err, &de):
		summary = "Undecodable answer from the FES Portal while " + what
	case errors.As(err, &pe):
		summary = "Inconsistent pagination from the FES Portal while " + what
		detail += ". The read was stopped rather than return a partial or looping result; try again."
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		summary = "Interrupted while " + what
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// tflogLogger routes the client's events to tflog.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(ctx, logSubsystem, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemWarn(ctx, logSubsystem, msg, fields)
}

// baseURLValidator checks base_url at plan time.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an absolute http(s) URL"
}
func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := covalence.ParseBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid base_url", err.Error())
	}
}

// durationValidator checks request_timeout at plan time.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a duration between 100ms and 1h"
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseTimeout(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}
