package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
)

// dataSourceBase holds what every data source gets from Configure.
type dataSourceBase struct {
	data *providerData
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	var diags diag.Diagnostics
	b.data, diags = providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
}

// ephemeralBase holds what every ephemeral resource gets from Configure
// (the same *providerData as the data sources: one client, one request budget).
type ephemeralBase struct {
	data *providerData
}

func (b *ephemeralBase) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	var diags diag.Diagnostics
	b.data, diags = providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
}

// providerDataFrom is the provider's data given to Configure, nil while the
// provider is not configured yet (ValidateConfig and early calls).
func providerDataFrom(from any) (*providerData, diag.Diagnostics) {
	if from == nil {
		return nil, nil
	}
	pd, ok := from.(*providerData)
	if !ok {
		var diags diag.Diagnostics
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", from))
		return nil, diags
	}
	return pd, nil
}
