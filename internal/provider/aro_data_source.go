package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/provider/fastread"
)

var (
	_ datasource.DataSource              = (*aroDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*aroDataSource)(nil)
)

// singleAROMapping is aroMapping at the top level of covalence_aro: the same
// fields, with id required and count renamed (Terraform reserves "count" at
// the top level of a block).
var singleAROMapping = aroMapping.renamed("count", "alert_count").
	withSchema("id", schema.StringAttribute{Required: true,
		MarkdownDescription: "ID (UUID) of the ARO to read. An ID that matches no ARO is an error.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}}).
	withSchema("alert_count", schema.Int64Attribute{Computed: true,
		MarkdownDescription: "How many times the underlying alert fired (`count` in `covalence_aros`, renamed because Terraform reserves `count`)."})

type aroDataSource struct{ dataSourceBase }

func newAroDataSource() datasource.DataSource { return &aroDataSource{} }

func (d *aroDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_aro"
}

func (d *aroDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one ARO (Action, Recommendation or Observation) by its ID, with the same attributes as an element of " +
			"`covalence_aros.aros`. Unlike `covalence_aros`, an ID that matches nothing is an error.",
		Attributes: singleAROMapping.attributes(),
	}
}

func (d *aroDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pid, err := d.data.msspID(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiag("resolving the MSSP provider", err))
		return
	}
	want := id.ValueString()
	var found *covalence.ARO
	// The client hands over only AROs with that ID, whatever the portal
	// sends; a portal that ignores id costs more pages and a warning.
	st, err := d.data.client.StreamAROs(ctx, pid, covalence.AROQuery{ID: want}, func(items []covalence.ARO) (bool, error) {
		found = &items[0]
		return true, nil
	})
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiag("reading ARO "+want, err))
		return
	}
	resp.Diagnostics.Append(unappliedFilterWarning(st)...)
	if found == nil {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "ARO not found",
			fmt.Sprintf("No ARO with ID %q is visible to the MSSP provider %s.", want, pid))
		return
	}
	state, mapErr := fastread.Value(fastread.Compile(resp.State.Schema.Type().TerraformType(ctx)),
		func(w fastread.Writer) { singleAROMapping.write(found, w) })
	if mapErr != nil {
		resp.Diagnostics.AddError("Internal mapping error", mapErr.Error()+". This is a bug in the provider.")
		return
	}
	resp.State.Raw = state
}
