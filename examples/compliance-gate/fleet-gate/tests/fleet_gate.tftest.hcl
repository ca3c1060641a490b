mock_provider "covalence" {}

run "clean_estate_passes" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      total           = 0
      severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 0, Critical = 0 }
    }
  }

  assert {
    condition     = terraform_data.release.input == "v1.2.3"
    error_message = "the release was not planned on a clean estate"
  }
}

run "dirty_estate_fails" {
  command = plan

  override_data {
    target = data.covalence_aro_summary.open
    values = {
      total           = 3
      severity_counts = { Informational = 0, Warning = 0, Low = 0, Medium = 0, High = 2, Critical = 1 }
    }
  }

  expect_failures = [terraform_data.release]
}
