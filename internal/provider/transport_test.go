package provider

import (
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

var fourOrgs = []statecheck.StateCheck{
	statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs"), knownvalue.ListSizeExact(4)),
}

func TestAccTransport_tls(t *testing.T) {
	srv := httptest.NewTLSServer(mockportal.New(mockportal.FixtureData(), mockportal.Options{APIKey: testAPIKey}))
	defer srv.Close()
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	url := srv.URL + "/v1"
	resource.Test(t, testCase(t,
		// TLS verification is on by default: the test server's certificate is not trusted.
		resource.TestStep{
			Config:      providerBlock(url, "") + `data "covalence_orgs" "all" {}`,
			ExpectError: regexpMust(`(?s)Could not reach the FES Portal.*certificate`),
		},
		// Trusted through ca_cert_pem.
		resource.TestStep{
			Config:            providerBlock(url, fmt.Sprintf("ca_cert_pem = %q", caPEM)) + `data "covalence_orgs" "all" {}`,
			ConfigStateChecks: fourOrgs,
		},
		// Or not verified at all (with a warning).
		resource.TestStep{
			Config:            providerBlock(url, "insecure_skip_verify = true") + `data "covalence_orgs" "all" {}`,
			ConfigStateChecks: fourOrgs,
		},
	))
}

// fakeProxy is a forward proxy for plain HTTP that answers from the mock
// itself, counting the requests it sees for the fake portal host.
func fakeProxy(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	portal := mockportal.New(mockportal.FixtureData(), mockportal.Options{APIKey: testAPIKey})
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != "portal.invalid" {
			http.Error(w, "unexpected host "+r.URL.Host, http.StatusBadGateway)
			return
		}
		n.Add(1)
		portal.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func TestAccTransport_proxyURL(t *testing.T) {
	proxy, n := fakeProxy(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config:            providerBlock("http://portal.invalid/v1", fmt.Sprintf("proxy_url = %q", proxy)) + `data "covalence_orgs" "all" {}`,
		ConfigStateChecks: fourOrgs,
		Check: func(*terraformState) error {
			if n.Load() == 0 {
				return fmt.Errorf("no request went through proxy_url")
			}
			return nil
		},
	}))
}

// The proxy environment is read at each request (not cached for the process).
func TestAccTransport_proxyFromEnvironment(t *testing.T) {
	proxy, n := fakeProxy(t)
	t.Setenv("HTTP_PROXY", proxy)
	t.Setenv("http_proxy", proxy)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	resource.Test(t, testCase(t, resource.TestStep{
		Config:            providerBlock("http://portal.invalid/v1", "") + `data "covalence_orgs" "all" {}`,
		ConfigStateChecks: fourOrgs,
		Check: func(*terraformState) error {
			if n.Load() == 0 {
				return fmt.Errorf("no request went through HTTP_PROXY")
			}
			return nil
		},
	}))
}
