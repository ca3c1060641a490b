package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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

// Read is readARO, then the ARO written through singleAROMapping: the state
// is a tftypes value built by the one mapping of ARO fields to attributes,
// as each element of covalence_aros.aros is, not a typed model.
func (d *aroDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	a, diags := d.data.readARO(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state, err := fastread.Value(fastread.Compile(resp.State.Schema.Type().TerraformType(ctx)),
		func(w fastread.Writer) { singleAROMapping.write(a, w) })
	if err != nil {
		resp.Diagnostics.AddError("Internal mapping error", err.Error()+". This is a bug in the provider.")
		return
	}
	resp.State.Raw = state
}
