package provider

// Custom attribute validators, for what terraform-plugin-framework-validators
// has no validator for.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

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

// timeBoundValidator checks a since/until value at plan time.
type timeBoundValidator struct{}

func (timeBoundValidator) Description(context.Context) string {
	return `must be RFC 3339, "YYYY-MM-DD HH:MM:SS" (UTC), or relative such as "7 days"`
}
func (v timeBoundValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (timeBoundValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	// Whether a value parses does not depend on the clock: any instant does.
	if _, err := covalence.ParseTimeBound(req.ConfigValue.ValueString(), time.Unix(0, 0).UTC()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), err.Error())
	}
}

// portalQueryValidator checks a SOAR-style query at plan time: its syntax,
// and each pair's value with the validators of the attribute of that name
// (as listvalidator.ValueStringsAre applies its validators to each element).
type portalQueryValidator struct{ scope aroFilterScope }

func (v portalQueryValidator) Description(context.Context) string {
	return "must be &-separated key=value pairs with keys " + strings.Join(v.scope.queryKeys(), ", ") +
		", each value valid as the attribute of that name"
}
func (v portalQueryValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (v portalQueryValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return // "" is LengthAtLeast's to report
	}
	pairs, err := parsePortalQuery(req.ConfigValue.ValueString(), v.scope.queryKeys())
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid query", err.Error())
		return
	}
	for _, p := range pairs {
		for _, v := range filterValidators[p.key] {
			var vr validator.StringResponse
			v.ValidateString(ctx, validator.StringRequest{Path: req.Path, PathExpression: req.PathExpression,
				Config: req.Config, ConfigValue: types.StringValue(p.value)}, &vr)
			for _, dg := range vr.Diagnostics {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid query", fmt.Sprintf("query key %q: %s", p.key, dg.Detail()))
			}
		}
	}
}
