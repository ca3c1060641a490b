# The MSSP providers the API key belongs to, in the portal's order. The first
# is the one the provider acts as when provider_id is not set.
data "covalence_providers" "mine" {}

output "provider_names" {
  value = [for p in data.covalence_providers.mine.providers : p.name]
}

# Several providers: one provider configuration (alias) per MSSP provider,
# each acting as one of them. provider_id takes an ID or an exact name.
provider "covalence" {
  alias       = "east"
  provider_id = "MSSP East"
}

provider "covalence" {
  alias       = "west"
  provider_id = "MSSP West"
}

data "covalence_orgs" "east" {
  provider = covalence.east
}

data "covalence_orgs" "west" {
  provider = covalence.west
}

# Keys of different providers: one configuration per key.
variable "partner_api_key" {
  type      = string
  sensitive = true
}

provider "covalence" {
  alias   = "partner"
  api_key = var.partner_api_key
}

data "covalence_providers" "partner" {
  provider = covalence.partner
}

output "clients_per_provider" {
  value = {
    east    = length(data.covalence_orgs.east.orgs)
    west    = length(data.covalence_orgs.west.orgs)
    partner = [for p in data.covalence_providers.partner.providers : p.name]
  }
}
