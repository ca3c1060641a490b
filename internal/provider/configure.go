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
	resp.Diagnostics.Append(configureData(req.ProviderData, &b.data)...)
}

// ephemeralBase holds what every ephemeral resource gets from Configure
// (the same *providerData as the data sources: one client, one request budget).
type ephemeralBase struct {
	data *providerData
}

func (b *ephemeralBase) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	resp.Diagnostics.Append(configureData(req.ProviderData, &b.data)...)
}

// configureData sets *dst to the provider's data, leaving it nil while the
// provider is not configured yet (ValidateConfig and early calls).
func configureData(from any, dst **providerData) diag.Diagnostics {
	if from == nil {
		return nil
	}
	pd, ok := from.(*providerData)
	if !ok {
		var diags diag.Diagnostics
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", from))
		return diags
	}
	*dst = pd
	return nil
}
