package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	ID             types.String     `tfsdk:"id"`
	NameContains   types.String     `tfsdk:"name_contains"`
	IncludeDetails types.Bool       `tfsdk:"include_details"`
	Orgs           []orgDetailModel `tfsdk:"orgs"`
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

// orgsElementAttributes are the attributes of an element of
// covalence_orgs.orgs: the list entry's and the detail's.
func orgsElementAttributes() map[string]schema.Attribute {
	attrs := orgAttributes()
	maps.Copy(attrs, orgDetailAttributes())
	return attrs
}

func (d *orgsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_orgs"
}

func (d *orgsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the organizations (clients) of the MSSP provider, sorted by name then ID. " +
			"A filter that matches nothing gives an empty list.",
		Attributes: map[string]schema.Attribute{
			"include_details": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Whether every element of `orgs` also carries the detail attributes of `covalence_org` " +
					"(`client_id`, `status`, `license_type`, `service_tier`, `is_trial`, `default_locale`, `industry`, " +
					"`created_time`, `last_updated_time`, `active_response_policy`, `contacts`). The details cost one request per " +
					"organization, made concurrently within `max_parallel_requests` (and `requests_per_second`). " +
					"An organization that is no longer found when its detail is read is kept with null detail and a warning; " +
					"any other failure fails the read. Defaults to `false`: the detail attributes are null and no detail is requested."},
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
				MarkdownDescription: "The organizations, sorted by name then ID. Each is an object with `id` (organization ID), `name`, `email` (contact email; null when the portal has none) and `email_aro_details` (whether ARO emails to the organization include the details), " +
					"and the detail attributes of `covalence_org`, with the same names, types and meanings, null unless `include_details` is `true`: " +
					"`client_id` (Field Effect's client number), `status` (account status), `license_type`, `service_tier`, `is_trial`, " +
					"`default_locale` (`profile.default_locale`), `industry` (`profile.industry`), `created_time` and `last_updated_time` (RFC 3339, UTC), " +
					"`active_response_policy` (`active_response_profile.response_policy`, e.g. `Off`) and `contacts` (the key contacts in the portal's order, " +
					"each with `id`, `type` such as `Technical - Primary`, `email`, `first_name`, `last_name` and `phone_number`).",
				ElementType: schema.NestedAttributeObject{Attributes: orgsElementAttributes()}.Type()},
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

	includeDetails := m.IncludeDetails.ValueBool()
	details := make([]*covalence.OrganizationDetail, len(orgs))
	if includeDetails {
		resp.Diagnostics.Append(d.readDetails(ctx, orgs, details)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	m.Orgs = make([]orgDetailModel, len(orgs))
	for i, o := range orgs {
		m.Orgs[i] = newOrgDetailModel(o, details[i])
	}
	inputs := map[string]string{}
	if !m.NameContains.IsNull() {
		inputs["name_contains"] = m.NameContains.ValueString()
	}
	if includeDetails {
		inputs["include_details"] = "true"
	}
	m.IncludeDetails = types.BoolValue(includeDetails)
	m.ID = types.StringValue(stableID(inputs))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// readDetails fills details[i] with the detail of orgs[i], one request per
// organization made concurrently through the client's scheduler. An
// organization the portal no longer finds keeps a nil detail; one warning
// names every such organization.
func (d *orgsDataSource) readDetails(ctx context.Context, orgs []covalence.Organization, details []*covalence.OrganizationDetail) diag.Diagnostics {
	var diags diag.Diagnostics
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	got, err := d.data.client.OrganizationDetails(ctx, ids)
	if err != nil {
		oe, ok := errors.AsType[*covalence.OrgDetailError](err)
		if !ok {
			diags.Append(apiErrorDiag("reading the organizations' detail", err))
			return diags
		}
		what := "reading the detail of organization " + orgLabel(orgs, oe.OrgID)
		dg := apiErrorDiag(what, oe.Err)
		diags.AddAttributeError(path.Root("include_details"), dg.Summary(), "While "+what+": "+dg.Detail())
		return diags
	}
	var gone []string
	for i, det := range got {
		details[i] = det
		if det == nil {
			gone = append(gone, orgLabel(orgs, orgs[i].ID))
		}
	}
	if len(gone) > 0 {
		diags.AddAttributeWarning(path.Root("include_details"), "Organization detail not found",
			fmt.Sprintf("The portal listed %s but answered 404 (not found) for the detail: it was probably deleted during the read. "+
				"%s kept in orgs with null detail attributes.", strings.Join(gone, ", "), plural(len(gone), "It is", "They are")))
	}
	return diags
}

// orgLabel names an organization of orgs for a diagnostic: "Name" (ID).
func orgLabel(orgs []covalence.Organization, id string) string {
	for _, o := range orgs {
		if o.ID == id {
			return fmt.Sprintf("%q (%s)", o.Name, id)
		}
	}
	return id
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
