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

# Every organization with its detail (the attributes of covalence_org), e.g.
# to route alerts to each client's technical contact.
data "covalence_orgs" "detailed" {
  include_details = true
}

output "technical_contacts" {
  value = {
    for org in data.covalence_orgs.detailed.orgs : org.id => (
      org.contacts == null ? [] : [for c in org.contacts : c.email if c.type == "Technical - Primary"]
    )
  }
}
