terraform {
  required_version = ">= 1.0"

  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

# Every attribute is optional and can come from the environment instead,
# which keeps the API key out of the configuration and the state:
#
#   export COVALENCE_API_KEY="..."                            # required (here or in api_key)
#   export COVALENCE_BASE_URL="https://services.fieldeffect.net/v1"
#   export COVALENCE_PROVIDER_ID="Example MSSP"               # ID or exact name
#   export COVALENCE_MAX_RETRIES=5
#   export COVALENCE_REQUEST_TIMEOUT=30s
#   export COVALENCE_MAX_PARALLEL_REQUESTS=8
provider "covalence" {}
