# Unit tests of the check, without a portal (see fleet-gate/tests). The
# summary is scoped to the check block, which override_data cannot target:
# mock_data sets what every covalence_aro_summary returns, one mock provider
# per estate.
mock_provider "covalence" {
  mock_data "covalence_aro_summary" {
    defaults = {
      total           = 0
      severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }
      organizations   = {}
    }
  }
}

mock_provider "covalence" {
  alias = "dirty"

  mock_data "covalence_aro_summary" {
    defaults = {
      total           = 1
      severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 1 }
      organizations = {
        org-acme = {
          name                             = "Acme Inc."
          total                            = 1
          severity_counts                  = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 1 }
          oldest_creation_time             = "2026-01-10T08:00:00Z"
          oldest_creation_time_by_severity = { Informational = null, Warning = null, Low = null, Medium = null, High = null, Critical = "2026-01-10T08:00:00Z" }
        }
      }
    }
  }
}

run "clean_estate_passes" {
  command = plan
}

run "dirty_estate_warns" {
  command   = plan
  providers = { covalence = covalence.dirty }

  expect_failures = [check.no_open_high_severity_aros]
}
