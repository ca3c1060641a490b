# Unit tests of the client policy gate, without a portal (see fleet-gate/tests).
# override_data values cannot call functions, so the times are fixed: one
# long past (older than any trial allowance), one in the future.
mock_provider "covalence" {}

run "compliant_clients_pass" {
  command = plan

  override_data {
    target = data.covalence_orgs.clients
    values = {
      orgs = [
        {
          id           = "org-acme", name = "Acme Inc.", email = null, email_aro_details = false,
          client_id    = "2022-0001-ACME", status = "active", license_type = "Covalence Complete", service_tier = "Complete",
          is_trial     = false, default_locale = "en-CA", industry = "Retail",
          created_time = "2021-05-11T12:58:26Z", last_updated_time = "2024-01-01T00:00:00Z",
          active_response_policy = "Automatic", contacts = [
            { id = "c-2", type = "Administrative", email = "it@acme.example", first_name = "Ida", last_name = "Admin", phone_number = null },
            { id = "c-1", type = "Technical - Primary", email = "soc@acme.example", first_name = "Sam", last_name = "Tech", phone_number = null },
          ]
        },
        {
          id           = "org-new", name = "New Trial Co", email = null, email_aro_details = true,
          client_id    = "2026-0002-NEW", status = "trial", license_type = "Covalence Complete", service_tier = "Complete",
          is_trial     = true, default_locale = "en-US", industry = "Finance",
          created_time = "2999-01-01T00:00:00Z", last_updated_time = "2999-01-01T00:00:00Z",
          active_response_policy = "Notify", contacts = [
            { id = "c-1", type = "Technical - Primary", email = "soc@acme.example", first_name = "Sam", last_name = "Tech", phone_number = null },
          ]
        },
      ]
    }
  }

  assert {
    condition     = length(local.failing) == 0
    error_message = "compliant clients should pass: ${join("; ", local.failing)}"
  }
}

run "non_compliant_clients_fail" {
  command = plan

  override_data {
    target = data.covalence_orgs.clients
    values = {
      orgs = [
        {
          id           = "org-off", name = "Off Ltd", email = null, email_aro_details = false,
          client_id    = "2022-0003-OFF", status = "active", license_type = "Covalence Complete", service_tier = "Complete",
          is_trial     = false, default_locale = "en-CA", industry = "Retail",
          created_time = "2021-05-11T12:58:26Z", last_updated_time = "2024-01-01T00:00:00Z",
          active_response_policy = "Off", contacts = [
            { id = "c-1", type = "Technical - Primary", email = "soc@acme.example", first_name = "Sam", last_name = "Tech", phone_number = null },
          ]
        },
        {
          id           = "org-old-trial", name = "Old Trial Inc", email = null, email_aro_details = false,
          client_id    = "2021-0004-OLD", status = "trial", license_type = "Covalence Complete", service_tier = "Complete",
          is_trial     = true, default_locale = "en-CA", industry = "Retail",
          created_time = "2021-05-11T12:58:26Z", last_updated_time = "2024-01-01T00:00:00Z",
          active_response_policy = "Notify", contacts = [
            { id = "c-2", type = "Administrative", email = "it@acme.example", first_name = "Ida", last_name = "Admin", phone_number = null },
          ]
        },
      ]
    }
  }

  expect_failures = [terraform_data.onboarding]
}

run "client_without_technical_contact_fails" {
  command = plan

  override_data {
    target = data.covalence_orgs.clients
    values = {
      orgs = [
        {
          id           = "org-admin-only", name = "Admin Only Corp", email = null, email_aro_details = false,
          client_id    = "2022-0005-ADM", status = "active", license_type = "Covalence Complete", service_tier = "Complete",
          is_trial     = false, default_locale = "en-CA", industry = "Retail",
          created_time = "2021-05-11T12:58:26Z", last_updated_time = "2024-01-01T00:00:00Z",
          active_response_policy = "Automatic", contacts = [
            { id = "c-2", type = "Administrative", email = "it@acme.example", first_name = "Ida", last_name = "Admin", phone_number = null },
          ]
        },
      ]
    }
  }

  expect_failures = [terraform_data.onboarding]
}
