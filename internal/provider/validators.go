package provider

// Custom validators of the provider's settings, for what
// terraform-plugin-framework-validators has no validator for (the ARO
// filter's are in aro_query.go).

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

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
