# Provider functions need Terraform 1.8 (or OpenTofu 1.7) and later, and the
# provider in required_providers.
terraform {
  required_version = ">= 1.8.0"
  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

data "covalence_aros" "open" {
  resolution = "Unresolved"
}

locals {
  # 0 (Informational) to 5 (Critical); null for a severity the function does
  # not know, ranked here above Critical so that it is never overlooked.
  ranked = [for a in data.covalence_aros.open.aros : {
    id   = a.id
    rank = coalesce(provider::covalence::severity_rank(a.severity), 6)
  }]
}

# The open AROs' IDs, most severe first; within a severity, newest first (the
# order of aros).
output "open_most_severe_first" {
  value = flatten([for r in [6, 5, 4, 3, 2, 1, 0] : [for a in local.ranked : a.id if a.rank == r]])
}

output "critical_rank" {
  value = provider::covalence::severity_rank("Critical") # 5
}
