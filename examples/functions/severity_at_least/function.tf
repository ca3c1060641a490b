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

# One read of the open AROs, filtered in several ways afterwards.
data "covalence_aros" "open" {
  resolution = "Unresolved"
}

locals {
  # Like min_severity, severity_at_least keeps an ARO whose severity is null
  # or unknown to it (fail closed).
  open_high = [for a in data.covalence_aros.open.aros : a if provider::covalence::severity_at_least(a.severity, "High")]
  open_medium_actions = [
    for a in data.covalence_aros.open.aros : a
    if a.type == "Action" && provider::covalence::severity_at_least(a.severity, "Medium")
  ]
}

output "open_high_ids" {
  value = [for a in local.open_high : a.id]
}

output "open_medium_action_ids" {
  value = [for a in local.open_medium_actions : a.id]
}

check "no_open_critical" {
  assert {
    condition     = length([for a in local.open_high : a if provider::covalence::severity_at_least(a.severity, "Critical")]) == 0
    error_message = "Unresolved Critical AROs are open."
  }
}
