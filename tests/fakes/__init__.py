"""Local fakes of cloud provider APIs, speaking their real wire formats, for tests."""
