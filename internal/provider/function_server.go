package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// msgpackNil is the msgpack encoding of a null value of any type.
var msgpackNil = []byte{0xc0}

// CallFunction passes a null argument on to the framework as an encoded
// null. OpenTofu (1.7 to at least 1.12) sends the null argument of a
// parameter that allows null as no value at all, which the framework cannot
// decode ("DynamicValue had no JSON or msgpack data set"); Terraform sends it
// encoded. Without this, severity_rank(null) and severity_at_least(null, …)
// would fail on OpenTofu, and so would an ARO whose severity is null.
func (s *server) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	if req != nil {
		for i, a := range req.Arguments {
			if a == nil || (len(a.MsgPack) == 0 && len(a.JSON) == 0) {
				req.Arguments[i] = &tfprotov6.DynamicValue{MsgPack: msgpackNil}
			}
		}
	}
	return s.ProviderServer.CallFunction(ctx, req)
}
