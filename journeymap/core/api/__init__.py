"""DRF pieces shared by every app's API: one error shape, one pagination."""
