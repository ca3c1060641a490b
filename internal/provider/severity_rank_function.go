package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = severityRankFunction{}

// severityRankFunction is provider::covalence::severity_rank(severity):
// severityRank's scale, 0 (Informational) to 5 (Critical); null for a
// severity without a rank.
type severityRankFunction struct{}

func newSeverityRankFunction() function.Function { return severityRankFunction{} }

func (severityRankFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "severity_rank"
}

func (severityRankFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The rank of an ARO severity, 0 (Informational) to 5 (Critical)",
		MarkdownDescription: "Returns the rank of an ARO severity in the order " + markdownList(aroSeverities) +
			": `0` for `Informational` up to `5` for `Critical`. Returns `null` for any other value (a null severity, " +
			"a value the portal does not document, or a different spelling: the match is exact and case-sensitive), " +
			"so that it cannot pass for a low rank: comparing null with `>=` is an error, and `coalesce()` gives it " +
			"the rank you choose. Use `severity_at_least` for a filter that keeps such AROs. " +
			"Requires Terraform 1.8 or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "severity",
				MarkdownDescription: "An ARO severity, such as the `severity` of a `covalence_aros` element; one of " + markdownList(aroSeverities) + ". May be null.",
				AllowNullValue:      true,
			},
		},
		Return: function.Int64Return{},
	}
}

func (severityRankFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var severity types.String
	resp.Error = req.Arguments.Get(ctx, &severity)
	if resp.Error != nil {
		return
	}
	rank := types.Int64Null()
	if r, ok := severityRank(severity.ValueString()); ok { // null: "", which has no rank
		rank = types.Int64Value(int64(r))
	}
	resp.Error = resp.Result.Set(ctx, rank)
}
