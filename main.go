// Command terraform-provider-covalence is the Terraform provider for Field
// Effect's Covalence Managed Security (the FES Portal API).
//
// It serves provider.NewServer with tf6server.Serve, not providerserver.Serve, because that server wraps the
// framework's to stream covalence_aros' state page by page: see NewServer in internal/provider/server.go.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/covalence-oss/terraform-provider-covalence/internal/provider"
)

// Set by goreleaser (-ldflags "-X main.version=... -X main.commit=...").
var (
	version = "dev"
	commit  = "none"
)

// providerAddress is the provider's registry address.
const providerAddress = "registry.terraform.io/covalence-oss/covalence"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	log.SetFlags(0)
	if err := tf6server.Serve(providerAddress, provider.NewServer(version+"+"+commit), opts...); err != nil {
		log.Fatal(err)
	}
}
