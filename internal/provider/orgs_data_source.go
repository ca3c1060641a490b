package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
)

var (
	_ datasource.DataSource              = (*orgsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*orgsDataSource)(nil)
)

type orgsDataSource struct{ dataSourceBase }

func newOrgsDataSource() datasource.DataSource { return &orgsDataSource{} }

type orgsModel struct {
	ID           types.String `tfsdk:"id"`
	NameContains types.String `tfsdk:"name_contains"`
	Orgs         []orgModel   `tfsdk:"orgs"`
}

// orgModel is an organization of the list endpoint: an element of
// covalence_orgs.orgs, and the same attributes of covalence_org.
type orgModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Email           types.String `tfsdk:"email"`
	EmailARODetails types.Bool   `tfsdk:"email_aro_details"`
}

func newOrgModel(o covalence.Organization) orgModel {
	return orgModel{
		ID:              types.StringValue(o.ID),
		Name:            types.StringValue(o.Name),
		Email:           types.StringPointerValue(o.Email),
		EmailARODetails: types.BoolPointerValue(o.EmailARODetails),
	}
}

// orgAttributes are orgModel's attributes.
func orgAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":    computedString("Organization ID."),
		"name":  computedString("Organization name."),
		"email": computedString("Contact email; null when the portal has none."),
		"email_aro_details": schema.BoolAttribute{Computed: true,
			MarkdownDescription: "Whether ARO emails to the organization include the details."},
	}
}

func (d *orgsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_orgs"
}

func (d *orgsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the organizations (clients) of the MSSP provider, sorted by name then ID. " +
			"A filter that matches nothing gives an empty list.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				MarkdownDescription: "A stable identifier of this query (a hash of its inputs)."},
			"name_contains": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Keep only organizations whose name contains this text, ignoring case.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)}},
			// A list attribute of objects, not a nested list attribute, so that
			// `terraform test` can mock it: Terraform (up to at least 1.16)
			// always mocks a nested list as empty (hashicorp/terraform#38369),
			// and a per-client gate's test needs organizations to iterate.
			"orgs": schema.ListAttribute{Computed: true,
				MarkdownDescription: "The organizations, sorted by name then ID. Each is an object with `id` (organization ID), `name`, `email` (contact email; null when the portal has none) and `email_aro_details` (whether ARO emails to the organization include the details).",
				ElementType:         schema.NestedAttributeObject{Attributes: orgAttributes()}.Type()},
		},
	}
}

func (d *orgsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured())
		return
	}
	var m orgsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, all, diags := d.data.organizations(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	want := strings.ToLower(m.NameContains.ValueString())
	orgs := make([]covalence.Organization, 0, len(all))
	for _, o := range all {
		if strings.Contains(strings.ToLower(o.Name), want) {
			orgs = append(orgs, o)
		}
	}
	covalence.SortOrgs(orgs)

	m.Orgs = make([]orgModel, len(orgs))
	for i, o := range orgs {
		m.Orgs[i] = newOrgModel(o)
	}
	inputs := map[string]string{}
	if !m.NameContains.IsNull() {
		inputs["name_contains"] = m.NameContains.ValueString()
	}
	m.ID = types.StringValue(stableID(inputs))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
