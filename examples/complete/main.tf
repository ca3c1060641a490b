# A complete configuration: the provider, an inventory of organizations,
# a weekly ARO summary per organization and a compliance check.
terraform {
  required_version = ">= 1.5" # check blocks need Terraform 1.5 or OpenTofu 1.6

  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

variable "covalence_api_key" {
  description = "FES Portal API key. Leave null to use COVALENCE_API_KEY."
  type        = string
  sensitive   = true
  default     = null
}

provider "covalence" {
  api_key         = var.covalence_api_key
  max_retries     = 5
  request_timeout = "30s"
}

data "covalence_orgs" "all" {}

data "covalence_aros" "last_week" {
  for_each = { for org in data.covalence_orgs.all.orgs : org.name => org.id }

  organization_id = each.value
  since           = "7 days"
  include_details = false
}

data "covalence_aro_summary" "open_high" {
  resolution   = "Unresolved"
  min_severity = "High"
}

check "no_open_high_severity_aros" {
  assert {
    condition     = data.covalence_aro_summary.open_high.total == 0
    error_message = "${data.covalence_aro_summary.open_high.total} unresolved High or Critical AROs are open in the portal."
  }
}

output "organizations" {
  value = sort([for org in data.covalence_orgs.all.orgs : org.name])
}

output "aros_last_week" {
  description = "AROs created in the last 7 days, per organization and severity."
  value = {
    for name, q in data.covalence_aros.last_week : name => {
      total    = q.total
      critical = q.severity_counts["Critical"]
      high     = q.severity_counts["High"]
    }
  }
}
