data "covalence_orgs" "all" {}

data "covalence_aro_summary" "open" {
  resolution = "Unresolved"
}

resource "terraform_data" "client" {
  for_each = { for org in data.covalence_orgs.all.orgs : org.id => org.name }

  input = each.value # stands for the per-client deployment

  lifecycle {
    precondition {
      condition     = data.covalence_aro_summary.open.organizations[each.key].severity_counts["Critical"] == 0
      error_message = "Deployment for ${each.value} blocked: ${data.covalence_aro_summary.open.organizations[each.key].severity_counts["Critical"]} unresolved Critical AROs."
    }
  }
}
