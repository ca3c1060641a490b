# One organization by exact name (ignoring case), with its detail.
data "covalence_org" "acme" {
  name = "Acme Inc."
}

# Or by ID.
data "covalence_org" "by_id" {
  id = "6d752a20-b28a-45f8-a72f-b809b52335ed"
}

output "acme_profile" {
  value = {
    licence         = data.covalence_org.acme.license_type
    tier            = data.covalence_org.acme.service_tier
    language        = data.covalence_org.acme.default_locale
    active_response = data.covalence_org.acme.active_response_policy
  }
}

# Key contacts by role, e.g. to route notifications.
output "acme_contacts" {
  value = { for c in coalesce(data.covalence_org.acme.contacts, []) : c.type => c.email... }
}
