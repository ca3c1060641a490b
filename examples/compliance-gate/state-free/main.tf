# Fleet gate: no unresolved High or Critical ARO in any client.
ephemeral "covalence_aro_summary" "fleet" {
  resolution   = "Unresolved"
  min_severity = "High" # an ARO with a missing or unknown severity is kept: fail closed
  max_total    = 0
}

# Per-client gate: no unresolved Critical ARO, one gate per client
# organization, so that each failing client gets its own error.
data "covalence_orgs" "all" {}

ephemeral "covalence_aro_summary" "client" {
  for_each = { for org in data.covalence_orgs.all.orgs : org.id => org.name }

  organization_id = each.key
  resolution      = "Unresolved"
  min_severity    = "Critical"
  max_total       = 0
}

# What the configuration deploys. A gate needs no reference to fail the run;
# depends_on only makes the order explicit.
resource "terraform_data" "release" {
  input = "v1.2.3"

  depends_on = [ephemeral.covalence_aro_summary.fleet, ephemeral.covalence_aro_summary.client]
}
