terraform {
  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}
