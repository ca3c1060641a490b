variable "sla_hours" {
  description = "How long an unresolved ARO of each severity may stay open, in hours. Severities left out have no SLA."
  type        = map(number)
  default = {
    Critical = 24
    High     = 72
    Medium   = 720
  }

  validation {
    condition     = alltrue([for s in keys(var.sla_hours) : contains(["Informational", "Warning", "Low", "Medium", "High", "Critical"], s)])
    error_message = "The keys of sla_hours must be severities: Informational, Warning, Low, Medium, High, Critical."
  }
}

data "covalence_aro_summary" "open" {
  resolution = "Unresolved"
}

locals {
  s = data.covalence_aro_summary.open

  # The oldest creation time each tier allows.
  deadlines = { for sev, hours in var.sla_hours : sev => timeadd(plantimestamp(), "-${hours}h") }

  # Whether a map of oldest creation times breaches a tier.
  breached_tiers = [
    for sev, deadline in local.deadlines : sev
    if local.s.oldest_creation_time_by_severity[sev] == null ? false : timecmp(local.s.oldest_creation_time_by_severity[sev], deadline) < 0
  ]
  breached_orgs = flatten([
    for id, o in local.s.organizations : [
      for sev, deadline in local.deadlines : "${coalesce(o.name, id)} (${sev})"
      if o.oldest_creation_time_by_severity[sev] == null ? false : timecmp(o.oldest_creation_time_by_severity[sev], deadline) < 0
    ]
  ])
  unassigned_breached = [
    for sev, deadline in local.deadlines : sev
    if local.s.unassigned.oldest_creation_time_by_severity[sev] == null ? false : timecmp(local.s.unassigned.oldest_creation_time_by_severity[sev], deadline) < 0
  ]
  # Severities outside the six ("" for none): no tier can clear them.
  unknown_severities = [for sev, n in local.s.severity_counts : sev if n > 0 && !contains(keys(local.s.oldest_creation_time_by_severity), sev)]

  sla_met = length(local.breached_tiers) == 0 && local.s.without_creation_time == 0 && length(local.unknown_severities) == 0
}

resource "terraform_data" "release" {
  input = "v1.2.3"

  lifecycle {
    precondition {
      condition     = local.sla_met
      error_message = "SLA breached: tiers [${join(", ", local.breached_tiers)}]; organizations [${join(", ", local.breached_orgs)}]; unassigned [${join(", ", local.unassigned_breached)}]; ${local.s.without_creation_time} unresolved AROs of unknown age; severities outside the six: [${join(", ", local.unknown_severities)}]."
    }
  }
}
