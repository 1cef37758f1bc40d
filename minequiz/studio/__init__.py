"""The studio: NGO staff write, translate and publish lessons."""
