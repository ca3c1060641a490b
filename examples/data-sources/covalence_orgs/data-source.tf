# Every organization of the MSSP provider, sorted by name.
data "covalence_orgs" "all" {}

# Only the organizations whose name contains "acme", ignoring case.
# No match gives an empty list, not an error.
data "covalence_orgs" "acme" {
  name_contains = "acme"
}

output "org_names" {
  value = [for org in data.covalence_orgs.all.orgs : org.name]
}

# One object per organization, keyed by ID, e.g. for for_each.
output "orgs_by_id" {
  value = { for org in data.covalence_orgs.all.orgs : org.id => org }
}
