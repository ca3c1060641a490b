# The demo `make demo` applies against the mock portal (scripts/demo.sh).
# It needs nothing but the covalence provider and Terraform's built-in
# terraform_data resource. Three jobs:
#   (a) an inventory of organizations, one terraform_data per organization;
#   (b) a 7-day ARO report per organization, with severity counts;
#   (c) a compliance gate on unresolved High/Critical AROs, from one
#       covalence_aro_summary: a check block that warns, or, with
#       enforce_compliance = true, a precondition that fails the run.
terraform {
  required_version = ">= 1.5" # check blocks

  required_providers {
    covalence = {
      source = "covalence-oss/covalence"
    }
  }
}

# Configured from COVALENCE_API_KEY and COVALENCE_BASE_URL.
provider "covalence" {}

locals {
  # Organizations by name (assumed unique: Terraform reports a duplicate key).
  orgs = { for org in data.covalence_orgs.all.orgs : org.name => org }

  # Severities, highest first, for the report.
  severities = ["Critical", "High", "Medium", "Low", "Warning", "Informational"]
}

# ---------------------------------------------------------------------------
# (a) Organization inventory
# ---------------------------------------------------------------------------

data "covalence_orgs" "all" {}

# One record per organization; a real configuration would create a
# per-client resource (a folder, a dashboard, a ticket queue, ...) here.
resource "terraform_data" "org" {
  for_each = local.orgs

  input = {
    id                = each.value.id
    name              = each.value.name
    email             = each.value.email
    email_aro_details = each.value.email_aro_details
  }
}

# ---------------------------------------------------------------------------
# (b) 7-day ARO report per organization
# ---------------------------------------------------------------------------

data "covalence_aros" "last_7_days" {
  for_each = local.orgs

  organization_id = each.value.id
  since           = var.report_window
  include_details = false
}

# ---------------------------------------------------------------------------
# (c) Compliance gate: unresolved High or Critical AROs
# ---------------------------------------------------------------------------

# One summary: counts, not AROs, go into the state, whatever the estate's size.
data "covalence_aro_summary" "open_high" {
  resolution   = "Unresolved"
  min_severity = "High" # missing or unknown severities are kept: fail closed
}

locals {
  open_high       = data.covalence_aro_summary.open_high
  open_high_count = local.open_high.total
  # The clients with open findings, most first.
  open_high_clients = [
    for o in reverse(sort([
      for id, org in local.open_high.organizations : format("%06d %s", org.total, org.name) if org.total > 0
    ])) : format("%s: %d", substr(o, 7, -1), tonumber(substr(o, 0, 6)))
  ]
  gate_message = format(
    "%d unresolved High/Critical AROs (%d Critical, %d High) in %d of %d clients: %s",
    local.open_high_count,
    local.open_high.severity_counts["Critical"],
    local.open_high.severity_counts["High"],
    length(local.open_high_clients),
    length(local.open_high.organizations),
    join("; ", slice(local.open_high_clients, 0, min(5, length(local.open_high_clients)))),
  )
}

# Always on: a warning on every plan and apply while the gate is red.
check "no_unresolved_high_or_critical_aros" {
  assert {
    condition     = local.open_high_count == 0
    error_message = local.gate_message
  }
}

# Stands for what this configuration deploys. With enforce_compliance = true
# its precondition fails the plan while the gate is red.
resource "terraform_data" "release" {
  input = "release-1"

  lifecycle {
    precondition {
      condition     = !var.enforce_compliance || local.open_high_count == 0
      error_message = "Compliance gate (enforce_compliance = true): ${local.gate_message}"
    }
  }
}
