package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = severityAtLeastFunction{}

// severityAtLeastFunction is provider::covalence::severity_at_least(severity,
// minimum): severityAtLeast, the rule of min_severity (a severity without a
// rank is at least any minimum); a minimum without a rank is an error.
type severityAtLeastFunction struct{}

func newSeverityAtLeastFunction() function.Function { return severityAtLeastFunction{} }

func (severityAtLeastFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "severity_at_least"
}

func (severityAtLeastFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Whether an ARO severity is at or above a minimum",
		MarkdownDescription: "Returns `true` when `severity` ranks at or above `minimum` in the order " + markdownList(aroSeverities) +
			". Fails closed, like the `min_severity` filter of the data sources: a `severity` that is not one of these " +
			"(null, a value the portal does not document, or a different spelling) counts as at least any minimum, so " +
			"that a gate never drops an ARO it cannot rank. A `minimum` that is not one of these is an error. " +
			"Requires Terraform 1.8 or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "severity",
				MarkdownDescription: "The ARO severity to test, such as the `severity` of a `covalence_aros` element. May be null or any string; a value that is not one of " + markdownList(aroSeverities) + " returns `true`.",
				AllowNullValue:      true,
			},
			function.StringParameter{
				Name:                "minimum",
				MarkdownDescription: "The lowest severity that passes: one of " + markdownList(aroSeverities) + " (exact, case-sensitive). Anything else, null included, is an error that lists these values.",
				AllowNullValue:      true,
			},
		},
		Return: function.BoolReturn{},
	}
}

func (severityAtLeastFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var severity, minimum types.String
	resp.Error = req.Arguments.Get(ctx, &severity, &minimum)
	if resp.Error != nil {
		return
	}
	if _, ok := severityRank(minimum.ValueString()); !ok { // null: "", which has no rank
		got := "null"
		if !minimum.IsNull() {
			got = fmt.Sprintf("%q", minimum.ValueString())
		}
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf(
			"minimum must be one of %s (exact, case-sensitive), got %s.", strings.Join(aroSeverities, ", "), got))
		return
	}
	// A severity without a rank (null included) is at least any minimum: the
	// rule of min_severity.
	resp.Error = resp.Result.Set(ctx, types.BoolValue(severityAtLeast(severity.ValueString(), minimum.ValueString())))
}
