package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*providersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*providersDataSource)(nil)
)

type providersDataSource struct{ dataSourceBase }

func newProvidersDataSource() datasource.DataSource { return &providersDataSource{} }

type providersModel struct {
	ID        types.String    `tfsdk:"id"`
	Providers []msspProvModel `tfsdk:"providers"`
}

// msspProvModel is one MSSP provider of GET my_providers.
type msspProvModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

func (d *providersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_providers"
}

func (d *providersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the MSSP providers the API key belongs to (`GET my_providers`), in the portal's order. " +
			"The first is the one the provider acts as when `provider_id` is not set. A key that belongs to no provider gives an empty list.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				MarkdownDescription: "A stable identifier of this query (a hash of its inputs; it has none, so it is the same for every key)."},
			// A list attribute of objects, like covalence_orgs.orgs, so that
			// `terraform test` can mock it.
			"providers": schema.ListAttribute{Computed: true,
				MarkdownDescription: "The MSSP providers of the API key, in the portal's order. Each is an object with `id` " +
					"(the provider ID, which `provider_id` takes) and `name`.",
				ElementType: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":   computedString("Provider ID."),
					"name": computedString("Provider name."),
				}}.Type()},
		},
	}
}

func (d *providersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	var m providersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	list, err := d.data.client.MyProviders(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiag("listing the API key's providers (GET my_providers)", err))
		return
	}
	m.Providers = make([]msspProvModel, len(list))
	for i, p := range list {
		if p.ID == "" {
			resp.Diagnostics.AddError("FES Portal answer without a provider ID",
				fmt.Sprintf("GET my_providers: provider #%d (%q) has no ID.", i+1, p.Name))
			return
		}
		m.Providers[i] = msspProvModel{ID: types.StringValue(p.ID), Name: types.StringValue(p.Name)}
	}
	m.ID = types.StringValue(stableID(nil))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
