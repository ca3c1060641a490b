terraform {
  required_version = ">= 1.0"

  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

# Every attribute is optional and can come from an environment variable
# instead (the provider's documentation names each), which keeps the API
# key out of the configuration and the state:
#
#   export COVALENCE_API_KEY="..."
provider "covalence" {}
