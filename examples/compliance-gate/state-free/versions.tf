terraform {
  required_version = ">= 1.10"
  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}
