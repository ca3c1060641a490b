# Unit tests of the per-client gate, without a portal (see fleet-gate/tests).
mock_provider "covalence" {
  override_data {
    target = data.covalence_orgs.all
    values = {
      orgs = [
        {
          id = "org-acme", name = "Acme Inc.", email = null, email_aro_details = false,
          # The detail attributes (null without include_details; contacts an empty list, which
          # Terraform can type): OpenTofu needs every attribute of an object.
          client_id = null, status = null, license_type = null, service_tier = null, is_trial = null, default_locale = null,
          industry  = null, created_time = null, last_updated_time = null, active_response_policy = null, contacts = []
        },
        {
          id = "org-globex", name = "Globex", email = "sec@globex.example", email_aro_details = true,
          # The detail attributes (null without include_details; contacts an empty list, which
          # Terraform can type): OpenTofu needs every attribute of an object.
          client_id = null, status = null, license_type = null, service_tier = null, is_trial = null, default_locale = null,
          industry  = null, created_time = null, last_updated_time = null, active_response_policy = null, contacts = []
        },
      ]
    }
  }
}

run "clean_clients_pass" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      organizations = {
        org-acme = {
          name                             = "Acme Inc."
          total                            = 2
          severity_counts                  = { Informational = 0, Warning = 0, Low = 1, Medium = 0, High = 1, Critical = 0 }
          oldest_creation_time             = "2026-01-10T08:00:00Z"
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = "2026-01-10T08:00:00Z", Critical = null }
        }
        org-globex = {
          name                             = "Globex"
          total                            = 0
          severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }
          oldest_creation_time             = null
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null }
        }
      }
    }
  }

  assert {
    condition     = length(terraform_data.client) == 2
    error_message = "every client should be deployed"
  }
}

run "client_with_critical_fails" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      organizations = {
        org-acme = {
          name                             = "Acme Inc."
          total                            = 1
          severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 1 }
          oldest_creation_time             = "2026-01-10T08:00:00Z"
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = "2026-01-10T08:00:00Z" }
        }
        org-globex = {
          name                             = "Globex"
          total                            = 0
          severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }
          oldest_creation_time             = null
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = null }
        }
      }
    }
  }

  expect_failures = [terraform_data.client]
}
